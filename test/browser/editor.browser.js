// In the n8n editor, in a real browser: sign in, create the Oracle IDCS OAuth2 API credential and
// connect it (n8n's OAuth popup, the local IDCS sign-in page), point the example workflow's Field Service
// Token node at it, look at the node's parameters, execute the workflow and read the node's output.
// The shared n8n 2.41.1 (globalSetup.js), with this package installed by n8n's own installer (the
// installer file before this one did it on the Community Nodes page), the local IDCS
// (scripts/local-idcs.js), Chromium through playwright-core. Screenshots go to test-results/browser/screenshots/, or to docs/images/ with FST_UPDATE_SCREENSHOTS=1.
'use strict';

const fs = require('fs');
const path = require('path');

const n8n = require('../../scripts/n8n');
const local = require('../../scripts/local-idcs');
const {
	VIEWPORT,
	launchBrowser,
	steps,
	visible,
	gone,
	until,
	openDropdown,
	inputValue,
	imageLoaded,
	closeToasts,
	toastTexts,
	dismissOverlays,
	screenshot,
	closeBrowser,
	editorRest,
} = require('./support');
const { OWNER, sharedN8n, ownerWithPackage } = require('./shared');

// Not the name the example workflow refers to ("Oracle IDCS account"), so that n8n cannot match it by
// name: the node gets it only by picking it in the credential dropdown.
const CREDENTIAL_NAME = 'Oracle IDCS (local, connected in the browser)';
const CREDENTIAL_TYPE_NAME = 'Oracle IDCS OAuth2 API';
const TOKEN_NODE = 'Field Service Token';
const HTTP_NODE = 'List OFS resources';
// Shorter than the node's 60 s expiry margin: no token is ever reused, so every execution refreshes
// with the refresh token n8n keeps in the credential (and the rotated one must be kept).
const ACCESS_TOKEN_TTL = 30;
const ICON_PREFIX = `/icons/${n8n.PACKAGE_NAME}/dist`;

let idcs;
let server;
let browser;
let page;
let popup;
let problems = [];
let workflow;
let callbackUrl;
let credentialId;
let connectRefreshToken;
const refreshes = [];

const run = steps(() => [page, popup]);

const rest = (method, route, body) => editorRest(page, method, route, body);

const canvasNode = (name) => page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);

beforeAll(async () => {
	server = sharedN8n();
	await ownerWithPackage();
	callbackUrl = `${server.url}/rest/oauth2-credential/callback`;
	idcs = await local.startIdcs({ accessTokenTtl: ACCESS_TOKEN_TTL, redirectUris: [callbackUrl] });
	// The example workflow (OFS URL pointed at this file's stand-in), with no credential of this file's
	// own: that is made in the editor.
	workflow = local.exampleWorkflowFor(idcs.ofsBaseUrl);
	await n8n.importWorkflows(server.folder, workflow);
	n8n.log(`browser test: n8n ${server.url}, local IDCS ${idcs.issuer}`);
	({ browser, page, problems } = await launchBrowser());
}, 300_000);

afterAll(async () => {
	await closeBrowser('editor.browser.js', { browser, problems });
	await idcs?.stop();
}, 60_000);

test('n8n is up with community nodes on and the package installed by its installer; the local IDCS is up', () =>
	run('start', async () => {
		const settings = (await (await fetch(`${server.url}/rest/settings`)).json()).data;
		expect(settings.userManagement.showSetupOnFirstLoad).toBe(false);
		expect(settings.communityNodesEnabled).toBe(true);
		const installed = JSON.parse(
			fs.readFileSync(
				path.join(server.folder.n8nDir, 'nodes', 'node_modules', n8n.PACKAGE_NAME, 'package.json'),
				'utf8',
			),
		);
		expect(installed.name).toBe(n8n.PACKAGE_NAME);
		const discovery = await (await fetch(`${idcs.issuer}/.well-known/openid-configuration`)).json();
		expect(discovery.authorization_endpoint).toBe(`${idcs.issuer}/oauth2/v1/authorize`);
	}));

