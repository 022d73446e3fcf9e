const fs = require('fs');

const n8n = require('../../scripts/n8n');

module.exports = async () => {
	const workDir = globalThis.__FST_E2E_DIR__;
	if (!workDir) return;
	if (process.env.FST_E2E_KEEP) n8n.log(`e2e work folder kept: ${workDir}`);
	else fs.rmSync(workDir, { recursive: true, force: true });
};
