// Shared by the e2e files: the template user folder from globalSetup, workflow builders, and a
// search for secrets in files.
const fs = require('fs');
const path = require('path');

const n8n = require('../../scripts/n8n');
const local = require('../../scripts/local-idcs');

const settings = JSON.parse(process.env.FST_E2E ?? 'null');
if (!settings)
	throw new Error('FST_E2E is not set: run these tests with `npm run test:e2e` (its globalSetup prepares n8n)');

const TOKEN_NODE = 'Field Service Token';

const MESSAGES = {
	invalid_grant:
		'The refresh token or authorization code was rejected: it is expired, revoked or already used (invalid_grant)',
	invalid_client: 'IDCS did not accept the client credentials (invalid_client)',
};

/** A copy of the template user folder (package installed, database migrated). */
const newUserFolder = () => n8n.copyUserFolder(n8n.userFolder(settings.template), settings.workDir, 'user-');

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

/** Every file under `dir` (recursively), but not below any of `skip` (absolute paths). */
function filesUnder(dir, skip = []) {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (skip.includes(full)) return [];
		if (entry.isDirectory()) return filesUnder(full, skip);
		return entry.isFile() ? [full] : [];
	});
}

/** [{ file, secret }] for each secret found, byte for byte, in one of the files or texts. */
function findSecrets(secrets, { files = [], texts = {} }) {
	const found = [];
	const wanted = [...new Set(secrets.filter((s) => typeof s === 'string' && s.length >= 8))];
	for (const file of files) {
		const bytes = fs.readFileSync(file);
		for (const secret of wanted) if (bytes.includes(Buffer.from(secret, 'utf8'))) found.push({ file, secret });
	}
	for (const [name, text] of Object.entries(texts)) {
		for (const secret of wanted) if (text.includes(secret)) found.push({ file: name, secret });
	}
	return found;
}

/** A short description of a failed execution, for assertion messages. */
const describeRun = (result) =>
	`exit ${result.code ?? result.signal} after ${result.ms} ms, status ${result.run?.status}; error: ${result.error?.message ?? '(none)'}\n` +
	`stderr: ${result.stderr.slice(-1500)}\nstdout: ${result.stdout.slice(-1500)}`;

/** Fails the test with n8n's own words when an execution did not succeed. */
function expectSuccess(result) {
	if (!result.ok) throw new Error(`the execution failed: ${describeRun(result)}`);
}

module.exports = {
	expectSuccess,
	settings,
	n8n,
	local,
	TOKEN_NODE,
	MESSAGES,
	newUserFolder,
	tokenWorkflow,
	REFRESH_TOKEN_FROM_ENV,
	envWithRefreshToken,
	clientCredentialData,
	fieldServiceCredential,
	filesUnder,
	findSecrets,
	describeRun,
};
