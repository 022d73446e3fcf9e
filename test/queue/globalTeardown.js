const fs = require('fs');

const n8n = require('../../scripts/n8n');
const reaper = require('../../scripts/services/reaper');

module.exports = async () => {
	const workDir = globalThis.__FST_QUEUE_DIR__;
	if (!workDir) return;
	if (process.env.FST_QUEUE_KEEP) n8n.log(`scale-out work folder kept: ${workDir}`);
	else fs.rmSync(workDir, { recursive: true, force: true });
	reaper.release({ path: workDir });
};
