// The node as n8n runs it, in-process: the test harness (test/support/n8nExecution.ts: n8n-core's
// real ExecuteContext, request helper and refreshOAuth2Token), transpiled on load, and the
// compiled node from dist/ (what the package ships). Plus the comparison nodes the bench needs.
'use strict';

const fs = require('fs');
const path = require('path');

require('./tsHook');
const { REPO_ROOT } = require('./util');

const DIST_NODE = path.join(REPO_ROOT, 'dist', 'nodes', 'FieldServiceToken', 'FieldServiceToken.node.js');
if (!fs.existsSync(DIST_NODE)) throw new Error(`${DIST_NODE} is missing: run npm run build first`);

const harness = require(path.join(REPO_ROOT, 'test', 'support', 'n8nExecution.ts'));
const { FieldServiceToken } = require(DIST_NODE);
const { tokenCache } = require(
	path.join(REPO_ROOT, 'dist', 'nodes', 'FieldServiceToken', 'operations', 'refreshAccessToken.operation.js'),
);

const RESOURCE_SCOPE = 'urn:opc:resource:consumer::all';
const fieldServiceToken = new FieldServiceToken();

/** The idcsOAuth2Api credential for a local IDCS client, optionally connected (oauthTokenData). */
function credentialFor(issuer, client, oauthTokenData) {
	return harness.credentialStore({
		domainUrl: issuer,
		clientId: client.clientId,
		clientSecret: client.clientSecret ?? '',
		resourceScope: RESOURCE_SCOPE,
		authentication: client.authMethod === 'client_secret_post' ? 'body' : 'header',
		...(oauthTokenData ? { oauthTokenData } : {}),
	});
}

/** oauthTokenData as n8n stores it after a code exchange or refresh (with its n8n_expires_at). */
const oauthTokenData = (token) => ({ ...token, n8n_expires_at: String(Date.now() + Number(token.expires_in) * 1000) });

/** Field Service Token, Refresh Access Token, refresh token from a field (`$json.refreshToken`). */
const fieldParameters = (options = {}) => ({
	operation: 'refreshAccessToken',
	refreshTokenSource: 'parameter',
	refreshToken: '={{ $json.refreshToken }}',
	options,
});

/** Field Service Token, Refresh Access Token, refresh token of the connected credential. */
const credentialParameters = (options = {}) => ({
	operation: 'refreshAccessToken',
	refreshTokenSource: 'credential',
	options,
});

function describe(name, properties = [], credentials = true) {
	return {
		displayName: name,
		name,
		group: ['transform'],
		version: 1,
		description: name,
		defaults: { name },
		inputs: ['main'],
		outputs: ['main'],
		credentials: credentials ? [{ name: 'idcsOAuth2Api', required: true }] : [],
		properties,
	};
}

/** A node that does nothing: what one node execution costs in this harness, the floor. */
const emptyNode = {
	description: describe('benchEmpty', [], false),
	async execute() {
		return [this.getInputData()];
	},
};

/**
 * A node like n8n's Set: reads one parameter (an expression over the item) per item and adds it.
 * What the same number of items costs through an ordinary node, for comparison.
 */
const setLikeNode = {
	description: describe('benchSetLike', [{ displayName: 'Value', name: 'value', type: 'string', default: '' }], false),
	async execute() {
		const items = this.getInputData();
		const out = new Array(items.length);
		for (let i = 0; i < items.length; i++) {
			out[i] = { json: { ...items[i].json, value: this.getNodeParameter('value', i) }, pairedItem: { item: i } };
		}
		return [out];
	},
};

/** The Set-like node that also reads its credential per item, as Field Service Token does. */
const setLikeWithCredentialNode = {
	description: describe('benchSetLikeCredential', [
		{ displayName: 'Value', name: 'value', type: 'string', default: '' },
	]),
	async execute() {
		const items = this.getInputData();
		const out = new Array(items.length);
		for (let i = 0; i < items.length; i++) {
			await this.getCredentials('idcsOAuth2Api', i);
			out[i] = { json: { ...items[i].json, value: this.getNodeParameter('value', i) }, pairedItem: { item: i } };
		}
		return [out];
	},
};

/**
 * The control for a reused token: what Field Service Token's reuse path asks of n8n, and nothing of its
 * own. The node's own description (so that parameters resolve against the same properties), the same
 * n8n calls in the same order for `source` ('field' or 'credential'), and an output item of the same shape
 * as the input. Node minus control is what the node adds: hashing, key building, checks, output.
 */
function n8nCallsOnly(source) {
	return {
		description: { ...fieldServiceToken.description, name: `benchN8nCalls_${source}` },
		async execute() {
			const items = this.getInputData();
			const out = [];
			for (let i = 0; i < items.length; i++) {
				this.getNodeParameter('operation', i);
				this.getNodeParameter('options', i, {});
				await this.getCredentials('idcsOAuth2Api', i);
				this.getNodeParameter('refreshTokenSource', i);
				if (source === 'field') {
					this.getNodeParameter('refreshToken', i, '');
					this.getNode();
					this.getNodeParameter('clientAuthentication', i, 'credential');
				}
				out.push({ json: items[i].json, pairedItem: { item: i } });
			}
			return [out];
		},
	};
}

/** Warms a fresh process up: evaluates an expression and makes one GET with helpers.httpRequest. */
const warmUpNode = {
	description: describe(
		'benchWarmUp',
		[
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Value', name: 'value', type: 'string', default: '' },
		],
		false,
	),
	async execute() {
		this.getNodeParameter('value', 0);
		await this.helpers.httpRequest({ method: 'GET', url: this.getNodeParameter('url', 0), json: true });
		return [this.getInputData()];
	},
};

/**
 * A minimal node that posts the refresh_token grant with n8n's own request helper
 * (helpers.httpRequest), the refresh token carried in `state` from call to call.
 */
function helperGrantNode(tokenUrl, client, state) {
	return {
		description: describe('benchHelperGrant', [], false),
		async execute() {
			const response = await this.helpers.httpRequest({
				method: 'POST',
				url: tokenUrl,
				headers: {
					'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
					authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
				},
				body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: state.refreshToken }).toString(),
				json: true,
			});
			state.refreshToken = response.refresh_token;
			return [[{ json: { access_token: response.access_token } }]];
		},
	};
}

module.exports = {
	runNode: harness.runNode,
	credentialStore: harness.credentialStore,
	fieldServiceToken,
	tokenCache,
	credentialFor,
	oauthTokenData,
	fieldParameters,
	credentialParameters,
	emptyNode,
	n8nCallsOnly,
	setLikeNode,
	setLikeWithCredentialNode,
	warmUpNode,
	helperGrantNode,
	RESOURCE_SCOPE,
};
