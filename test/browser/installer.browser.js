// The way users get community nodes: a new n8n (the owner set up through its setup form), then
// Settings > Community Nodes > Install, the package name typed, the risk box ticked. n8n's own installer
// fetches the package from a private npm registry (globalSetup.js) to which it was published with
// `npm publish`. Then: the node is in the nodes panel without a restart, the example workflow runs with
// it, bad input gets n8n's error and breaks nothing, a newer version is offered and updated to, and
// Uninstall says which workflow it leaves without its node. In Chromium; screenshots of the install
// dialog and the installed package go to docs/images with FST_UPDATE_SCREENSHOTS=1.
'use strict';

const fs = require('fs');
const path = require('path');

const n8n = require('../../scripts/n8n');
const local = require('../../scripts/local-idcs');
const {
	launchBrowser,
	steps,
	visible,
	gone,
	until,
	closeToasts,
	toastTexts,
	dismissOverlays,
	screenshot,
	closeBrowser,
	editorRest,
} = require('./support');
const { OWNER, sharedN8n, publishVersion, stillRunning } = require('./shared');

const PACKAGE = n8n.PACKAGE_NAME;
const MISSING_PACKAGE = `${PACKAGE}-missing`;
// A package of its own that installs but cannot be loaded (its node file is not there).
const UNLOADABLE_PACKAGE = 'n8n-nodes-fst-unloadable';

let shared;
let idcs;
let browser;
let page;
let problems = [];
let workflow;

const run = steps(() => [page]);

const rest = (method, route, body) => editorRest(page, method, route, body);

const installedPackages = async () =>
	(await rest('GET', '/rest/community-packages')).map((p) => [p.packageName, p.installedVersion]);
const cards = () => page.getByTestId('community-package-card');
const card = (name) => cards().filter({ hasText: name });

// "Install a community node" on the empty page, "Install" above the list of packages.
const installButton = () => page.getByRole('button', { name: /^Install( a community node)?$/ });

async function openCommunityNodes() {
	await page.goto(`${shared.url}/settings/community-nodes`);
	await dismissOverlays(page);
	await visible(installButton(), 'the "Community nodes" page and its Install button');
}

/** Settings > Community Nodes > Install: the name typed, the risk box ticked. Resolves the dialog. */
async function fillInstallDialog(name) {
	await installButton().first().click();
	const modal = await visible(
		page.getByTestId('communityPackageInstall-modal'),
		'the "Install community nodes" dialog',
	);
	await modal.locator('input').first().fill(name);
	await page.getByTestId('user-agreement-checkbox').click();
	return modal;
}

/** Runs the install dialog for `name` and resolves the toasts n8n shows for it. */
async function installThroughPage(name) {
	await openCommunityNodes();
	const modal = await fillInstallDialog(name);
	await page.getByTestId('install-community-package-button').click();
	const texts = await until(
		async () => {
			const shown = await toastTexts(page);
			return shown.length ? shown : undefined;
		},
		`n8n showed no message after installing ${name}`,
		{ timeout: 150_000 },
	);
	return { modal, texts };
}

/** The text of n8n's update or uninstall confirmation, once it names `workflowName`. */
const confirmationNaming = (confirm, workflowName) =>
	until(
		async () => {
			const text = (await confirm.innerText()).replace(/\s+/g, ' ');
			return text.includes(workflowName) ? text : undefined;
		},
		async () => `n8n's confirmation does not name the workflow "${workflowName}": ${await confirm.innerText()}`,
	);

/** The example workflow, run by n8n's CLI on the same user folder: the installed package's node must load. */
async function runExample() {
	const result = await n8n.executeWorkflow(shared.folder, workflow.id);
	if (!result.ok)
		throw new Error(`the example workflow failed: ${result.error?.message ?? result.stderr.slice(-2000)}`);
	return result;
}

beforeAll(async () => {
	shared = sharedN8n();
	idcs = await local.startIdcs();
	({ browser, page, problems } = await launchBrowser());
}, 300_000);

afterAll(async () => {
	await closeBrowser('installer.browser.js', { browser, problems });
	await idcs?.stop();
}, 60_000);

test('a new n8n: the owner is set up through the setup form, and no community package is installed', () =>
	run('owner setup', async () => {
		const settings = (await (await fetch(`${shared.url}/rest/settings`)).json()).data;
		expect(settings.userManagement.showSetupOnFirstLoad).toBe(true);
		expect(settings.communityNodesEnabled).toBe(true);
		await page.goto(`${shared.url}/`);
		await page.waitForURL(/\/setup(\?|$)/, { timeout: 60_000 });
		const form = await visible(page.getByTestId('setup-form'), 'the "Set up owner account" form');
		await expect(form.locator('text=Set up owner account').count()).resolves.toBe(1);
		await form.getByTestId('email').locator('input').fill(OWNER.email);
		await form.getByTestId('firstName').locator('input').fill(OWNER.firstName);
		await form.getByTestId('lastName').locator('input').fill(OWNER.lastName);
		await form.getByTestId('password').locator('input').fill(OWNER.password);
		await form.getByTestId('form-submit-button').click();
		await page.waitForURL((url) => !url.pathname.startsWith('/setup'), { timeout: 30_000 });
		expect((await rest('GET', '/rest/login')).email).toBe(OWNER.email);
		expect(await installedPackages()).toEqual([]);
	}));

