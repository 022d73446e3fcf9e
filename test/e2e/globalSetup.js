// Once per `npm run test:e2e`: n8n in the cache, the package built and packed, and a template n8n user
// folder with the package installed and the database migrated, which each test file copies.
const fs = require('fs');
const os = require('os');
const path = require('path');

const n8n = require('../../scripts/n8n');

module.exports = async () => {
	const started = Date.now();
	process.stderr.write('\n');
	await n8n.ensureN8n();
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fst-e2e-'));
	const tarball = await n8n.buildAndPack(path.join(workDir, 'pack'));
	const template = n8n.userFolder(path.join(workDir, 'template'));
	await n8n.installPackage(template, tarball);
	// The first n8n command on a folder creates and migrates its database.
	await n8n.n8nCliOrThrow(template, ['export:nodes', `--output=${path.join(workDir, 'template-nodes.json')}`]);
	n8n.log(`e2e setup ready in ${Math.round((Date.now() - started) / 1000)} s: ${workDir}`);
	globalThis.__FST_E2E_DIR__ = workDir;
	process.env.FST_E2E = JSON.stringify({ workDir, template: template.dir, tarball });
};