test('the owner signs in through the sign-in form, at the address npm start prints', () =>
	run('sign-in', async () => {
		// The sign-in form, at the address npm start prints: after signing in, n8n opens the example
		// workflow (not its home or AI assistant page).
		await page.goto(n8n.signInUrl(server.url, `/workflow/${workflow.id}`));
		await page.waitForURL(/\/signin/, { timeout: 30_000 });
		const signin = await visible(page.getByTestId('signin-form'), 'the sign-in form');
		await signin.getByTestId('emailOrLdapLoginId').locator('input').fill(OWNER.email);
		await signin.getByTestId('password').locator('input').fill(OWNER.password);
		await signin.getByTestId('form-submit-button').click();
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
		await page.waitForURL((url) => url.pathname === `/workflow/${workflow.id}`, { timeout: 30_000 });
		const me = await rest('GET', '/rest/login');
		expect([me.email, me.firstName, me.lastName, me.role]).toEqual([
			OWNER.email,
			OWNER.firstName,
			OWNER.lastName,
			'global:owner',
		]);
		const settings = await rest('GET', '/rest/settings');
		expect(settings.versionCli).toBe(n8n.n8nVersion());
		expect(settings.oauthCallbackUrls.oauth2).toBe(callbackUrl);

		// The example workflow, and no credential of the name this file gives its own yet.
		expect((await rest('GET', '/rest/credentials')).filter((c) => c.name === CREDENTIAL_NAME)).toEqual([]);
		expect((await rest('GET', `/rest/workflows/${workflow.id}`)).name).toBe(workflow.name);
	}));

test('an "Oracle IDCS OAuth2 API" credential is created in the credential dialog and saved, not connected yet', () =>
	run('create the credential', async () => {
		await page.goto(`${server.url}/home/credentials`);
		await dismissOverlays(page);
		await (await visible(page.getByTestId('add-resource-credential'), 'the "Create credential" button')).click();
		const chooser = await visible(page.getByTestId('selectCredential-modal'), 'the "Add new credential" dialog');
		await chooser.getByTestId('new-credential-type-select').locator('input').fill('Oracle IDCS');
		const types = page.getByTestId('new-credential-type-select-option').filter({ visible: true }); // the dropdown lives outside the dialog
		// Both IDCS credential types of the package, the authorization-code one and the client-credentials one.
		const offered = ['Oracle IDCS Client Credentials OAuth2 API', CREDENTIAL_TYPE_NAME];
		await until(
			async () => (await types.allInnerTexts()).join('|') === offered.join('|'),
			async () =>
				`searching "Oracle IDCS" should offer exactly ${JSON.stringify(offered)}, it offers ${JSON.stringify(await types.allInnerTexts())}`,
		);
		await types.filter({ hasText: new RegExp(`^${CREDENTIAL_TYPE_NAME}$`) }).click();
		await chooser.getByTestId('new-credential-type-button').click();

		const modal = await visible(page.getByTestId('editCredential-modal'), 'the credential dialog');
		await expect(modal.locator('header p').first().innerText()).resolves.toBe(CREDENTIAL_TYPE_NAME);
		const icon = modal.locator('header img').first();
		expect(await icon.getAttribute('src')).toBe(`${ICON_PREFIX}/credentials/idcs.svg`);
		expect(await imageLoaded(icon)).toBe(true);
		// n8n shows its callback URL, to register in the IDCS application.
		expect((await modal.getByTestId('copy-input').innerText()).trim()).toBe(callbackUrl);
		// The user's fields, and none of the hidden ones (authorize / token URL, scope are computed).
		const labels = await modal.getByTestId('credential-connection-parameter').locator('label').allInnerTexts();
		const names = labels.map((label) => label.replace(/\*/g, '').trim().split('\n')[0].trim());
		expect([...names].sort()).toEqual(
			[
				'Allowed HTTP Request Domains',
				'Client Authentication',
				'Client ID',
				'Client Secret',
				'Identity Domain URL',
				'Resource Scope',
				'Private Key (for Signed Assertions)',
				'Key ID (Certificate Alias)',
				'Certificate (for X5t)',
				'Assertion Audience',
			].sort(),
		);
		expect(await inputValue(modal.getByTestId('parameter-input-authentication'))).toBe('Basic Auth Header');

		// Name it, fill it in, save it.
		await modal.getByTestId('credential-name').getByTestId('inline-edit-preview').click();
		await modal.getByTestId('credential-name').getByTestId('inline-edit-input').fill(CREDENTIAL_NAME);
		await page.keyboard.press('Enter');
		await modal.getByTestId('parameter-input-domainUrl').locator('input').fill(idcs.issuer);
		await modal.getByTestId('parameter-input-clientId').locator('input').fill(idcs.clients.basic.clientId);
		await modal.getByTestId('parameter-input-clientSecret').locator('input').fill(idcs.clients.basic.clientSecret);
		await modal.getByTestId('parameter-input-resourceScope').locator('input').fill(local.RESOURCE_SCOPE);
		await modal.getByTestId('credential-save-button').locator('button').click();

		const banner = await visible(
			modal.getByTestId('oauth-not-connected-banner'),
			'the "Connect your account" banner after saving',
		);
		expect((await banner.innerText()).replace(/\s+/g, ' ')).toContain('Connect your account to use this credential');
		const saved = await until(
			async () => {
				const found = (await rest('GET', '/rest/credentials')).filter((c) => c.name === CREDENTIAL_NAME);
				return found.length ? found : undefined;
			},
			async () =>
				`GET /rest/credentials has no "${CREDENTIAL_NAME}": ${JSON.stringify((await rest('GET', '/rest/credentials')).map((c) => c.name))}`,
		);
		expect(saved.map((c) => c.type)).toEqual(['idcsOAuth2Api']);
		credentialId = saved[0].id;
		// Saved as typed (n8n hands the secret back to the editor only blanked).
		const { data } = await rest('GET', `/rest/credentials/${credentialId}?includeData=true`);
		expect(data).toMatchObject({
			domainUrl: idcs.issuer,
			clientId: idcs.clients.basic.clientId,
			resourceScope: local.RESOURCE_SCOPE,
		});
		expect(JSON.stringify(data)).not.toContain(idcs.clients.basic.clientSecret);
		expect(await modal.getByTestId('credential-name').getByTestId('inline-edit-preview').innerText()).toBe(
			CREDENTIAL_NAME,
		);
		// Nothing has gone to IDCS yet.
		expect(await idcs.requests()).toEqual([]);
	}));

