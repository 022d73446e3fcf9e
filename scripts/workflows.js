// The workflows of the benchmark and the scale-out suite, each behind a Webhook (production mode:
// `n8n start` runs them when the caller POSTs to /webhook/<path>; "respond when the last node
// finishes", so a failed execution answers HTTP 500). Node types as n8n names them once the package
// is installed as a community package. With `worker: true` the answer also names the n8n process
// that ran it ({{ $env.FST_WORKER }}; n8n must allow $env in nodes: N8N_BLOCK_ENV_ACCESS_IN_NODE=false).
'use strict';

const crypto = require('crypto');

const { NODE_TYPE, CREDENTIAL_TYPE } = require('./n8n');

const uuid = () => crypto.randomUUID();

/** A workflow of `nodes` connected one after the other (each node's own id, typeVersion and position win). */
function chain(id, name, nodes, settings = {}) {
	const positioned = nodes.map((node, i) => ({ id: uuid(), typeVersion: 1, position: [i * 240, 0], ...node }));
	const connections = {};
	for (let i = 0; i < positioned.length - 1; i++) {
		connections[positioned[i].name] = { main: [[{ node: positioned[i + 1].name, type: 'main', index: 0 }]] };
	}
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1', ...settings },
		nodes: positioned,
		connections,
		pinData: {},
		tags: [],
	};
}

const webhook = (path) => ({
	name: 'Webhook',
	type: 'n8n-nodes-base.webhook',
	typeVersion: 2,
	webhookId: uuid(),
	parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} },
});

const fieldServiceToken = (credential, parameters) => ({
	name: 'Field Service Token',
	type: NODE_TYPE,
	parameters: { operation: 'refreshAccessToken', ...parameters },
	credentials: { [CREDENTIAL_TYPE]: credential },
});

const api = (url, extra) => ({
	name: 'List OFS resources',
	type: 'n8n-nodes-base.httpRequest',
	typeVersion: 4.2,
	parameters: { url, options: {}, ...extra },
});

const bearerHeader = (expression) => ({
	sendHeaders: true,
	headerParameters: { parameters: [{ name: 'Authorization', value: expression }] },
});

/** The last node: the API's answer, the refresh token to keep for approaches that hand one out, and
 * (with `worker`) the process that ran the execution. */
const result = (refreshTokenFrom, { worker = false } = {}) => ({
	name: 'Result',
	type: 'n8n-nodes-base.set',
	typeVersion: 3.4,
	parameters: {
		mode: 'manual',
		assignments: {
			assignments: [
				{ id: uuid(), name: 'totalResults', value: '={{ $json.totalResults }}', type: 'number' },
				...(worker ? [{ id: uuid(), name: 'worker', value: '={{ $env.FST_WORKER }}', type: 'string' }] : []),
				...(refreshTokenFrom
					? [
							{
								id: uuid(),
								name: 'refresh_token',
								value: `={{ $('${refreshTokenFrom}').item.json.refresh_token }}`,
								type: 'string',
							},
						]
					: []),
			],
		},
		options: {},
	},
});

/** (a) Field Service Token (credential source) -> HTTP Request with {{ $json.authorization }}. */
const nodeCredentialSource = ({ id, path, credential, apiUrl, marginSeconds, worker, name }) =>
	chain(id, name ?? 'bench (a) Field Service Token, credential source', [
		webhook(path),
		fieldServiceToken(credential, {
			refreshTokenSource: 'credential',
			options: { expiryMarginSeconds: marginSeconds },
		}),
		api(apiUrl, bearerHeader('={{ $json.authorization }}')),
		result(undefined, { worker }),
	]);

/** (a2) Field Service Token (refresh token from the request body) -> HTTP Request; the rotated one goes back. */
const nodeFieldSource = ({ id, path, credential, apiUrl, marginSeconds, worker, name }) =>
	chain(id, name ?? 'bench (a2) Field Service Token, field source', [
		webhook(path),
		fieldServiceToken(credential, {
			refreshTokenSource: 'parameter',
			refreshToken: '={{ $json.body.refresh_token }}',
			options: { expiryMarginSeconds: marginSeconds },
		}),
		api(apiUrl, bearerHeader('={{ $json.authorization }}')),
		result('Field Service Token', { worker }),
	]);

