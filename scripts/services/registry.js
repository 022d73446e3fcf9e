// A private npm registry for n8n's own community package installer: Verdaccio (a devDependency) on a
// free port of 127.0.0.1, run with the cached Node 24 (Verdaccio 6 wants Node 22 or later), storage
// in a temporary folder, no uplink (it serves what is published to it, nothing else). Stopped when the
// caller stops it, when the script exits, and by the watchdog (reaper.js) when the script is killed.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const { freePort, stopProcess, cleanEnv, run } = require('../processes');
const { ensureNode24 } = require('../n8n/install');
const reaper = require('./reaper');
const { alive, spawnService } = require('./spawnService');

/**
 * Starts Verdaccio. Resolves { url, publish(dir), stop(), logs() }: `publish` runs `npm publish` of a
 * package folder or tarball against it, as a release would (a user made for the purpose holds the token).
 */
async function startRegistry({ parent = os.tmpdir(), log = () => {}, timeoutMs = 60_000 } = {}) {
	const node = await ensureNode24();
	const dir = fs.mkdtempSync(path.join(parent, 'fst-registry-'));
	reaper.guardPath(dir);
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	fs.writeFileSync(
		path.join(dir, 'config.yaml'),
		[
			`storage: ${path.join(dir, 'storage')}`,
			'auth:',
			'  htpasswd:',
			`    file: ${path.join(dir, 'htpasswd')}`,
			'    max_users: 10',
			'uplinks: {}',
			'packages:',
			"  '**':",
			'    access: $all',
			'    publish: $authenticated',
			'    unpublish: $authenticated',
			'log: { type: stdout, format: pretty, level: warn }',
			'',
		].join('\n'),
	);
	const verdaccio = path.join(path.dirname(require.resolve('verdaccio/package.json')), 'bin', 'verdaccio');
	const { child, logs } = spawnService(
		node,
		[verdaccio, '--config', path.join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`],
		{ cwd: dir },
	);
	const stop = async () => {
		await stopProcess(child, { graceMs: 5_000 });
		reaper.release({ group: child.pid });
		fs.rmSync(dir, { recursive: true, force: true });
		reaper.release({ path: dir });
	};
	try {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline && alive(child)) {
			const ping = await fetch(`${url}/-/ping`).catch(() => undefined);
			if (ping?.ok) break;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		if (!alive(child)) throw new Error(`Verdaccio exited:\n${logs().slice(-3000)}`);
		const user = await fetch(`${url}/-/user/org.couchdb.user:publisher`, {
			method: 'PUT',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'publisher', password: `publisher-${port}` }),
		});
		const { token } = await user.json();
		if (!token) throw new Error(`Verdaccio at ${url} made no publishing user (HTTP ${user.status})`);
		const npmrc = path.join(dir, 'npmrc');
		fs.writeFileSync(npmrc, `//127.0.0.1:${port}/:_authToken=${token}\n`, { mode: 0o600 });
		log(`npm registry (Verdaccio) on ${url}`);
		return {
			url,
			npmrc,
			logs,
			/** `npm publish` of a folder or tarball, as a release would publish it. */
			publish: (target) => publishPackage({ url, npmrc }, target),
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

/**
 * `npm publish` of a folder or tarball to the registry at `url` (its publishing user's token in the
 * `npmrc` file startRegistry wrote), as a release would publish it. Usable from another process.
 */
async function publishPackage({ url, npmrc }, target) {
	const result = await run(
		'npm',
		['publish', target, '--registry', url, '--userconfig', npmrc, '--ignore-scripts', '--tag', 'latest'],
		{ env: cleanEnv() },
	);
	if (result.code !== 0) throw new Error(`npm publish ${target} to ${url} failed:\n${result.stderr}`);
}

module.exports = { startRegistry, publishPackage };
