// The way in, as a Field Service user meets it: the plugin archive (npm run build:plugin, trusting the
// stand-in host's origin), served from an origin of its own (as Oracle serves hosted plugins from a
// plugin hosting domain) into a stand-in Field Service host page (fieldServiceHost.js) on another origin
// that speaks the host side of the Plugin API and answers getAuthorizationCode with the local IDCS's
// real authorize and sign-in pages; the two n8n workflow templates of examples/ imported into the
// shared n8n, configured as docs/ofs-plugin.md says (CORS allows the plugin's origin), and published as
// its back end (the code exchange, and acting for the signed-in user against the OFS stand-in). In Chromium.
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
/** The plugin's frame: its storage belongs to the plugin's own origin. */
const pluginFrame = (on = page) => on.frames().find((frame) => frame.url().startsWith(`${host.pluginOrigin}/`));
const sealedInPlugin = () => pluginFrame().evaluate((key) => localStorage.getItem(key), SEALED_KEY);
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
	host = await startFieldServiceHost((hostOrigin) => {
		const { output } = buildPlugin(path.join(workDir, 'field-service-token-plugin.zip'), { hostOrigin });
		return fs.readFileSync(output);
	});
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

	// The n8n side: the IDCS credential (not connected: the plugin brings the user) and both templates,
	// published, their webhooks allowing the plugin's own origin as docs/ofs-plugin.md says.
	const backEnd = local.pluginBackEndFor(idcs, host.pluginOrigin);
	await n8n.importCredentials(shared.folder, backEnd.credentials);
	await n8n.importWorkflows(shared.folder, backEnd.workflows);
	for (const workflow of backEnd.workflows) {
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
		expect(host.pluginOrigin).not.toBe(host.origin);
		const webhookRequests = [];
		const seen = (request) => request.url().startsWith(webhookBase) && webhookRequests.push(request);
		page.on('request', seen);
		await openPlugin({ signIn: true });
		expect(await resourcesShown()).toEqual(RESOURCES);
		page.off('request', seen);
		// The plugin's requests carry its own origin (the one n8n's CORS allows), not the Field Service page's.
		const posts = webhookRequests.filter((r) => r.method() === 'POST');
		const origins = await Promise.all(posts.map(async (r) => (await r.allHeaders()).origin));
		expect(posts.map((r, i) => [new URL(r.url()).pathname, origins[i]])).toEqual([
			['/webhook/ofs-plugin/sign-in', host.pluginOrigin],
			['/webhook/ofs-plugin/resources', host.pluginOrigin],
		]);

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
		const storageOf = (frame) => frame.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
		const storage = (await storageOf(pluginFrame())) + (await storageOf(page.mainFrame()));
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
const forgetSignIn = () => pluginFrame().evaluate((key) => localStorage.removeItem(key), SEALED_KEY);

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
			// It names its own origin: the one the administrator allows in the webhooks' CORS.
			const tail = `Nothing was lost: your sign-in is kept. Try again in a moment, or tell your administrator: n8n's plugin webhooks must allow this plugin's origin, ${host.pluginOrigin}, in Allowed Origins (CORS).`;
			expect(said.startsWith(`n8n cannot be reached at http://127.0.0.1:${closedPort}/webhook/ofs-plugin (`)).toBe(
				true,
			);
			expect(said.endsWith(`). ${tail}`)).toBe(true);
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

/** Opens the plugin and resolves the answer of its next POST to the resources webhook: { status, body }. */
async function openAndAnswer() {
	const answered = page.waitForResponse(
		(r) => r.url() === `${webhookBase}/resources` && r.request().method() === 'POST',
		{ timeout: 60_000 },
	);
	await openPlugin();
	const response = await answered;
	return { status: response.status(), body: await response.json() };
}

test('Field Service fails after the refresh: the 502 carries the new sealed token, the plugin keeps it, and Try again uses it', () =>
	run('OFS outage', async () => {
		const before = await tokenRequests();
		const sealedBefore = await sealedInPlugin();
		await idcs.setConfig({ ofsUnavailable: 1 });
		const answer = await openAndAnswer();
		expect(answer.status).toBe(502);
		expect(answer.body).toEqual({
			sealed_refresh_token: expect.stringMatching(/^fst1\./),
			data: [],
			message: 'Field Service answered HTTP 503',
		});
		expect(await statusSays('n8n could not load your data')).toBe(
			'n8n could not load your data: Field Service answered HTTP 503.',
		);
		// The refresh rotated the token: the plugin keeps the one the 502 carried, not the one it sent.
		expect(await sealedInPlugin()).toBe(answer.body.sealed_refresh_token);
		expect(answer.body.sealed_refresh_token).not.toBe(sealedBefore);
		await plugin().locator('#retry').click();
		expect(await resourcesShown()).toEqual(RESOURCES);
		const added = (await tokenRequests()).slice(before.length);
		expect(added.map((t) => [t.grantType, t.outcome])).toEqual([
			['refresh_token', 'ok'],
			['refresh_token', 'ok'],
		]);
		expect(added[1].body.refresh_token).toBe(added[0].response.refresh_token);
	}));

test("a valid cached token of a revoked grant: Field Service's 401 makes one more refresh, IDCS refuses it, the plugin offers Sign in again", () =>
	run('revoked with a cached token', async () => {
		// Tokens that outlive the node's 60 s margin: the next request's token is reused, not refreshed.
		await idcs.setConfig({ accessTokenTtl: 3600 });
		try {
			await openPlugin();
			expect(await resourcesShown()).toEqual(RESOURCES);
			const before = await tokenRequests();
			await openPlugin();
			expect(await resourcesShown()).toEqual(RESOURCES);
			expect((await tokenRequests()).length).toBe(before.length);

			await idcs.revoke(before.at(-1).response.refresh_token);
			const answer = await openAndAnswer();
			expect(answer).toEqual({
				status: 401,
				body: {
					error: 'sign_in_required',
					message:
						'The refresh token or authorization code was rejected: it is expired, revoked or already used (invalid_grant)',
				},
			});
			expect(await statusSays('Your company sign-in has ended')).toMatch(/^Your company sign-in has ended \(/);
			// One refresh after Field Service's 401, with the newest refresh token, and no more.
			const added = (await tokenRequests()).slice(before.length);
			expect(added.map((t) => [t.grantType, t.outcome, t.body.refresh_token])).toEqual([
				['refresh_token', 'invalid_grant', before.at(-1).response.refresh_token],
			]);
			expect(await sealedInPlugin()).toBeNull();
			// Short-lived tokens again from here on: every request refreshes.
			await idcs.setConfig({ accessTokenTtl: 30 });
			await signInAgain();
			expect(await resourcesShown()).toEqual(RESOURCES);
		} finally {
			await idcs.setConfig({ accessTokenTtl: 30 });
		}
	}));

/** A POST to one of the plugin's webhooks from this process: { status, body }. */
async function postToWebhook(name, body, contentType = 'application/json') {
	const response = await fetch(`${webhookBase}/${name}`, {
		method: 'POST',
		headers: { 'content-type': contentType },
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	return { status: response.status, body: await response.json() };
}

test('the webhooks refuse an incomplete request (400) or one that is not JSON (415) before anything reaches IDCS', () =>
	run('webhook input', async () => {
		const sealed = await sealedInPlugin();
		const before = (await tokenRequests()).length;
		const signInFields =
			'The request must be a JSON object with login, code, code_verifier, redirect_uri; missing or empty: ';
		const resourceFields = 'The request must be a JSON object with login, sealed_refresh_token; missing or empty: ';
		const code = { code: 'a-real-looking-code', code_verifier: 'v'.repeat(43), redirect_uri: host.redirectUri };
		const cases = [
			['sign-in', { ...code }, `${signInFields}login`],
			['sign-in', { ...code, login: '  ' }, `${signInFields}login`],
			['sign-in', { login: LOGIN, redirect_uri: host.redirectUri }, `${signInFields}code, code_verifier`],
			['sign-in', [LOGIN], `${signInFields}all of them`],
			['sign-in', JSON.stringify('just text'), `${signInFields}all of them`],
			['resources', { sealed_refresh_token: sealed }, `${resourceFields}login`],
			['resources', { login: '', sealed_refresh_token: sealed }, `${resourceFields}login`],
			['resources', { login: LOGIN }, `${resourceFields}sealed_refresh_token`],
			['resources', {}, `${resourceFields}login, sealed_refresh_token`],
			// n8n turns a JSON null into an empty object.
			['resources', null, `${resourceFields}login, sealed_refresh_token`],
		];
		for (const [name, body, message] of cases) {
			expect([name, body, await postToWebhook(name, body)]).toEqual([
				name,
				body,
				{ status: 400, body: { error: 'bad_request', message } },
			]);
		}
		// Text that is not JSON at all: n8n itself refuses it before the workflow runs.
		const malformed = await postToWebhook('sign-in', 'just text');
		expect([malformed.status, malformed.body.message]).toEqual([422, 'Failed to parse request body']);
		const notJson = {
			error: 'unsupported_media_type',
			message: 'Send the request as JSON, with Content-Type: application/json',
		};
		const form = new URLSearchParams({ login: LOGIN, sealed_refresh_token: sealed }).toString();
		expect(await postToWebhook('resources', form, 'application/x-www-form-urlencoded')).toEqual({
			status: 415,
			body: notJson,
		});
		expect(
			await postToWebhook('resources', JSON.stringify({ login: LOGIN, sealed_refresh_token: sealed }), 'text/plain'),
		).toEqual({
			status: 415,
			body: notJson,
		});

		// From a page of a third origin, without preflight (CORS hides the answer, not the request): a form post
		// and a text/plain fetch of JSON. Neither starts a refresh.
		const other = await page.context().newPage();
		try {
			await other.goto(host.otherUrl);
			await other.evaluate(
				({ url, login, token }) =>
					fetch(url, {
						method: 'POST',
						mode: 'no-cors',
						headers: { 'content-type': 'text/plain' },
						body: JSON.stringify({ login, sealed_refresh_token: token }),
					}),
				{ url: `${webhookBase}/resources`, login: LOGIN, token: sealed },
			);
			await other.setContent(
				`<form method="POST" action="${webhookBase}/resources"><input name="login" value="${LOGIN}"><input name="sealed_refresh_token" value="${sealed}"></form>`,
			);
			await Promise.all([other.waitForNavigation(), other.evaluate(() => document.forms[0].submit())]);
			expect(JSON.parse(await other.locator('body').innerText())).toEqual(notJson);
		} finally {
			await other.close();
		}

		// A sealed token for another login: sign_in_required, and nothing sent either.
		expect(await postToWebhook('resources', { login: 'someone.else', sealed_refresh_token: sealed })).toEqual({
			status: 401,
			body: {
				error: 'sign_in_required',
				message:
					'The sealed refresh token does not open: it was sealed for another user, by another credential (or before its client secret changed), or it was altered. The user signs in again.',
			},
		});
		expect((await tokenRequests()).length).toBe(before);
		expect(await sealedInPlugin()).toBe(sealed);
	}));

test('a rotated-away sealed token works once within a minute (a lost answer), then IDCS sees the replay and the user signs in again', () =>
	run('replayed sealed token', async () => {
		const old = await sealedInPlugin();
		const before = (await tokenRequests()).length;
		const first = await postToWebhook('resources', { login: LOGIN, sealed_refresh_token: old });
		expect(first.status).toBe(200);
		// The answer was lost: the same request again is answered, with the newest token.
		const retry = await postToWebhook('resources', { login: LOGIN, sealed_refresh_token: old });
		expect(retry).toEqual({
			status: 200,
			body: { sealed_refresh_token: expect.stringMatching(/^fst1\./), data: expect.any(Array) },
		});
		// Once more: a replay. IDCS gets the old refresh token itself, refuses it and ends the grant.
		const replay = await postToWebhook('resources', { login: LOGIN, sealed_refresh_token: old });
		expect(replay.status).toBe(401);
		expect(replay.body.error).toBe('sign_in_required');
		const added = (await tokenRequests()).slice(before);
		expect(added.map((t) => [t.grantType, t.outcome])).toEqual([
			['refresh_token', 'ok'],
			['refresh_token', 'ok'],
			['refresh_token', 'invalid_grant'],
		]);
		expect(added[2].body.refresh_token).toBe(added[0].body.refresh_token);
		expect(added[1].body.refresh_token).toBe(added[0].response.refresh_token);
		// The grant is gone for the holder of the newest token too.
		expect(
			(await postToWebhook('resources', { login: LOGIN, sealed_refresh_token: retry.body.sealed_refresh_token }))
				.status,
		).toBe(401);
		await openPlugin();
		await statusSays('Your company sign-in has ended');
		await signInAgain();
		expect(await resourcesShown()).toEqual(RESOURCES);
	}));

test('a page that is not Field Service frames the plugin: it sends nothing, says why, and the sealed token stays put', () =>
	run('not Field Service', async () => {
		const before = (await tokenRequests()).length;
		const warnings = [];
		const other = await page.context().newPage();
		other.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()));
		try {
			await other.goto(host.otherUrl);
			const otherOrigin = new URL(host.otherUrl).origin;
			const frame = await until(async () => pluginFrame(other), 'the other page did not load the plugin');
			const status = () => frame.locator('#status').innerText();
			await until(
				async () => (await status()).includes('runs only inside'),
				'the plugin did not refuse the other page',
			);
			expect(await status()).toBe(
				`This plugin runs only inside Oracle Field Service. It was opened by ${otherOrigin}, which is not a Field Service page, so it does nothing.`,
			);
			await other.waitForTimeout(1_000);
			expect(await other.evaluate(() => window.received)).toEqual([]);
			expect(warnings).toContain(
				`Field Service Token plugin: ignored a message from ${otherOrigin}, which is not the Field Service page that hosts it.`,
			);
			// Same site as the host, so the plugin there sees the user's sealed token: it must not send it anywhere.
			expect(await frame.evaluate((key) => localStorage.getItem(key), SEALED_KEY)).toBe(await sealedInPlugin());
		} finally {
			await other.close();
		}
		expect(host.stolen).toEqual([]);
		expect((await tokenRequests()).length).toBe(before);
	}));

test('an n8n webhook URL over plain http to another computer: the plugin refuses to send the sign-in there', () =>
	run('http webhook', async () => {
		const before = (await tokenRequests()).length;
		host.config.securedData = {
			...host.config.securedData,
			n8nWebhookUrl: 'http://n8n.example.com/webhook/ofs-plugin',
		};
		try {
			await openPlugin();
			expect(await statusSays('not set up')).toBe(
				'This plugin is not set up: its secured parameter n8nWebhookUrl must be an https address (it is http://n8n.example.com/webhook/ofs-plugin). Your sign-in is sent only over https. Tell your administrator.',
			);
		} finally {
			host.config.securedData = { ...host.config.securedData, n8nWebhookUrl: webhookBase };
		}
		expect((await tokenRequests()).length).toBe(before);
	}));

test("the browser blocks the plugin's storage: it says so, and the sign-in works for as long as the plugin is open", () =>
	run('storage blocked', async () => {
		const blocked = await launchBrowser({ blockStorageFor: host.pluginOrigin });
		try {
			const { page: other } = blocked;
			const before = (await tokenRequests()).length;
			const opened = other.waitForEvent('popup', { timeout: 30_000 });
			await other.goto(host.url);
			await signInThrough(await opened);
			const frame = other.frameLocator('#plugin');
			await until(
				async () => (await frame.locator('#status').innerText()).includes(`Signed in as ${LOGIN}.`),
				'the plugin did not sign in with its storage blocked',
			);
			expect(await frame.locator('#note').innerText()).toBe(
				'This browser does not let the plugin keep your sign-in (SecurityError), so it is kept only while the plugin is open: you will sign in again next time.',
			);
			expect((await frame.locator('#items .name').allInnerTexts()).map((t) => t.trim())).toEqual(RESOURCES);
			// No uncaught SecurityError: the plugin caught it.
			expect(blocked.problems.filter((problem) => problem.startsWith('pageerror'))).toEqual([]);
			const added = (await tokenRequests()).slice(before);
			expect(added.map((t) => [t.grantType, t.outcome])).toEqual([
				['authorization_code', 'ok'],
				['refresh_token', 'ok'],
			]);
		} finally {
			await closeBrowser('plugin.browser.js (storage blocked)', blocked);
		}
	}));
