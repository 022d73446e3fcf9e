// The n8n server (`n8n start`, what `npm start` runs): owner set-up through the first-run endpoint,
// the package's types in the editor, and "Connect my account" through n8n's own OAuth2 callback
// against the local IDCS, whose refresh token the node then uses from the CLI.
const { authorizeHeadlessly } = require('../local-idcs/authorize');
const { CREDENTIAL_ID } = require('./fixtures/editor');
const { n8n, local, TOKEN_NODE, prepared, preparation, expectSuccess } = require('./helpers');

const OWNER = { email: 'e2e-owner@example.com', password: 'E2eOwner-pass1', firstName: 'E2E', lastName: 'Owner' };

let idcs;
let folder;
let server;

beforeAll(async () => {
	let ports;
	({ idcs, folder, ports } = prepared('editor'));
	server = await n8n.startN8n(folder, { port: ports.n8n });
});

afterAll(async () => {
	await server?.stop();
});

let cookie;

test('the owner is created through POST /rest/owner/setup and can log in; a second set-up is refused', async () => {
	expect(await n8n.setupOwner(server.url, OWNER)).toBe('created');
	cookie = await n8n.login(server.url, OWNER);
	expect(cookie).toMatch(/n8n-auth=/);
	const again = await n8n.n8nFetch(`${server.url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ ...OWNER, email: 'someone-else@example.com' }),
	});
	expect(again.ok).toBe(false);
	expect(await n8n.setupOwner(server.url, OWNER)).toBe('existing');
	// The imported credentials belong to the owner (the CLI imported them into the owner's project): this
	// file's, and those globalSetup imported for the other files into the same template.
	const credentials = await (await n8n.n8nFetch(`${server.url}/rest/credentials`, { headers: { cookie } })).json();
	const listed = credentials.data.map((c) => [c.id, c.type]);
	expect(listed).toContainEqual([CREDENTIAL_ID, 'idcsOAuth2Api']);
	expect(listed.sort()).toEqual([...preparation().imported.credentials].sort());
});

test('the editor knows the credential type (extends oAuth2Api) and the node type', async () => {
	const credentialTypes = await (
		await n8n.n8nFetch(`${server.url}/types/credentials.json`, { headers: { cookie } })
	).json();
	const idcsType = credentialTypes.find((t) => t.name === 'idcsOAuth2Api');
	expect(idcsType.displayName).toBe('Oracle IDCS OAuth2 API');
	expect(idcsType.extends).toEqual(['oAuth2Api']);
	const nodeTypes = await (await n8n.n8nFetch(`${server.url}/types/nodes.json`, { headers: { cookie } })).json();
	expect(nodeTypes.map((t) => t.name)).toContain(n8n.NODE_TYPE);
});

test('"Connect my account": n8n builds the IDCS authorize URL, its callback exchanges the code, and the node refreshes with the stored refresh token', async () => {
	const auth = await (
		await n8n.n8nFetch(`${server.url}/rest/oauth2-credential/auth?id=${CREDENTIAL_ID}`, { headers: { cookie } })
	).json();
	const authorize = new URL(auth.data);
	expect(`${authorize.origin}${authorize.pathname}`).toBe(`${idcs.issuer}/oauth2/v1/authorize`);
	expect(authorize.searchParams.get('client_id')).toBe(idcs.clients.basic.clientId);
	expect(authorize.searchParams.get('scope')).toBe(`${local.RESOURCE_SCOPE} offline_access`);
	expect(authorize.searchParams.get('redirect_uri')).toBe(`${server.url}/rest/oauth2-credential/callback`);

	// The browser's part: sign in at the local IDCS, then follow its redirect to n8n's callback.
	const { redirectUri } = await authorizeHeadlessly(auth.data);
	const callback = await n8n.n8nFetch(redirectUri, { headers: { cookie } });
	expect(callback.status).toBe(200);
	const exchange = (await idcs.tokenRequests()).find((r) => r.grantType === 'authorization_code');
	expect(exchange.outcome).toBe('ok');
	expect(exchange.clientAuth).toBe('client_secret_basic');
	expect(exchange.body.redirect_uri).toBe(`${server.url}/rest/oauth2-credential/callback`);
	const connectedRefreshToken = exchange.response.refresh_token;
	expect(typeof connectedRefreshToken).toBe('string');

	await server.stop();
	const result = await n8n.executeWorkflow(folder, 'editorWorkflow01');
	expectSuccess(result);
	const refresh = (await idcs.tokenRequests()).filter((r) => r.grantType === 'refresh_token');
	expect(refresh).toHaveLength(1);
	expect(refresh[0].body.refresh_token).toBe(connectedRefreshToken);
	expect(refresh[0].outcome).toBe('ok');
	expect(result.output(TOKEN_NODE)[0].access_token).toBe(refresh[0].response.access_token);
});

test('the server stops with no process left behind', async () => {
	await server.stop();
	expect(server.process.exitCode !== null || server.process.signalCode !== null).toBe(true);
	// Nothing answers on its port any more.
	await expect(n8n.n8nFetch(`${server.url}/rest/settings`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
	// The task runner it started (same process group) is gone too.
	expect(() => process.kill(-server.process.pid, 0)).toThrow();
});
