// The package as n8n loads it from <user folder>/.n8n/nodes (npm pack + npm install, like
// Settings > Community Nodes): its node type and its credential type.
const { n8n, local, TOKEN_NODE, prepared, envWithRefreshToken, expectSuccess } = require('./helpers');

let idcs;
let folder;

beforeAll(() => {
	({ idcs, folder } = prepared('package'));
});

test('n8n export:nodes lists n8n-nodes-field-service-token.fieldServiceToken with its operations and credential', async () => {
	const nodes = await n8n.exportNodes(folder);
	const ours = nodes
		.filter((node) => node.name.startsWith(`${n8n.PACKAGE_NAME}.`))
		.map((node) => node.name)
		.sort();
	// The token node has no "Tool" variant: it is not offered to AI Agents, whose tools' output goes to the
	// model. The Field Service node, whose output is Field Service's data, has one.
	expect(ours).toEqual([`${n8n.PACKAGE_NAME}.fieldService`, n8n.NODE_TYPE, `${n8n.PACKAGE_NAME}.fieldServiceTool`]);

	const node = nodes.find((n) => n.name === n8n.NODE_TYPE);
	expect(node.displayName).toBe('Field Service Token');
	expect(node.version).toBe(1);
	expect(node.credentials).toEqual([
		{ name: 'idcsOAuth2Api', required: true, displayOptions: { hide: { operation: ['getFieldServiceToken'] } } },
		{
			name: 'oracleFieldServiceApi',
			required: true,
			displayOptions: { show: { operation: ['getFieldServiceToken'] } },
		},
	]);
	const operation = node.properties.find((p) => p.name === 'operation');
	// n8n appends "Custom API Call" to the operations of every node whose credential extends oAuth2Api.
	expect(operation.options.map((o) => o.value)).toEqual([
		'buildAuthorizationRequest',
		'exchangeAuthorizationCode',
		'getClientCredentialsToken',
		'getFieldServiceToken',
		'getUserAssertionToken',
		'refreshAccessToken',
		'__CUSTOM_API_CALL__',
	]);
	expect(operation.default).toBe('refreshAccessToken');
});

test('the idcsOAuth2Api credential type is loaded: from a credential holding only the domain URL, n8n derives the token URL and scope', async () => {
	// The credential (fixtures/package.js) holds no accessTokenUrl or scope: only the credential type's hidden
	// expressions make them.
	const refreshToken = await idcs.mintRefreshToken('basic');

	const result = await n8n.executeWorkflow(folder, 'pkgWorkflow00001', { env: envWithRefreshToken(refreshToken) });

	expectSuccess(result);
	const [output] = result.output(TOKEN_NODE);
	expect(output.authorization).toBe(`Bearer ${output.access_token}`);
	expect(output.scope).toBe(`${local.RESOURCE_SCOPE} offline_access`);
	const requests = (await idcs.tokenRequests()).filter((r) => r.body?.refresh_token === refreshToken);
	expect(requests).toHaveLength(1);
	// The pasted path and query are dropped; the hidden field adds IDCS's token path.
	expect(requests[0].path).toBe('/oauth2/v1/token');
	// authentication 'header' is the credential type's default: the stored data did not say.
	expect(requests[0].clientAuth).toBe('client_secret_basic');
	expect(requests[0].status).toBe(200);
});