test('"Connect" opens the IDCS sign-in in a popup; after "Sign in" n8n shows the account as connected', () =>
	run('connect the account', async () => {
		const modal = page.getByTestId('editCredential-modal');
		const connect = modal.getByTestId('quick-connect-button');
		await visible(connect, 'the Connect button');
		expect((await connect.innerText()).trim()).toBe('Connect');
		const popupOpened = page.waitForEvent('popup', { timeout: 30_000 });
		await connect.click();
		popup = await popupOpened;
		await popup.waitForURL(/\/interaction\//, { timeout: 30_000 }).catch(async () => {
			throw new Error(
				`the popup did not reach the local IDCS sign-in page; it shows ${popup.url()}: ${(
					await popup
						.locator('body')
						.innerText()
						.catch(() => '')
				).slice(0, 500)}`,
			);
		});
		expect(popup.url().startsWith(`${idcs.issuer}/interaction/`)).toBe(true);
		await visible(popup.getByRole('heading', { name: 'Sign In' }), 'the IDCS "Sign In" page in the popup');
		// The page names the client and the scope n8n asked for.
		const pageText = await popup.locator('body').innerText();
		expect(pageText).toContain(idcs.clients.basic.clientId);
		expect(pageText).toContain(`${local.RESOURCE_SCOPE} offline_access`);
		expect(await popup.getByLabel('User Name').inputValue()).toBe('ofs.dispatcher');
		await popup.getByLabel('Password').fill('any-password');
		const closed = popup.waitForEvent('close', { timeout: 30_000 });
		await popup.getByRole('button', { name: 'Sign in' }).click();
		await closed.catch(async () => {
			throw new Error(
				`the popup did not close after "Sign in"; it shows ${popup.url()}: ${(
					await popup
						.locator('body')
						.innerText()
						.catch(() => '')
				).slice(0, 500)}`,
			);
		});
		popup = undefined;

		const connected = await visible(
			modal.getByTestId('oauth-connect-success-banner'),
			'the "Account connected" banner',
		);
		expect((await connected.innerText()).replace(/\s+/g, ' ')).toContain('Account connected');
		await gone(modal.getByTestId('oauth-not-connected-banner'), 'the "Connect your account" banner');

		// What n8n sent to IDCS: one authorize request with offline_access and the resource scope ...
		const authorize = await idcs.requests('authorize');
		expect(authorize).toHaveLength(1);
		const query = authorize[0].query;
		expect(query.client_id).toBe(idcs.clients.basic.clientId);
		expect(query.response_type).toBe('code');
		expect(query.redirect_uri).toBe(callbackUrl);
		expect(query.scope.split(' ')).toEqual([local.RESOURCE_SCOPE, 'offline_access']);
		// ... and one code exchange at its callback (Basic header, as the credential says), which got a refresh token.
		const tokens = await idcs.tokenRequests();
		expect(tokens.map((t) => [t.grantType, t.outcome, t.clientAuth])).toEqual([
			['authorization_code', 'ok', 'client_secret_basic'],
		]);
		expect(tokens[0].body.redirect_uri).toBe(callbackUrl);
		expect(tokens[0].response.scope).toBe(`${local.RESOURCE_SCOPE} offline_access`);
		connectRefreshToken = tokens[0].response.refresh_token;
		expect(typeof connectRefreshToken).toBe('string');

		await closeToasts(page);
		await screenshot(page, 'credential-connected.png');
		await modal.locator('button[aria-label="Close this dialog"]').first().click();
		await gone(modal, 'the credential dialog');
		await visible(
			page.getByTestId('resources-list-item').filter({ hasText: CREDENTIAL_NAME }),
			`the credential "${CREDENTIAL_NAME}" in the list`,
		);
	}));

