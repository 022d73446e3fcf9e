// Workflows and credential data for the e2e files, as n8n's CLI imports them; used by the files'
// fixtures (test/e2e/fixtures, run by globalSetup) and by the files themselves.
const n8n = require('../../scripts/n8n');
const local = require('../../scripts/local-idcs');

const TOKEN_NODE = 'Field Service Token';

/** Manual Trigger -> Field Service Token with `parameters`, using credential `credentialId`. */
function tokenWorkflow(id, credentialId, parameters) {
	const trigger = 'Manual Trigger';
	return {
		id,
		name: `e2e ${id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: `${id}-trigger`,
				name: trigger,
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: `${id}-token`,
				name: TOKEN_NODE,
				type: n8n.NODE_TYPE,
				typeVersion: 1,
				position: [240, 0],
				parameters: { operation: 'refreshAccessToken', ...parameters },
				credentials: { [n8n.CREDENTIAL_TYPE]: { id: credentialId, name: credentialId } },
			},
		],
		connections: { [trigger]: { main: [[{ node: TOKEN_NODE, type: 'main', index: 0 }]] } },
	};
}

/** Refresh token given by field, mapped from the environment (n8n must allow $env in nodes). */
const REFRESH_TOKEN_FROM_ENV = '={{ $env.FST_REFRESH_TOKEN }}';
const envWithRefreshToken = (refreshToken) => ({
	N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
	FST_REFRESH_TOKEN: refreshToken,
});

/** The plain credential data for a client that is not connected (refresh token given by field). */
function clientCredentialData(idcs, client) {
	const { clientId, clientSecret, authMethod } = idcs.clients[client];
	return {
		domainUrl: idcs.issuer,
		clientId,
		clientSecret: clientSecret ?? '',
		resourceScope: local.RESOURCE_SCOPE,
		authentication: authMethod === 'client_secret_post' ? 'body' : 'header',
	};
}

/**
 * An oracleFieldServiceApi credential for the local Field Service application (`fieldService`: what
 * GET /__admin/field-service answers), with its private key when `withKey`.
 */
const fieldServiceCredential = (id, idcs, fieldService, { withKey = false } = {}) => ({
	id,
	name: id,
	type: 'oracleFieldServiceApi',
	data: {
		instanceUrl: idcs.issuer,
		instance: fieldService.instance,
		clientId: fieldService.clientId,
		clientSecret: fieldService.clientSecret,
		applicationId: fieldService.applicationId,
		...(withKey ? { signingPrivateKey: fieldService.privateKey } : {}),
	},
});

module.exports = {
	TOKEN_NODE,
	tokenWorkflow,
	REFRESH_TOKEN_FROM_ENV,
	envWithRefreshToken,
	clientCredentialData,
	fieldServiceCredential,
};
