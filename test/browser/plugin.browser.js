// The way in, as a Field Service user meets it: the plugin archive (npm run build:plugin), loaded as it
// is by a stand-in Field Service host page (fieldServiceHost.js) that speaks the host side of the Plugin
// API and answers getAuthorizationCode with the local IDCS's real authorize and sign-in pages; the two
// n8n workflow templates of examples/ imported into the shared n8n and published as its back end (the
// code exchange, and acting for the signed-in user against the OFS stand-in). In Chromium.
// Screenshots go to test-results/browser/screenshots/, or to docs/images/ with FST_UPDATE_SCREENSHOTS=1.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const n8n = require('../../scripts/n8n');
const local = require('../../scripts/local-idcs');
const { buildPlugin } = require('../../scripts/build-plugin');
const { closeBrowser, launchBrowser, steps, visible, until, screenshot } = require('./support');
const { sharedN8n, ownerWithPackage, restWith } = require('./shared');
const { startFieldServiceHost } = require('./fieldServiceHost');

const LOGIN = 'ofs.tech.42';
const SEALED_KEY = `fst-plugin.sealed.${LOGIN}`;
const RESOURCES = ['Dispatcher Demo', 'Field Technician 42'];

let shared;
let cookie;
let idcs;
let host;
let browser;
let page;
let problems = [];
let workDir;
let webhookBase;
let popups = 0;

const run = steps(() => [page]);
const plugin = () => page.frameLocator('#plugin');
const statusText = async () => (await plugin().locator('#status').innerText()).trim();
const sealedInPlugin = () => page.evaluate((key) => localStorage.getItem(key), SEALED_KEY);
const hostLog = () => page.evaluate(() => window.host.log);

const rest = (method, route, body) => restWith(cookie, method, route, body);

/** Every token request the local IDCS received, oldest first, with its body and response. */
const tokenRequests = async () => idcs.tokenRequests();

/**
 * Loads the host page (a new plugin iframe, as opening the plugin again does). With `signIn`, expects
 * getAuthorizationCode's window: signs in on the IDCS page when it asks (an IDCS session may skip it),
 * and waits for the window to close after the redirect.
 */
async function openPlugin({ signIn = false } = {}) {
	const opened = signIn ? page.waitForEvent('popup', { timeout: 30_000 }) : undefined;
	await page.goto(host.url);
	if (signIn) await signInThrough(await opened);
}

/** getAuthorizationCode's window: the IDCS sign-in when IDCS asks (its session may skip it), then the redirect closes it. */
async function signInThrough(popup) {
	const closed = popup.waitForEvent('close', { timeout: 60_000 });
	const heading = popup.getByRole('heading', { name: 'Sign In' });
	const shown = await Promise.race([
		heading.waitFor({ state: 'visible', timeout: 30_000 }).then(() => 'sign-in'),
		closed.then(() => 'closed'),
	]);
	if (shown === 'sign-in') {
		await popup.getByLabel('Password').fill('any-password');
		await popup.getByRole('button', { name: 'Sign in' }).click();
	}
	await closed;
}

/** "Sign in again" in the plugin, through getAuthorizationCode's window. */
async function signInAgain() {
	const opened = page.waitForEvent('popup', { timeout: 30_000 });
	await plugin().locator('#sign-in').click();
	await signInThrough(await opened);
}

/** Waits until the plugin's status says `text` (a substring); resolves the whole status. */
const statusSays = (text, timeout = 60_000) =>
	until(
		async () => {
			const shown = await statusText().catch(() => '');
			return shown.includes(text) ? shown : undefined;
		},
		async () => `the plugin does not say "${text}"; it says "${await statusText().catch(() => '(nothing)')}"`,
		{ timeout },
	);

async function resourcesShown() {
	await statusSays(`Signed in as ${LOGIN}.`);
	const items = plugin().locator('#items li');
	const names = (await items.locator('.name').allInnerTexts()).map((t) => t.trim());
	expect((await items.locator('small').allInnerTexts()).map((t) => t.trim())).toEqual([
		'FS-DISPATCH-01',
		'FS-TECH-0042',
	]);
	return names;
}

beforeAll(async () => {
	shared = sharedN8n();
	cookie = await ownerWithPackage();
	workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fst-plugin-'));
	const { output } = buildPlugin(path.join(workDir, 'field-service-token-plugin.zip'));
	host = await startFieldServiceHost(fs.readFileSync(output));
	// Access tokens shorter-lived than the node's 60 s expiry margin: none is reused, so every request from
	// the plugin refreshes, presenting the refresh token the one before rotated to.
	idcs = await local.startIdcs({ redirectUris: [host.redirectUri], accessTokenTtl: 30 });
	webhookBase = `${shared.url}/webhook/ofs-plugin`;
	host.config.user = { ulogin: LOGIN, uname: 'Technician 42' };
	host.config.securedData = {
		idcsDomainUrl: idcs.issuer,
		clientId: idcs.clients.basic.clientId,
		resourceScope: local.RESOURCE_SCOPE,
		n8nWebhookUrl: webhookBase,
	};

	// The n8n side: the IDCS credential (not connected: the plugin brings the user) and both templates, published.
	const backEnd = local.pluginBackEndFor(idcs, host.origin);
	await n8n.importCredentials(shared.folder, backEnd.credentials);
	for (const workflow of backEnd.workflows) {
		await n8n.importWorkflows(shared.folder, workflow);
		const { versionId } = await rest('GET', `/rest/workflows/${workflow.id}`);
		await rest('POST', `/rest/workflows/${workflow.id}/activate`, { versionId });
	}
	({ browser, page, problems } = await launchBrowser());
	page.on('popup', () => {
		popups += 1;
	});
}, 300_000);