test('the example workflow opens; the Field Service Token node shows its icon and parameters, and takes the new credential', () =>
	run('set up the node', async () => {
		await page.goto(`${server.url}/workflow/${workflow.id}`);
		await dismissOverlays(page);
		await visible(canvasNode(TOKEN_NODE), `the "${TOKEN_NODE}" node on the canvas`, 60_000);
		const names = await page
			.getByTestId('canvas-node')
			.evaluateAll((els) => els.map((el) => el.getAttribute('data-node-name')).sort());
		expect(names).toEqual([HTTP_NODE, TOKEN_NODE, "When clicking 'Execute workflow'"].sort());
		expect(await canvasNode(TOKEN_NODE).getAttribute('data-node-type')).toBe(n8n.NODE_TYPE);
		const icon = canvasNode(TOKEN_NODE).locator('img');
		await visible(icon, `the icon of the "${TOKEN_NODE}" node`);
		expect(await icon.getAttribute('src')).toBe(`${ICON_PREFIX}/nodes/FieldServiceToken/fieldServiceToken.svg`);
		expect(await imageLoaded(icon)).toBe(true);

		await canvasNode(TOKEN_NODE).dblclick();
		const ndv = await visible(page.getByTestId('ndv'), `the "${TOKEN_NODE}" node's panel`);
		expect(await ndv.getByTestId('node-title-container').innerText()).toBe(TOKEN_NODE);
		const operation = ndv.getByTestId('parameter-input-operation');
		await visible(operation, 'the Operation parameter');
		if (await operation.locator('input').first().isDisabled())
			throw new Error('the node panel is read-only (is the workflow open elsewhere?)');

		// The credential: the new one, picked in the dropdown.
		await ndv.getByTestId('node-credentials-select').click();
		const item = page.getByTestId(`node-credentials-select-item-${credentialId}`);
		await visible(item, `"${CREDENTIAL_NAME}" in the credential dropdown`);
		expect(await item.innerText()).toContain(CREDENTIAL_NAME);
		await item.click();
		await until(
			async () => (await inputValue(ndv.getByTestId('node-credentials-select'))) === CREDENTIAL_NAME,
			async () =>
				`the credential dropdown shows "${await inputValue(ndv.getByTestId('node-credentials-select'))}", not "${CREDENTIAL_NAME}"`,
		);

		// Operation: the node's own, alphabetically, plus the "Custom API Call" n8n's editor adds to every
		// node whose credential extends oAuth2Api (the node answers it with an error that points to HTTP Request).
		expect(await inputValue(operation)).toBe('Refresh Access Token');
		let dropdown = await openDropdown(page, operation, 'Operation');
		expect(await dropdown.names()).toEqual([
			'Build Authorization Request',
			'Exchange Authorization Code',
			'Get Client Credentials Token',
			'Get Field Service Token',
			'Get User Assertion Token',
			'Refresh Access Token',
			'Custom API Call',
		]);
		// n8n cannot be told to leave "Custom API Call" out (it adds it to the operations of every node
		// whose credential can sign requests); picked, n8n's own notice points to the HTTP Request node.
		await dropdown.pick('Custom API Call');
		const notice = ndv.getByText('to make a custom API call', { exact: false });
		await visible(notice, 'n8n\'s notice for "Custom API Call"');
		expect((await notice.first().innerText()).replace(/\s+/g, ' ')).toContain(
			'Use the HTTP Request node to make a custom API call.',
		);
		dropdown = await openDropdown(page, operation, 'Operation');
		await dropdown.pick('Refresh Access Token');
		await gone(notice, 'the "Custom API Call" notice');

		// Refresh Token Source; "From a Field" brings Refresh Token and Client Authentication (five choices).
		const source = ndv.getByTestId('parameter-input-refreshTokenSource');
		const clientAuthentication = ndv.getByTestId('parameter-input-clientAuthentication');
		const refreshToken = ndv.getByTestId('parameter-input-refreshToken');
		expect(await inputValue(source)).toBe('Credential (Connected Account)');
		expect([await clientAuthentication.count(), await refreshToken.count()]).toEqual([0, 0]);
		dropdown = await openDropdown(page, source, 'Refresh Token Source');
		expect(await dropdown.names()).toEqual(['Credential (Connected Account)', 'From a Field']);
		await dropdown.pick('From a Field');
		await visible(clientAuthentication, 'Client Authentication (shown for "From a Field")');
		await visible(refreshToken, 'Refresh Token (shown for "From a Field")');
		expect(await inputValue(clientAuthentication)).toBe('As Set in the Credential');
		dropdown = await openDropdown(page, clientAuthentication, 'Client Authentication');
		expect(await dropdown.names()).toEqual([
			'As Set in the Credential',
			'Basic Auth Header',
			'Body Fields',
			'None (Public Client)',
			'Client Assertion (Private Key)',
		]);
		await dropdown.pick('As Set in the Credential');

		// And back to the credential's refresh token.
		dropdown = await openDropdown(page, source, 'Refresh Token Source');
		await dropdown.pick('Credential (Connected Account)');
		await until(
			async () => (await inputValue(source)) === 'Credential (Connected Account)',
			'Refresh Token Source did not switch back',
		);
		await gone(clientAuthentication, 'Client Authentication (after switching back)');
		await gone(refreshToken, 'Refresh Token (after switching back)');

		await ndv.getByTestId('ndv-close-button').click();
		await gone(ndv, "the node's panel");

		// Saved with the new credential (n8n saves on its own; Ctrl+S makes sure).
		await page.keyboard.press('Control+s');
		await until(
			async () => {
				const saved = (await rest('GET', `/rest/workflows/${workflow.id}`)).nodes.find(
					(node) => node.name === TOKEN_NODE,
				);
				const source = saved.parameters.refreshTokenSource ?? 'credential';
				return saved.credentials?.idcsOAuth2Api?.id === credentialId && source === 'credential';
			},
			async () =>
				`the saved workflow's "${TOKEN_NODE}" node is ${JSON.stringify((await rest('GET', `/rest/workflows/${workflow.id}`)).nodes.find((node) => node.name === TOKEN_NODE))}`,
		);
	}));

