// Each way to a token beyond the refresh token, once, in real n8n with the package installed from
// `npm pack`: client credentials, a user assertion with a client assertion, and Field Service's own
// token service; and the Oracle Field Service API credential authenticating n8n's HTTP Request node.
const { n8n, TOKEN_NODE, prepared, expectSuccess } = require('./helpers');

const RESOURCE_SCOPE = 'urn:opc:resource:consumer::all';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

let idcs;
let folder;
let fieldService;

const ofsApiStatus = async (authorization) =>
	(await fetch(`${idcs.issuer}/rest/ofscCore/v1/resources`, { headers: { authorization } })).status;

beforeAll(() => {
	({ idcs, folder, fieldService } = prepared('grants'));
});

const tokenRequestsOf = async (clientId) =>
	(await idcs.tokenRequests()).filter((request) => request.clientId === clientId);

async function run(workflowId) {
	const result = await n8n.executeWorkflow(folder, workflowId);
	expectSuccess(result);
	return result;
}

test('Get Client Credentials Token: the IDCS client credentials grant, and the token works at the OFS API', async () => {
	const [output] = (await run('grantsClientCred')).output(TOKEN_NODE);
	const [request] = await tokenRequestsOf(idcs.clients.service.clientId);
	expect(request).toMatchObject({
		grantType: 'client_credentials',
		clientAuth: 'client_secret_basic',
		status: 200,
		body: { grant_type: 'client_credentials', scope: RESOURCE_SCOPE },
	});
	expect(output).toEqual({
		access_token: request.response.access_token,
		token_type: 'Bearer',
		expires_in: expect.any(Number),
		expires_at: expect.any(String),
		authorization: `Bearer ${request.response.access_token}`,
		scope: RESOURCE_SCOPE,
		from_cache: false,
	});
	expect(await ofsApiStatus(output.authorization)).toBe(200);
});

test('Get User Assertion Token with a client assertion: both JWTs signed with the credential key, no secret', async () => {
	const [output] = (await run('grantsUserAssert')).output(TOKEN_NODE);
	const [request] = await tokenRequestsOf(idcs.clients.signed.clientId);
	expect(request).toMatchObject({ grantType: JWT_BEARER, clientAuth: 'client_assertion', status: 200 });
	const claims = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
	expect(claims(request.body.assertion)).toMatchObject({
		sub: 'ofs.technician',
		iss: idcs.clients.signed.clientId,
		aud: ['https://identity.oraclecloud.com/', idcs.issuer, `${idcs.issuer}/`],
	});
	expect(claims(request.body.client_assertion)).toMatchObject({
		sub: idcs.clients.signed.clientId,
		iss: idcs.clients.signed.clientId,
	});
	expect(output.access_token).toBe(request.response.access_token);
	expect(await ofsApiStatus(output.authorization)).toBe(200);
});

test("Get Field Service Token: Field Service's token service with the client secret, and as a user with a JWT", async () => {
	const [bySecret] = (await run('grantsFsSecret01')).output(TOKEN_NODE);
	const [asUser] = (await run('grantsFsUserJwt1')).output(TOKEN_NODE);
	const { requests } = await idcs.fieldService();
	expect(requests.map((r) => [r.grantType, r.status])).toEqual([
		['client_credentials', 200],
		[JWT_BEARER, 200],
	]);
	expect(JSON.parse(Buffer.from(requests[1].body.assertion.split('.')[1], 'base64url').toString())).toMatchObject({
		sub: 'tech.0042',
		aud: `ofsc:${fieldService.instance}:${fieldService.applicationId}`,
	});
	for (const output of [bySecret, asUser]) {
		expect(output).toMatchObject({ token_type: 'Bearer', from_cache: false });
		expect(await ofsApiStatus(output.authorization)).toBe(200);
	}
	expect(bySecret.access_token).not.toBe(asUser.access_token);
});

test('the Oracle Field Service API credential authenticates the HTTP Request node with Basic <client id>@<instance>', async () => {
	const [response] = (await run('grantsFsHttpReq1')).output(TOKEN_NODE);
	expect(response).toMatchObject({ totalResults: 2, items: expect.any(Array) });
});

test('the Oracle IDCS Client Credentials credential: HTTP Request alone gets the token from IDCS, then keeps it', async () => {
	const [first] = (await run('grantsCcHttpReq1')).output(TOKEN_NODE);
	const [second] = (await run('grantsCcHttpReq1')).output(TOKEN_NODE);
	for (const response of [first, second]) expect(response).toMatchObject({ totalResults: 2, items: expect.any(Array) });
	// n8n ran the grant itself once, as the credential says (body fields, the resource scope without
	// offline_access), and stored the token in the credential for the second execution.
	const requests = await tokenRequestsOf(idcs.clients.servicePost.clientId);
	expect(requests).toHaveLength(1);
	expect(requests[0]).toMatchObject({
		grantType: 'client_credentials',
		clientAuth: 'client_secret_post',
		status: 200,
		body: { grant_type: 'client_credentials', scope: RESOURCE_SCOPE },
	});
});