afterAll(async () => {
	await closeBrowser('plugin.browser.js', { browser, problems });
	await idcs?.stop();
	await host?.stop();
	if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
}, 60_000);

test("first open: the IDCS sign-in, then the user's OFS data; the plugin keeps only a sealed refresh token", () =>
	run('first open', async () => {
		await openPlugin({ signIn: true });
		expect(await resourcesShown()).toEqual(RESOURCES);

		// The Plugin API as Oracle documents it, in order.
		const log = await hostLog();
		expect(log.map((m) => `${m.from ? '<' : '>'} ${m.method}`)).toEqual([
			'< ready',
			'> init',
			'< initEnd',
			'> open',
			'< callProcedure',
			'> callProcedureResult',
		]);
		expect(log.every((m) => m.apiVersion === 1)).toBe(true);
		const call = log[4];
		expect(call).toMatchObject({ procedure: 'getAuthorizationCode', callId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
		expect(log[5].callId).toBe(call.callId);
		const authorize = new URL(call.params.url);
		expect(`${authorize.origin}${authorize.pathname}`).toBe(`${idcs.issuer}/oauth2/v1/authorize`);
		expect(Object.fromEntries(authorize.searchParams)).toEqual({
			response_type: 'code',
			client_id: idcs.clients.basic.clientId,
			redirect_uri: host.redirectUri,
			scope: `${local.RESOURCE_SCOPE} offline_access`,
			state: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
			code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
			code_challenge_method: 'S256',
		});
		expect(call.params.url).toContain('%20offline_access');

		// n8n exchanged the code (with the PKCE verifier and the redirect URI), then refreshed once for the data.
		const tokens = await tokenRequests();
		expect(tokens.map((t) => [t.grantType, t.outcome, t.clientAuth])).toEqual([
			['authorization_code', 'ok', 'client_secret_basic'],
			['refresh_token', 'ok', 'client_secret_basic'],
		]);
		expect(tokens[0].body).toMatchObject({ redirect_uri: host.redirectUri, code_verifier: expect.any(String) });
		expect(tokens[1].body.refresh_token).toBe(tokens[0].response.refresh_token);

		// The plugin holds the sealed token only: no refresh or access token reached the browser.
		const sealed = await sealedInPlugin();
		expect(sealed).toMatch(/^fst1\./);
		const storage = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
		for (const t of tokens) {
			expect(storage).not.toContain(t.response.refresh_token);
			expect(storage).not.toContain(t.response.access_token);
		}
		await screenshot(page, 'ofs-plugin-signed-in.png');
	}));

test('opened again: no sign-in; the rotated refresh token is used and rotated once more', () =>
	run('second open', async () => {
		const before = await tokenRequests();
		const sealedBefore = await sealedInPlugin();
		const popupsBefore = popups;
		await openPlugin();
		expect(await resourcesShown()).toEqual(RESOURCES);
		expect(popups).toBe(popupsBefore);
		const added = (await tokenRequests()).slice(before.length);
		expect(added.map((t) => [t.grantType, t.outcome])).toEqual([['refresh_token', 'ok']]);
		expect(added[0].body.refresh_token).toBe(before[before.length - 1].response.refresh_token);
		const sealedAfter = await sealedInPlugin();
		expect(sealedAfter).toMatch(/^fst1\./);
		expect(sealedAfter).not.toBe(sealedBefore);

		// Close: the plugin hands control back to Field Service.
		await plugin().locator('#close').click();
		await until(() => page.evaluate(() => window.host.closed), 'the plugin did not send close');
		expect((await hostLog()).at(-1)).toMatchObject({ from: 'plugin', method: 'close', apiVersion: 1 });
	}));

test("n8n's database and its saved executions hold no refresh token, in plain text or otherwise", () =>
	run('nothing stored', async () => {
		const issued = (await tokenRequests()).map((t) => t.response?.refresh_token).filter(Boolean);
		expect(issued.length).toBeGreaterThanOrEqual(3);
		const database = shared.folder
			.databaseFiles()
			.map((file) => fs.readFileSync(file).toString('latin1'))
			.join('\n');
		for (const token of issued) expect(database).not.toContain(token);
		// Successful executions of the templates are not saved at all (their answers carry sealed tokens).
		const executions = await rest('GET', '/rest/executions?filter=%7B%7D');
		expect(Array.isArray(executions.results)).toBe(true);
		const ours = executions.results.filter((e) => ['FstPluginSignIn1', 'FstPluginAct0001'].includes(e.workflowId));
		expect(ours).toEqual([]);
	}));

test('the grant revoked in IDCS: the plugin says the sign-in has ended and offers to sign in again, which works', () =>
	run('grant revoked', async () => {
		const tokens = await tokenRequests();
		await idcs.revoke(tokens[tokens.length - 1].response.refresh_token);
		await openPlugin();
		const said = await statusSays('Your company sign-in has ended');
		expect(said).toBe(
			'Your company sign-in has ended (The refresh token or authorization code was rejected: it is expired, revoked or already used (invalid_grant)). Sign in again.',
		);
		expect(await sealedInPlugin()).toBeNull();
		await visible(plugin().locator('#sign-in'), 'the "Sign in again" button');
		await screenshot(page, 'ofs-plugin-sign-in-again.png');

		await signInAgain();
		expect(await resourcesShown()).toEqual(RESOURCES);
		expect(await sealedInPlugin()).toMatch(/^fst1\./);
	}));

/** Forgets the plugin's sealed token, so that the next open signs in. */
const forgetSignIn = () => page.evaluate((key) => localStorage.removeItem(key), SEALED_KEY);

test('a sign-in answer with a wrong state is not used: nothing goes to n8n, and signing in again works', () =>
	run('wrong state', async () => {
		await forgetSignIn();
		const before = (await tokenRequests()).length;
		host.config.tamperState = true;
		try {
			await openPlugin({ signIn: true });
			expect(await statusSays('does not belong')).toBe(
				'The sign-in answer does not belong to this sign-in (its state differs), so it was not used and nothing was sent to n8n. Sign in again.',
			);
		} finally {
			host.config.tamperState = false;
		}
		expect((await tokenRequests()).length).toBe(before);
		await signInAgain();
		expect(await resourcesShown()).toEqual(RESOURCES);
	}));

test('a code used once already: IDCS refuses it, and the plugin says so and offers to sign in again', () =>
	run('code replayed', async () => {
		const used = (await tokenRequests()).filter((t) => t.grantType === 'authorization_code').at(-1).body.code;
		await forgetSignIn();
		host.config.replayCode = used;
		try {
			await openPlugin({ signIn: true });
			expect(await statusSays('could not be completed')).toBe(
				'The sign-in could not be completed: The refresh token or authorization code was rejected: it is expired, revoked or already used (invalid_grant). Sign in again.',
			);
		} finally {
			delete host.config.replayCode;
		}
		const last = (await tokenRequests()).at(-1);
		expect([last.grantType, last.outcome, last.body.code]).toEqual(['authorization_code', 'invalid_grant', used]);
		expect(await sealedInPlugin()).toBeNull();
		await signInAgain();
		expect(await resourcesShown()).toEqual(RESOURCES);
	}));

test('n8n down: the plugin says so and keeps the sign-in, which works once n8n answers again', () =>
	run('webhook down', async () => {
		const sealed = await sealedInPlugin();
		const before = (await tokenRequests()).length;
		const closedPort = await n8n.freePort();
		host.config.securedData = {
			...host.config.securedData,
			n8nWebhookUrl: `http://127.0.0.1:${closedPort}/webhook/ofs-plugin`,
		};
		try {
			await openPlugin();
			const said = await statusSays('n8n cannot be reached');
			expect(said).toMatch(
				new RegExp(
					`^n8n cannot be reached at http://127\\.0\\.0\\.1:${closedPort}/webhook/ofs-plugin \\(.+\\)\\. Nothing was lost: your sign-in is kept\\. Try again in a moment, or tell your administrator\\.$`,
				),
			);
			expect(await sealedInPlugin()).toBe(sealed);
			await visible(plugin().locator('#retry'), 'the "Try again" button');
		} finally {
			host.config.securedData = { ...host.config.securedData, n8nWebhookUrl: webhookBase };
		}
		expect((await tokenRequests()).length).toBe(before);
		await openPlugin();
		expect(await resourcesShown()).toEqual(RESOURCES);
		const added = (await tokenRequests()).slice(before);
		expect(added.map((t) => [t.grantType, t.outcome])).toEqual([['refresh_token', 'ok']]);
	}));

test('a host message in another Plugin API version is ignored with a clear message; nothing changes', () =>
	run('wrong apiVersion', async () => {
		const sealed = await sealedInPlugin();
		const before = (await tokenRequests()).length;
		host.config.apiVersion = 2;
		try {
			await openPlugin();
			expect(await statusSays('Plugin API version 2')).toBe(
				'Field Service sent a "open" message in Plugin API version 2; this plugin speaks version 1. It was ignored and nothing was changed. Tell your administrator.',
			);
		} finally {
			delete host.config.apiVersion;
		}
		await page.waitForTimeout(1_000);
		expect((await tokenRequests()).length).toBe(before);
		expect(await sealedInPlugin()).toBe(sealed);
	}));