/** The "Execute workflow" button, not running (then it shows a spinner and no text, and would stop the run). */
async function buttonIdle(button) {
	await until(
		async () => (await button.innerText()).trim() === 'Execute workflow' && (await button.isEnabled()),
		async () => `the "Execute workflow" button is not idle: text ${JSON.stringify(await button.innerText())}`,
		{ timeout: 60_000 },
	);
}

/** Clicks "Execute workflow" and waits for both nodes after the trigger to succeed. */
async function executeWorkflow() {
	await idcs.clearRequests();
	const button = page.getByTestId('execute-workflow-button');
	await buttonIdle(button);
	await closeToasts(page);
	await button.click();
	// n8n ends a manual execution with a toast: "Workflow executed successfully", or the error.
	await visible(page.locator('.el-notification'), 'a toast saying how the execution ended', 60_000);
	const toasts = await toastTexts(page);
	if (!toasts.some((text) => text.includes('Workflow executed successfully'))) {
		throw new Error(`the execution did not succeed; n8n says: ${JSON.stringify(toasts)}`);
	}
	for (const name of [TOKEN_NODE, HTTP_NODE])
		await visible(canvasNode(name).getByTestId('canvas-node-status-success'), `the "${name}" node's success mark`);
	// The editor settles a moment after the toast: the button comes back, item counts appear.
	await buttonIdle(button);
	await until(
		async () => (await canvasNode(HTTP_NODE).getByTestId('canvas-node-output-handle').innerText()).includes('1 item'),
		`the "${HTTP_NODE}" node does not show "1 item"`,
	);
	// One refresh with the credential's refresh token, then the OFS call with the new access token.
	const tokens = await idcs.tokenRequests();
	expect(tokens.map((t) => [t.grantType, t.outcome, t.clientAuth])).toEqual([
		['refresh_token', 'ok', 'client_secret_basic'],
	]);
	const stats = await idcs.stats();
	expect([stats.api.ok, stats.api.unauthorized]).toEqual([1, 0]);
	return tokens[0];
}