/** (a3) Field Service Token (Get Client Credentials Token: no refresh token) -> HTTP Request. */
const nodeClientCredentials = ({ id, path, credential, apiUrl, marginSeconds, worker, name }) =>
	chain(id, name ?? 'bench (a3) Field Service Token, client credentials', [
		webhook(path),
		fieldServiceToken(credential, {
			operation: 'getClientCredentialsToken',
			options: { expiryMarginSeconds: marginSeconds },
		}),
		api(apiUrl, bearerHeader('={{ $json.authorization }}')),
		result(undefined, { worker }),
	]);

/** (b) HTTP Request with the idcsOAuth2Api credential itself: n8n's own OAuth2 handling. */
const httpRequestCredential = ({ id, path, credential, apiUrl, worker, name }) =>
	chain(id, name ?? "bench (b) HTTP Request with the credential (n8n's OAuth2)", [
		webhook(path),
		{
			...api(apiUrl, { authentication: 'predefinedCredentialType', nodeCredentialType: CREDENTIAL_TYPE }),
			credentials: { [CREDENTIAL_TYPE]: credential },
		},
		result(undefined, { worker }),
	]);

/** (c) HTTP Request posting the refresh_token grant by hand (Basic auth credential), then the API. */
const httpRequestByHand = ({ id, path, basicCredential, tokenUrl, apiUrl }) =>
	chain(id, 'bench (c) HTTP Request posting the grant by hand', [
		webhook(path),
		{
			name: 'Token',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			parameters: {
				method: 'POST',
				url: tokenUrl,
				authentication: 'genericCredentialType',
				genericAuthType: 'httpBasicAuth',
				sendBody: true,
				contentType: 'form-urlencoded',
				bodyParameters: {
					parameters: [
						{ name: 'grant_type', value: 'refresh_token' },
						{ name: 'refresh_token', value: '={{ $json.body.refresh_token }}' },
					],
				},
				options: {},
			},
			credentials: { httpBasicAuth: basicCredential },
		},
		api(apiUrl, bearerHeader('=Bearer {{ $json.access_token }}')),
		result('Token'),
	]);

const ITEMS_CODE = [
	'const { items, refresh_token } = $json.body;',
	"return Array.from({ length: items }, (_, i) => ({ json: { refreshToken: refresh_token, workOrder: 'WO-' + i } }));",
].join('\n');

const codeItems = () => ({
	name: 'Items',
	type: 'n8n-nodes-base.code',
	typeVersion: 2,
	parameters: { jsCode: ITEMS_CODE },
});

/** Scale: Code makes N items (all with one refresh token) -> Field Service Token (field source). */
const scaleNode = ({ id, path, credential }) =>
	chain(
		id,
		'bench scale: N items through Field Service Token',
		[
			webhook(path),
			codeItems(),
			fieldServiceToken(credential, { refreshTokenSource: 'parameter', refreshToken: '={{ $json.refreshToken }}' }),
		],
		{ saveDataSuccessExecution: 'none' },
	);

/** Scale baseline: the same N items through an Edit Fields (Set) node with one expression per item. */
const scaleBaseline = ({ id, path }) =>
	chain(
		id,
		'bench scale baseline: N items through Edit Fields',
		[
			webhook(path),
			codeItems(),
			{
				name: 'Edit Fields',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				parameters: {
					mode: 'manual',
					includeOtherFields: true,
					assignments: {
						assignments: [{ id: uuid(), name: 'value', value: '={{ $json.refreshToken }}', type: 'string' }],
					},
					options: {},
				},
			},
		],
		{ saveDataSuccessExecution: 'none' },
	);

module.exports = {
	chain,
	nodeCredentialSource,
	nodeFieldSource,
	nodeClientCredentials,
	httpRequestCredential,
	httpRequestByHand,
	scaleNode,
	scaleBaseline,
};
