// The way users install community nodes: n8n's own installer (Settings > Community Nodes, which calls
// these REST endpoints) against a private npm registry (Verdaccio on 127.0.0.1) to which the package is
// published with `npm publish`, as a release would publish it. The errors for a package that does not
// exist and a version that is not there; install by name, after which the example workflow runs with the
// installed package; an update to a newer version; uninstall. (Through n8n's REST API, as the editor's
// Community Nodes page calls it; the page itself in Chromium is still to come.)
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const n8n = require('../../scripts/n8n');
const local = require('../../scripts/local-idcs');
const { startRegistry } = require('../../scripts/services/registry');

const PACKAGE = n8n.PACKAGE_NAME;
const OWNER = { email: 'installer-owner@example.com', password: 'Installer-pass1' };

let work;
let registry;
let server;
let cookie;
let folder;
let idcs;
let tarball;

/** The packed package with another version, published to the registry. */
async function publishVersion(version) {
	const dir = fs.mkdtempSync(path.join(work, `pkg-${version}-`));
	execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
	const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...manifest, version }, null, 2));
	await registry.publish(dir);
}

async function rest(method, route, body) {
	const response = await fetch(`${server.url}${route}`, {
		method,
		headers: { cookie, 'content-type': 'application/json', 'browser-id': 'installer-test' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = { text };
	}
	return { status: response.status, body: json };
}

beforeAll(async () => {
	await n8n.ensureN8n();
	work = fs.mkdtempSync(path.join(os.tmpdir(), 'fst-install-'));
	tarball = await n8n.buildAndPack(path.join(work, 'pack'));
	registry = await startRegistry({ parent: work, log: n8n.log });
	idcs = await local.startIdcs();
	await publishVersion('0.1.0');
	folder = n8n.userFolder(path.join(work, 'user'));
	// n8n asks `npm outdated` for updates without naming its registry: the nodes folder's .npmrc does.
	fs.mkdirSync(path.join(folder.n8nDir, 'nodes'), { recursive: true });
	fs.writeFileSync(path.join(folder.n8nDir, 'nodes', '.npmrc'), `registry=${registry.url}/\n`);
	server = await n8n.startN8n(folder, {
		// A registry other than npm's is a licensed feature; n8n's end-to-end test mode lets a test turn it on.
		env: { N8N_COMMUNITY_PACKAGES_REGISTRY: registry.url, E2E_TESTS: 'true' },
	});
	for (let i = 0; i < 240; i++) {
		if ((await fetch(`${server.url}/healthz/readiness`).catch(() => undefined))?.status === 200) break;
		await n8n.sleep(500);
	}
	await n8n.setupOwner(server.url, OWNER);
	cookie = await n8n.login(server.url, OWNER);
	expect(
		await rest('PATCH', '/rest/e2e/feature', { feature: 'feat:communityNodes:customRegistry', enabled: true }),
	).toMatchObject({
		status: 200,
	});
}, 900_000);

afterAll(async () => {
	await server?.stop();
	await registry?.stop();
	await idcs?.stop();
	if (work) fs.rmSync(work, { recursive: true, force: true });
}, 60_000);

test('says clearly that a package does not exist, or a version is not there, and installs nothing', async () => {
	const missing = await rest('POST', '/rest/community-packages', { name: 'n8n-nodes-field-service-token-missing' });
	expect(missing.status).toBe(500);
	expect(missing.body.message).toBe(
		'Error loading package "n8n-nodes-field-service-token-missing" :Package version does not exist',
	);
	const badVersion = await rest('POST', '/rest/community-packages', { name: PACKAGE, version: '9.9.9' });
	expect(badVersion.status).toBe(500);
	expect(badVersion.body.message).toBe(`Error loading package "${PACKAGE}" :Package version does not exist`);
	expect((await rest('GET', '/rest/community-packages')).body.data).toEqual([]);
});

test('installs the package by name from the registry, and n8n loads its node without a restart', async () => {
	const installed = await rest('POST', '/rest/community-packages', { name: PACKAGE });
	expect(installed.status).toBe(200);
	expect(installed.body.data).toMatchObject({
		packageName: PACKAGE,
		installedVersion: '0.1.0',
		installedNodes: [{ name: 'Field Service Token', type: n8n.NODE_TYPE }],
	});
	const listed = await rest('GET', '/rest/community-packages');
	expect(listed.body.data.map((p) => [p.packageName, p.installedVersion])).toEqual([[PACKAGE, '0.1.0']]);
	expect(fs.existsSync(path.join(folder.n8nDir, 'nodes', 'node_modules', PACKAGE, 'dist', 'credentials'))).toBe(true);

	// The example workflow runs with the package n8n installed: a refreshed token, and the OFS API answers.
	const ref = local.exampleCredentialRef();
	await n8n.importCredentials(
		folder,
		local.credential(ref.id, ref.name, await local.connectedCredentialData(idcs, { client: 'basic' })),
	);
	const workflow = local.exampleWorkflowFor(idcs.ofsBaseUrl);
	await n8n.importWorkflows(folder, workflow);
	const result = await n8n.executeWorkflow(folder, workflow.id);
	if (!result.ok)
		throw new Error(`the example workflow failed: ${result.error?.message ?? result.stderr.slice(-2000)}`);
	expect(result.output('Field Service Token')).toEqual([
		// The connected credential's token is still valid: reused, not refreshed.
		expect.objectContaining({ token_type: 'Bearer', from_cache: true, refresh_token_rotated: false }),
	]);
	expect(result.output('List OFS resources')).toEqual([expect.objectContaining({ totalResults: 2 })]);
});

test('offers a newer version published to the registry, and updates to it', async () => {
	await publishVersion('0.1.1');
	const listed = await rest('GET', '/rest/community-packages');
	expect(listed.body.data).toEqual([expect.objectContaining({ packageName: PACKAGE, updateAvailable: '0.1.1' })]);
	const updated = await rest('PATCH', '/rest/community-packages', { name: PACKAGE });
	expect(updated.status).toBe(200);
	expect(updated.body.data).toMatchObject({ packageName: PACKAGE, installedVersion: '0.1.1' });
});

test('uninstalls the package', async () => {
	const removed = await rest('DELETE', `/rest/community-packages?name=${PACKAGE}`);
	expect(removed.status).toBe(200);
	expect((await rest('GET', '/rest/community-packages')).body.data).toEqual([]);
	expect(fs.existsSync(path.join(folder.n8nDir, 'nodes', 'node_modules', PACKAGE))).toBe(false);
});