test("a package that does not exist, or a version that is not there: n8n's error, and nothing installed", () =>
	run('bad names', async () => {
		const missing = await installThroughPage(MISSING_PACKAGE);
		expect(missing.texts).toEqual([
			`Error installing new package Error loading package "${MISSING_PACKAGE}" :Package version does not exist`,
		]);
		await closeToasts(page);
		const badVersion = await installThroughPage(`${PACKAGE}@9.9.9`);
		expect(badVersion.texts).toEqual([
			`Error installing new package Error loading package "${PACKAGE}@9.9.9" :Package version does not exist`,
		]);
		await closeToasts(page);
		expect(await installedPackages()).toEqual([]);
		expect(fs.existsSync(path.join(shared.folder.n8nDir, 'nodes', 'node_modules', PACKAGE))).toBe(false);
	}));

test('Install: the package typed by name, the risk box ticked; n8n installs it from the registry', () =>
	run('install', async () => {
		await openCommunityNodes();
		const modal = await fillInstallDialog(PACKAGE);
		expect((await modal.innerText()).replace(/\s+/g, ' ')).toContain(
			'I understand the risks of installing unverified code from a public source.',
		);
		await screenshot(page, 'community-nodes-install.png');
		await page.getByTestId('install-community-package-button').click();
		const texts = await until(
			async () => {
				const shown = await toastTexts(page);
				return shown.length ? shown : undefined;
			},
			'n8n showed no message after Install',
			{ timeout: 150_000 },
		);
		expect(texts).toEqual(['Package installed']);
		await gone(modal, 'the install dialog');
		const installed = await visible(card(PACKAGE), `the card of ${PACKAGE}`);
		expect((await installed.innerText()).replace(/\s+/g, ' ')).toMatch(
			new RegExp(`^${PACKAGE} 2 nodes: Field Service,Field Service Token v0\\.1\\.0`),
		);
		expect(await installedPackages()).toEqual([[PACKAGE, '0.1.0']]);
		await closeToasts(page);
		await screenshot(page, 'community-nodes-installed.png');
	}));

test('both nodes are in the nodes panel at once, with no restart of n8n', () =>
	run('nodes panel', async () => {
		expect(stillRunning(shared.pid)).toBe(true);
		await page.goto(`${shared.url}/workflow/new`);
		await dismissOverlays(page);
		await (await visible(page.getByTestId('canvas-plus-button'), 'the canvas "+" button')).click();
		const search = await visible(page.getByTestId('node-creator-search-bar'), "the nodes panel's search");
		await search.fill('Field Service');
		const names = page.getByTestId('node-creator-item-name');
		const offered = async () => (await names.allInnerTexts()).map((t) => t.trim());
		await until(
			async () => {
				const all = await offered();
				return ['Field Service', 'Field Service Token'].every((name) => all.includes(name));
			},
			async () =>
				`the nodes panel offers ${JSON.stringify(await offered())}, not both "Field Service" and "Field Service Token"`,
		);
		expect(stillRunning(shared.pid)).toBe(true);
	}));

test('the example workflow runs with the package n8n installed: a token, and the OFS API answers', () =>
	run('example runs', async () => {
		const ref = local.exampleCredentialRef();
		await n8n.importCredentials(
			shared.folder,
			local.credential(ref.id, ref.name, await local.connectedCredentialData(idcs, { client: 'basic' })),
		);
		workflow = local.exampleWorkflowFor(idcs.ofsBaseUrl);
		await n8n.importWorkflows(shared.folder, workflow);
		const result = await runExample();
		expect(result.output('Field Service Token')).toEqual([
			// The connected credential's token is still valid: reused, not refreshed.
			expect.objectContaining({ token_type: 'Bearer', from_cache: true, refresh_token_rotated: false }),
		]);
		expect(result.output('List OFS resources')).toEqual([expect.objectContaining({ totalResults: 2 })]);
	}));