test('"Execute workflow" refreshes with the connected refresh token, and again with the rotated one', () =>
	run('execute the workflow', async () => {
		const first = await executeWorkflow();
		expect(first.body.refresh_token).toBe(connectRefreshToken);
		refreshes.push(first);
		// The credential kept the rotated refresh token: the second execution presents it.
		const second = await executeWorkflow();
		expect(second.body.refresh_token).toBe(first.response.refresh_token);
		expect(second.body.refresh_token).not.toBe(connectRefreshToken);
		refreshes.push(second);

		await closeToasts(page);
		await page.getByTestId('zoom-to-fit').click();
		await page.mouse.move(VIEWPORT.width - 200, 180); // no hover or focus ring on a control in the picture
		await page.evaluate(() => document.activeElement?.blur?.());
		await page.waitForTimeout(500); // the zoom animates
		await screenshot(page, 'workflow-executed.png');
	}));

test("the Field Service Token node's output in the editor shows the token, authorization and from_cache", () =>
	run('read the node output', async () => {
		await canvasNode(TOKEN_NODE).dblclick();
		const ndv = await visible(page.getByTestId('ndv'), `the "${TOKEN_NODE}" node's panel`);
		const output = ndv.getByTestId('output-panel');
		await visible(output.getByTestId('node-run-status-success'), "the output panel's success mark");
		expect((await output.getByTestId('ndv-items-count').innerText()).trim()).toBe('1 item');

		// Table view (n8n's default here): one row under the column names. The item count can show before
		// the table is drawn (seen on a busy machine): its column names are waited for.
		const headers = await until(async () => {
			const names = (await output.locator('table thead th').allInnerTexts()).map((text) => text.trim()).filter(Boolean);
			return names.length ? names : undefined;
		}, 'the output table shows no column names');
		const cells = (await output.locator('table tbody tr').first().locator('td').allInnerTexts()).map((text) =>
			text.trim(),
		);
		expect(headers).toEqual([
			'access_token',
			'token_type',
			'expires_in',
			'expires_at',
			'authorization',
			'scope',
			'refresh_token_rotated',
			'from_cache',
		]);
		const row = Object.fromEntries(headers.map((header, index) => [header, cells[index]]));
		const { response } = refreshes[1];
		expect(row).toMatchObject({
			access_token: response.access_token,
			token_type: 'Bearer',
			authorization: `Bearer ${response.access_token}`,
			scope: `${local.RESOURCE_SCOPE} offline_access`,
			refresh_token_rotated: 'true',
			from_cache: 'false',
		});

		// JSON view: the same item, typed.
		await output.getByTestId('radio-button-json').click();
		const container = output.getByTestId('ndv-data-container');
		await until(
			async () => (await container.innerText()).includes('"from_cache"'),
			'the JSON view does not show from_cache',
		);
		// Its text is the JSON, indented with no-break spaces and broken into lines.
		const items = JSON.parse((await container.innerText()).replace(/\u00a0/g, ' ').replace(/\n/g, ' '));
		expect(items).toHaveLength(1);
		const [item] = items;
		expect(Object.keys(item).sort()).toEqual(headers.slice().sort());
		expect(item).toMatchObject({
			access_token: response.access_token,
			token_type: 'Bearer',
			authorization: `Bearer ${response.access_token}`,
			refresh_token_rotated: true,
			from_cache: false,
		});
		expect(item.expires_in).toBeGreaterThan(0);
		expect(item.expires_in).toBeLessThanOrEqual(ACCESS_TOKEN_TTL);
		expect(Date.parse(item.expires_at)).toBeGreaterThan(Date.now());
		// The credential source never puts a refresh token into the output.
		expect(JSON.stringify(items)).not.toContain(refreshes[1].response.refresh_token);
		expect(JSON.stringify(items)).not.toContain(idcs.clients.basic.clientSecret);

		await closeToasts(page);
		await screenshot(page, 'node-output.png');
		await ndv.getByTestId('ndv-close-button').click();
		await gone(ndv, "the node's panel");
	}));
