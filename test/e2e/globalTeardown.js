// After the e2e files: the fixtures' local IDCS processes stopped, the work folder removed (kept with FST_E2E_KEEP=1).
const fs = require('fs');

const n8n = require('../../scripts/n8n');
const reaper = require('../../scripts/services/reaper');

module.exports = async () => {
	for (const idcs of globalThis.__FST_E2E_IDCS__ ?? []) {
		await idcs.stop().catch((error) => n8n.log(`stopping a local IDCS: ${error.message}`));
		reaper.release({ pid: idcs.process.pid });
	}
	const workDir = globalThis.__FST_E2E_DIR__;
	if (!workDir) return;
	if (process.env.FST_E2E_KEEP) n8n.log(`e2e work folder kept: ${workDir}`);
	else fs.rmSync(workDir, { recursive: true, force: true });
};