test('a package that installs but cannot be loaded: n8n says so, and the installed package still works', () =>
	run('unloadable package', async () => {
		await publishVersion('1.0.0', (manifest) => ({
			...manifest,
			name: UNLOADABLE_PACKAGE,
			n8n: { ...manifest.n8n, nodes: ['dist/nodes/Missing/Missing.node.js'] },
		}));
		await closeToasts(page);
		const { texts } = await installThroughPage(UNLOADABLE_PACKAGE);
		expect(texts).toHaveLength(1);
		// n8n's message, then the cause (the missing file, with n8n's require stack).
		expect(texts[0]).toMatch(
			new RegExp(
				`^Error installing new package Error loading package "${UNLOADABLE_PACKAGE}" :The specified package could not be loaded Cause: Cannot find module '[^']+/nodes/node_modules/${UNLOADABLE_PACKAGE}/dist/nodes/Missing/Missing\\.node\\.js'`,
			),
		);
		await closeToasts(page);
		expect(await installedPackages()).toEqual([[PACKAGE, '0.1.0']]);
		expect(fs.existsSync(path.join(shared.folder.n8nDir, 'nodes', 'node_modules', UNLOADABLE_PACKAGE))).toBe(false);
		expect(stillRunning(shared.pid)).toBe(true);
		await runExample();
	}));

test('a newer version in the registry: n8n offers it, and after Update the credential and workflow run on it', () =>
	run('update', async () => {
		await publishVersion('0.1.1');
		await openCommunityNodes();
		const button = await visible(card(PACKAGE).getByRole('button', { name: 'Update' }), 'the Update button', 60_000);
		await button.click();
		const confirm = await visible(page.getByTestId('communityPackageManageConfirm-modal'), 'the update confirmation');
		// n8n names the package's nodes and (once it has looked them up) the workflows that use them.
		const text = await confirmationNaming(confirm, workflow.name);
		expect(text).toContain('Update node package Package includes: Field Service, Field Service Token');
		expect(text).toContain(`The following workflows will be effected: Workflow Owner Status ${workflow.name}`);
		await confirm.getByRole('button', { name: 'Confirm update' }).click();
		await gone(confirm, 'the update confirmation', 150_000);
		await until(
			async () => /\bv0\.1\.1\b/.test(await card(PACKAGE).innerText()),
			async () => `the package's card does not show v0.1.1: ${await card(PACKAGE).innerText()}`,
		);
		await gone(card(PACKAGE).getByRole('button', { name: 'Update' }), 'the Update button');
		expect(await installedPackages()).toEqual([[PACKAGE, '0.1.1']]);
		const manifest = path.join(shared.folder.n8nDir, 'nodes', 'node_modules', PACKAGE, 'package.json');
		expect(JSON.parse(fs.readFileSync(manifest, 'utf8')).version).toBe('0.1.1');
		const result = await runExample();
		expect(result.output('List OFS resources')).toEqual([expect.objectContaining({ totalResults: 2 })]);
		await closeToasts(page);
	}));

test('Uninstall names the workflow that uses the node; afterwards n8n says the node is not installed', () =>
	run('uninstall', async () => {
		await openCommunityNodes();
		await card(PACKAGE).getByTestId('action-toggle').click();
		await (await visible(page.getByTestId('action-uninstall'), 'the "Uninstall package" action')).click();
		const confirm = await visible(
			page.getByTestId('communityPackageManageConfirm-modal'),
			'the uninstall confirmation',
		);
		const text = await confirmationNaming(confirm, workflow.name);
		expect(text).toContain(
			`Uninstall node package Package includes: Field Service, Field Service Token Uninstalling the package will remove every instance of nodes included in this package. The following workflows will be effected: Workflow Owner Status ${workflow.name}`,
		);
		await confirm.getByRole('button', { name: 'Confirm uninstall' }).click();
		await gone(confirm, 'the uninstall confirmation', 120_000);
		await gone(card(PACKAGE), `the card of ${PACKAGE}`);
		expect(await installedPackages()).toEqual([]);
		expect(fs.existsSync(path.join(shared.folder.n8nDir, 'nodes', 'node_modules', PACKAGE))).toBe(false);

		await page.goto(`${shared.url}/workflow/${workflow.id}`);
		await dismissOverlays(page);
		const node = page.locator('[data-test-id="canvas-node"][data-node-name="Field Service Token"]');
		await (await visible(node, 'the Field Service Token node on the canvas')).dblclick();
		const ndv = await visible(page.getByTestId('ndv'), "the node's panel");
		await until(
			async () => (await ndv.innerText()).includes('Install this node to use it'),
			async () => `the node's panel does not say it is not installed: ${(await ndv.innerText()).slice(0, 500)}`,
		);
		expect((await ndv.innerText()).replace(/\s+/g, ' ')).toContain(
			`This node is not currently installed. It's part of the ${PACKAGE} community package.`,
		);
	}));

test('installed again: the workflow and its credential, kept through the uninstall, run as before', () =>
	run('reinstall', async () => {
		await closeToasts(page);
		const { texts } = await installThroughPage(PACKAGE);
		expect(texts).toEqual(['Package installed']);
		expect(await installedPackages()).toEqual([[PACKAGE, '0.1.1']]);
		const result = await runExample();
		expect(result.output('List OFS resources')).toEqual([expect.objectContaining({ totalResults: 2 })]);
	}));
