// Refresh token from the connected credential: every refresh goes through n8n's own credential
// refresh, which must write each rotated (single-use) refresh token back into the database, or the
// next execution (a new n8n process) would present a used one and IDCS would revoke the grant.
const { n8n, local, TOKEN_NODE, prepared, expectSuccess } = require('./helpers');

const HTTP_NODE = 'List OFS resources';
const RUNS = 10;

let idcs; // access tokens live 3349 s, as IDCS's
let folder;
let connected; // the credential's data as imported (fixtures/credentialSource.js)

beforeAll(async () => {
	({ idcs, folder, connected } = prepared('credentialSource'));
	await idcs.clearRequests();
});

const refreshRequests = async (clientId) =>
	(await idcs.tokenRequests()).filter((r) => r.grantType === 'refresh_token' && r.clientId === clientId);

let lastAccessToken;

test(`${RUNS} executions in a row with reuseToken off: each one refresh, each presenting the refresh token the previous one got`, async () => {
	const { clientId, clientSecret } = idcs.clients.basic;
	const outputs = [];
	for (let run = 0; run < RUNS; run++) {
		const result = await n8n.executeWorkflow(folder, 'credNoReuse00001');
		expectSuccess(result);
		outputs.push(result.output(TOKEN_NODE)[0]);
	}

	const requests = await refreshRequests(clientId);
	expect(requests).toHaveLength(RUNS);
	expect(requests.map((r) => r.outcome)).toEqual(Array(RUNS).fill('ok'));
	// The first presents what the credential was connected with; every later one what IDCS returned
	// to the one before: n8n stored each rotated refresh token.
	expect(requests[0].body.refresh_token).toBe(connected.oauthTokenData.refresh_token);
	for (let i = 1; i < RUNS; i++) expect(requests[i].body.refresh_token).toBe(requests[i - 1].response.refresh_token);
	// n8n's own refresh with the credential's authentication 'header'.
	for (const request of requests) {
		expect(request.headers.authorization).toBe(
			`Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
		);
		expect(request.body.client_secret).toBeUndefined();
	}
	outputs.forEach((output, i) => {
		expect(output.access_token).toBe(requests[i].response.access_token);
		expect(output.authorization).toBe(`Bearer ${requests[i].response.access_token}`);
		expect(output.from_cache).toBe(false);
		expect(output.refresh_token_rotated).toBe(true);
		// The credential keeps the refresh token; it is not handed to the workflow.
		expect(output).not.toHaveProperty('refresh_token');
	});
	lastAccessToken = outputs[RUNS - 1].access_token;
});

test('one more with reuse on (the default): no token request, the stored access token, from_cache true', async () => {
	const before = (await idcs.stats()).token.total;
	const result = await n8n.executeWorkflow(folder, 'credReuse0000001');
	expectSuccess(result);
	const [output] = result.output(TOKEN_NODE);
	expect((await idcs.stats()).token.total).toBe(before);
	expect(output.from_cache).toBe(true);
	expect(output.refresh_token_rotated).toBe(false);
	expect(output.access_token).toBe(lastAccessToken);
	expect(output.authorization).toBe(`Bearer ${lastAccessToken}`);
	expect(output.expires_in).toBeGreaterThan(3000);
});

test('the example workflow: the HTTP Request step gets 200 and the resources from the OFS stand-in with the token', async () => {
	const example = local.exampleWorkflowFor(idcs.ofsBaseUrl);
	const apiBefore = (await idcs.stats()).api;
	const result = await n8n.executeWorkflow(folder, example.id);
	expectSuccess(result);
	const [token] = result.output(TOKEN_NODE);
	expect(token.authorization).toBe(`Bearer ${lastAccessToken}`);
	expect(result.output(HTTP_NODE)).toEqual([
		{
			items: [
				{ resourceId: 'FS-DISPATCH-01', name: 'Dispatcher Demo', status: 'active', resourceType: 'BK' },
				{ resourceId: 'FS-TECH-0042', name: 'Field Technician 42', status: 'active', resourceType: 'PR' },
			],
			totalResults: 2,
			hasMore: false,
			offset: 0,
			// Field Service's default page size, and its link to this page.
			limit: 10,
			links: [{ rel: 'canonical', href: `${idcs.ofsBaseUrl}/rest/ofscCore/v1/resources?offset=0&limit=10` }],
		},
	]);
	// The stand-in counts what it answered: one more 200, no 401.
	const apiAfter = (await idcs.stats()).api;
	expect(apiAfter.ok - apiBefore.ok).toBe(1);
	expect(apiAfter.unauthorized - apiBefore.unauthorized).toBe(0);
	expect(result.run.data.resultData.runData[HTTP_NODE][0].executionStatus).toBe('success');
});

test('a credential with authentication "body" (client_secret_post client): n8n refreshes with the secret in the form', async () => {
	const { clientId, clientSecret } = idcs.clients.post;
	const result = await n8n.executeWorkflow(folder, 'credPostBody0001');
	expectSuccess(result);
	const [request] = await refreshRequests(clientId);
	expect(request.outcome).toBe('ok');
	expect(request.clientAuth).toBe('client_secret_post');
	expect(request.headers.authorization).toBeUndefined();
	expect(request.body).toMatchObject({ grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret });
	expect(result.output(TOKEN_NODE)[0].access_token).toBe(request.response.access_token);
});
