// Once per `npm run test:browser` (and `npm run test:install`): one n8n for every *.browser.js file,
// started as a user starts it (no owner yet, no community package), with n8n's community package
// installer pointed at a private npm registry (Verdaccio on 127.0.0.1) to which the package is
// published with `npm publish`, as a release would publish it. The files run in the order that
// sequencer.js gives: the installer first (owner set-up, then the package installed by name), then
// the editor. Their state is in process.env.FST_BROWSER (see shared.js).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const n8n = require('../../scripts/n8n');
const { startRegistry } = require('../../scripts/services/registry');
const { RESULTS_DIR } = require('./support');

module.exports = async () => {
	const started = Date.now();
	process.stderr.write('\n');
	// Failure screenshots of an earlier run would be mistaken for this run's.
	fs.rmSync(RESULTS_DIR, { recursive: true, force: true });
	await n8n.ensureN8n(); // cold cache: installs Node 24 and n8n (about 3 min), with progress
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fst-browser-'));
	const tarball = await n8n.buildAndPack(path.join(workDir, 'pack'));
	const registry = await startRegistry({ parent: workDir, log: n8n.log });
	await registry.publish(tarball); // the version in package.json, as `npm publish` of a release
	const folder = n8n.userFolder(path.join(workDir, 'user'));
	// n8n asks `npm outdated` for updates without naming its registry: the nodes folder's .npmrc does.
	fs.mkdirSync(path.join(folder.n8nDir, 'nodes'), { recursive: true });
	fs.writeFileSync(path.join(folder.n8nDir, 'nodes', '.npmrc'), `registry=${registry.url}/\n`);
	const server = await n8n.startN8n(folder, {
		// A registry other than npm's is a licensed feature; n8n's end-to-end test mode lets a test turn it on.
		env: { N8N_COMMUNITY_PACKAGES_REGISTRY: registry.url, E2E_TESTS: 'true' },
	});
	globalThis.__FST_BROWSER__ = { workDir, registry, server };
	const feature = await fetch(`${server.url}/rest/e2e/feature`, {
		method: 'PATCH',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ feature: 'feat:communityNodes:customRegistry', enabled: true }),
	});
	if (!feature.ok) throw new Error(`n8n did not enable its custom registry feature: HTTP ${feature.status}`);
	n8n.log(
		`browser setup ready in ${Math.round((Date.now() - started) / 1000)} s: n8n ${server.url} (pid ${server.process.pid}), registry ${registry.url}, ${workDir}`,
	);
	process.env.FST_BROWSER = JSON.stringify({
		workDir,
		tarball,
		userDir: folder.dir,
		url: server.url,
		port: server.port,
		pid: server.process.pid,
		registry: { url: registry.url, npmrc: registry.npmrc },
	});
};
