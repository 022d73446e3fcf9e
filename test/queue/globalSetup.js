// Once per `npm run test:queue`: n8n in the cache, the package built and packed.
const fs = require('fs');
const os = require('os');
const path = require('path');

const n8n = require('../../scripts/n8n');
const reaper = require('../../scripts/services/reaper');

module.exports = async () => {
	const started = Date.now();
	process.stderr.write('\n');
	const { version } = await n8n.ensureN8n();
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fst-queue-'));
	// Removed by globalTeardown; by the watchdog if Jest is killed.
	reaper.guardPath(workDir);
	const tarball = await n8n.buildAndPack(path.join(workDir, 'pack'));
	n8n.log(`scale-out setup ready in ${Math.round((Date.now() - started) / 1000)} s (n8n ${version}): ${workDir}`);
	globalThis.__FST_QUEUE_DIR__ = workDir;
	process.env.FST_QUEUE = JSON.stringify({ workDir, tarball, n8nVersion: version });
};
