// What the *.browser.js files share: the one n8n that globalSetup.js started (its address, user folder
// and process), the private npm registry the package is published to, and the owner account.
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const n8n = require('../../scripts/n8n');
const { publishPackage } = require('../../scripts/services/registry');

const OWNER = {
	email: 'browser-owner@example.com',
	password: 'BrowserOwner1',
	firstName: 'Browser',
	lastName: 'Owner',
};

/** The shared n8n: { url, port, pid, folder, workDir, tarball, registry }. */
function sharedN8n() {
	if (!process.env.FST_BROWSER)
		throw new Error('no shared n8n: run the browser files through their jest config (npm run test:browser)');
	const state = JSON.parse(process.env.FST_BROWSER);
	return { ...state, folder: n8n.userFolder(state.userDir) };
}

/** The packed package under another version, published to the shared registry as a release would. */
async function publishVersion(version, edit = (manifest) => manifest) {
	const { workDir, tarball, registry } = sharedN8n();
	const dir = fs.mkdtempSync(path.join(workDir, `pkg-${version}-`));
	execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
	const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(edit({ ...manifest, version }), null, 2));
	await publishPackage(registry, dir);
	return dir;
}

/** Is the process that globalSetup started still the one serving n8n (no restart)? */
function stillRunning(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/**
 * A REST call to the shared n8n from this process, with a session `cookie`. Resolves the answer's
 * `data`; anything but a 2xx throws with the answer.
 */
async function restWith(cookie, method, route, body) {
	const response = await fetch(`${sharedN8n().url}${route}`, {
		method,
		headers: { cookie, 'content-type': 'application/json', 'browser-id': 'browser-shared' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`${method} ${route}: HTTP ${response.status} ${text.slice(0, 500)}`);
	return JSON.parse(text).data;
}

/**
 * The owner exists (a file run on its own, after the installer file would have made it through the
 * setup form) and the package is installed, through n8n's own installer (POST /rest/community-packages,
 * what the Community Nodes page calls). Resolves a session cookie.
 */
async function ownerWithPackage() {
	const { url } = sharedN8n();
	await n8n.setupOwner(url, OWNER);
	const cookie = await n8n.login(url, OWNER);
	const listed = await restWith(cookie, 'GET', '/rest/community-packages');
	if (!listed.some((p) => p.packageName === n8n.PACKAGE_NAME))
		await restWith(cookie, 'POST', '/rest/community-packages', { name: n8n.PACKAGE_NAME });
	return cookie;
}

module.exports = { OWNER, sharedN8n, publishVersion, stillRunning, restWith, ownerWithPackage };
