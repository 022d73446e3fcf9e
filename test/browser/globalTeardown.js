'use strict';

const fs = require('fs');
const path = require('path');

const n8n = require('../../scripts/n8n');
const { RESULTS_DIR } = require('./support');

module.exports = async () => {
	const shared = globalThis.__FST_BROWSER__;
	if (!shared) return;
	const { workDir, registry, server } = shared;
	fs.mkdirSync(RESULTS_DIR, { recursive: true });
	fs.writeFileSync(path.join(RESULTS_DIR, 'n8n.log'), server.logs());
	await server.stop();
	await registry.stop();
	if (process.env.FST_BROWSER_KEEP) n8n.log(`browser work folder kept: ${workDir}`);
	else fs.rmSync(workDir, { recursive: true, force: true });
};
