// Refresh token given by field (mapped with {{ $env.FST_REFRESH_TOKEN }}), one workflow per client
// authentication, against local IDCS clients registered for exactly that method (enforced there).
const { n8n, local, TOKEN_NODE, MESSAGES, prepared, envWithRefreshToken, expectSuccess } = require('./helpers');

let idcs;
let folder;

beforeAll(() => {
	({ idcs, folder } = prepared('clientAuthentication'));
});

/** The token endpoint requests that presented `refreshToken`. */
const requestsWith = async (refreshToken) =>
	(await idcs.tokenRequests()).filter((r) => r.body?.refresh_token === refreshToken);

async function refreshThroughN8n(workflowId, client) {
	const refreshToken = await idcs.mintRefreshToken(client);
	const result = await n8n.executeWorkflow(folder, workflowId, { env: envWithRefreshToken(refreshToken) });
	expectSuccess(result);
	const [output] = result.output(TOKEN_NODE);
	const requests = await requestsWith(refreshToken);
	expect(requests).toHaveLength(1);
	const [request] = requests;
	expect(request.status).toBe(200);
	expect(request.grantType).toBe('refresh_token');
	// What IDCS answered is what the node hands on: the access token, and the rotated refresh token to keep.
	expect(output.access_token).toBe(request.response.access_token);
	expect(output.authorization).toBe(`Bearer ${request.response.access_token}`);
	expect(output.token_type).toBe('Bearer');
	expect(output.refresh_token).toBe(request.response.refresh_token);
	expect(output.refresh_token).not.toBe(refreshToken);
	expect(output.refresh_token_rotated).toBe(true);
	expect(output.from_cache).toBe(false);
	expect(output.expires_in).toBeGreaterThan(3300);
	expect(output.expires_in).toBeLessThanOrEqual(3349);
	return { request, output };
}

/** The refresh token the node put out works: one more refresh with it, straight at the local IDCS. */
async function expectUsable(client, refreshToken) {
	const token = await local.tokenRequest(idcs, client, { grant_type: 'refresh_token', refresh_token: refreshToken });
	expect(typeof token.access_token).toBe('string');
}

test('basic: client_secret_basic client, Authorization: Basic header, nothing of the client in the body', async () => {
	const { clientId, clientSecret } = idcs.clients.basic;
	const { request, output } = await refreshThroughN8n('authBasicHeader1', 'basic');
	expect(request.clientAuth).toBe('client_secret_basic');
	expect(request.headers.authorization).toBe(`Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`);
	expect(Object.keys(request.body).sort()).toEqual(['grant_type', 'refresh_token']);
	await expectUsable('basic', output.refresh_token);
});

test('body: client_secret_post client, client_id and client_secret in the form, no Authorization header', async () => {
	const { clientId, clientSecret } = idcs.clients.post;
	const { request, output } = await refreshThroughN8n('authBodyFields01', 'post');
	expect(request.clientAuth).toBe('client_secret_post');
	expect(request.headers.authorization).toBeUndefined();
	expect(request.body).toEqual({
		grant_type: 'refresh_token',
		refresh_token: request.body.refresh_token,
		client_id: clientId,
		client_secret: clientSecret,
	});
	await expectUsable('post', output.refresh_token);
});

test('none: public (mobile) client, client_id only, no secret and no Authorization header', async () => {
	const { clientId } = idcs.clients.mobile;
	const { request, output } = await refreshThroughN8n('authNonePublic01', 'mobile');
	expect(request.clientAuth).toBe('none');
	expect(request.headers.authorization).toBeUndefined();
	expect(request.body).toEqual({
		grant_type: 'refresh_token',
		refresh_token: request.body.refresh_token,
		client_id: clientId,
	});
	await expectUsable('mobile', output.refresh_token);
});

test('the wrong method (body fields for the client_secret_basic client) fails the execution with invalid_client, and the refresh token survives', async () => {
	const refreshToken = await idcs.mintRefreshToken('basic');
	const result = await n8n.executeWorkflow(folder, 'authWrongMethod1', { env: envWithRefreshToken(refreshToken) });

	expect(result.ok).toBe(false);
	// n8n exits 1, or dies by SIGSEGV while exiting after it printed the failed run (see executeWorkflow).
	expect([
		[1, null],
		[null, 'SIGSEGV'],
	]).toContainEqual([result.code, result.signal]);
	expect(result.error.message).toBe(MESSAGES.invalid_client);
	expect(result.error.node.name).toBe(TOKEN_NODE);
	expect(`${result.stdout}${result.stderr}`).toContain(MESSAGES.invalid_client);
	const [request] = await requestsWith(refreshToken);
	expect(request.clientAuth).toBe('client_secret_post');
	expect(request.status).toBe(401);
	expect(request.outcome).toBe('invalid_client');
	// IDCS refused the client before looking at the grant: the token still works with the right method.
	await expectUsable('basic', refreshToken);
});
