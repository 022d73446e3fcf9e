// The local IDCS stand-in (test/local-idcs) for the demo, the editor and the e2e tests, and what
// they build on it: a "connected" idcsOAuth2Api credential, the example workflow pointed at it, and the
// Field Service plugin's back-end templates pointed at it.
'use strict';

const fs = require('fs');
const path = require('path');

const { startLocalIdcsProcess } = require('../test/local-idcs/start');
const { REPO_ROOT, CREDENTIAL_TYPE } = require('./n8n');

const EXAMPLE_FILE = path.join(REPO_ROOT, 'examples', 'field-service-token.workflow.json');
/** The OFS base URL the committed example carries, for users to replace. */
const OFS_PLACEHOLDER = 'https://<instance>.fs.ocs.oraclecloud.com';
const RESOURCE_SCOPE = 'urn:opc:resource:consumer::all';

/**
 * Starts the local IDCS (its own Node process, 127.0.0.1). Resolves its ready line plus admin
 * helpers (see attachIdcs) and stop.
 */
async function startIdcs({ port, accessTokenTtl, refreshTokenTtl, redirectUris = [], activities } = {}) {
	const args = [];
	if (activities) args.push('--activities', String(activities));
	if (port) args.push('--port', String(port));
	if (accessTokenTtl) args.push('--access-token-ttl', String(accessTokenTtl));
	if (refreshTokenTtl) args.push('--refresh-token-ttl', String(refreshTokenTtl));
	for (const uri of redirectUris) args.push('--redirect-uri', uri);
	const { process: child, stop, ...ready } = await startLocalIdcsProcess(args);
	// Not left behind when the caller exits without stopping it.
	const killOnExit = () => child.kill('SIGKILL');
	process.once('exit', killOnExit);
	child.once('exit', () => process.removeListener('exit', killOnExit));
	return {
		...attachIdcs(ready),
		process: child,
		/** Its ready line (issuer, port, clients): what attachIdcs takes in another process. */
		ready,
		stop: () => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : stop()),
	};
}

/**
 * A local IDCS another process started, from its ready line: issuer, clients, and the admin
 * helpers mintRefreshToken, revoke, requests, tokenRequests, stats, clearRequests, setConfig,
 * ofsRequests, revokeAccessTokens.
 */
function attachIdcs(ready) {
	const admin = async (route, body) => {
		const response = await fetch(`${ready.issuer}/__admin/${route}`, {
			method: body === undefined ? 'GET' : 'POST',
			headers: body === undefined ? undefined : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		if (!response.ok) throw new Error(`local IDCS admin ${route}: HTTP ${response.status} ${await response.text()}`);
		return response.json();
	};
	return {
		...ready,
		tokenUrl: `${ready.issuer}/oauth2/v1/token`,
		ofsBaseUrl: ready.issuer,
		/** A new grant's refresh token for client 'basic' | 'post' | 'mobile'. */
		mintRefreshToken: async (client = 'basic', scope = `${RESOURCE_SCOPE} offline_access`) =>
			(await admin('refresh-tokens', { client, scope })).refresh_token,
		revoke: (refreshToken) => admin('revoke', { refresh_token: refreshToken }),
		requests: (endpoint) => admin(endpoint ? `requests?endpoint=${endpoint}` : 'requests'),
		tokenRequests: () => admin('requests?endpoint=token'),
		stats: () => admin('stats'),
		clearRequests: () => admin('requests/clear', {}),
		setConfig: (config) => admin('config', config),
		/** The OFS stand-in's request log, and a revocation of every access token it has accepted so far. */
		ofsRequests: () => admin('ofs/requests'),
		revokeAccessTokens: () => admin('ofs/revoke-tokens', {}),
		/** The local Field Service application (instance, client, key) and the signing keys. */
		fieldService: () => admin('field-service'),
		signingKeys: () => admin('signing-keys'),
	};
}

/** A token request as the registered client sends it (Basic header, body secret, or client_id only). */
async function tokenRequest(idcs, client, form) {
	const { clientId, clientSecret, authMethod } = idcs.clients[client];
	const body = new URLSearchParams(form);
	const headers = { 'content-type': 'application/x-www-form-urlencoded' };
	if (authMethod === 'client_secret_basic')
		headers.authorization = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
	else body.set('client_id', clientId);
	if (authMethod === 'client_secret_post') body.set('client_secret', clientSecret);
	const response = await fetch(idcs.tokenUrl, { method: 'POST', headers, body });
	const json = await response.json();
	if (!response.ok) throw new Error(`local IDCS token endpoint: HTTP ${response.status} ${JSON.stringify(json)}`);
	return json;
}

/**
 * The plain data of an idcsOAuth2Api credential for `client`, in the state n8n leaves it after
 * "Connect my account": a refresh token minted by the local IDCS, turned into a token pair once (as
 * n8n's code exchange would), stored as oauthTokenData with n8n's own `n8n_expires_at`.
 */
async function connectedCredentialData(idcs, { client = 'basic', authentication } = {}) {
	const registered = idcs.clients[client];
	const minted = await idcs.mintRefreshToken(client);
	const token = await tokenRequest(idcs, client, { grant_type: 'refresh_token', refresh_token: minted });
	const expiresIn = Number(token.expires_in);
	return {
		domainUrl: idcs.issuer,
		clientId: registered.clientId,
		clientSecret: registered.clientSecret ?? '',
		resourceScope: RESOURCE_SCOPE,
		authentication: authentication ?? (registered.authMethod === 'client_secret_basic' ? 'header' : 'body'),
		oauthTokenData: { ...token, n8n_expires_at: String(Date.now() + expiresIn * 1000) },
	};
}

/** A credential as `n8n import:credentials` takes it. */
const credential = (id, name, data) => ({ id, name, type: CREDENTIAL_TYPE, data });

/** The committed example workflow. */
const exampleWorkflow = () => JSON.parse(fs.readFileSync(EXAMPLE_FILE, 'utf8'));

/** The example workflow with its OFS placeholder replaced by `ofsBaseUrl` (the local stand-in). */
function exampleWorkflowFor(ofsBaseUrl) {
	const text = fs.readFileSync(EXAMPLE_FILE, 'utf8');
	if (!text.includes(OFS_PLACEHOLDER)) throw new Error(`${EXAMPLE_FILE} no longer contains ${OFS_PLACEHOLDER}`);
	return JSON.parse(text.split(OFS_PLACEHOLDER).join(ofsBaseUrl.replace(/\/$/, '')));
}

/** The credential the example workflow names (id and name). */
function exampleCredentialRef() {
	const node = exampleWorkflow().nodes.find((n) => n.credentials?.[CREDENTIAL_TYPE]);
	return node.credentials[CREDENTIAL_TYPE];
}

/** The Field Service plugin's back-end templates (examples/ofs-plugin-*), sign-in first. */
const PLUGIN_TEMPLATES = ['ofs-plugin-sign-in.workflow.json', 'ofs-plugin-resources.workflow.json'];
/** The origin the templates' webhooks allow (CORS), for users to replace: the plugin's own, not Field Service's. */
const PLUGIN_ORIGIN_PLACEHOLDER = 'https://<plugin hosting domain>';

/**
 * The plugin's back end on `idcs`: the templates with their placeholders replaced (CORS allows
 * `pluginOrigin`, the origin the plugin's files are served from; the OFS call goes to the stand-in),
 * and the idcsOAuth2Api credential they name, for the local IDCS's confidential client (not connected:
 * the plugin brings the user). Resolves { credentials, workflows } as `n8n import:*` takes them.
 */
function pluginBackEndFor(idcs, pluginOrigin) {
	const workflows = PLUGIN_TEMPLATES.map((file) => {
		const workflow = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', file), 'utf8'));
		for (const node of workflow.nodes) {
			if (node.parameters.options?.allowedOrigins === PLUGIN_ORIGIN_PLACEHOLDER)
				node.parameters.options.allowedOrigins = pluginOrigin;
			if (typeof node.parameters.url === 'string')
				node.parameters.url = node.parameters.url.replace(OFS_PLACEHOLDER, idcs.ofsBaseUrl.replace(/\/$/, ''));
		}
		const working = workflow.nodes.filter((node) => node.type !== 'n8n-nodes-base.stickyNote');
		if (/<instance>|<plugin hosting domain>/.test(JSON.stringify(working)))
			throw new Error(`${file}: a placeholder is left`);
		return workflow;
	});
	const ref = workflows[0].nodes.find((node) => node.credentials?.[CREDENTIAL_TYPE]).credentials[CREDENTIAL_TYPE];
	const { clientId, clientSecret } = idcs.clients.basic;
	const data = {
		domainUrl: idcs.issuer,
		clientId,
		clientSecret,
		resourceScope: RESOURCE_SCOPE,
		authentication: 'header',
	};
	return { credentials: [credential(ref.id, ref.name, data)], workflows };
}

module.exports = {
	EXAMPLE_FILE,
	PLUGIN_TEMPLATES,
	PLUGIN_ORIGIN_PLACEHOLDER,
	pluginBackEndFor,
	OFS_PLACEHOLDER,
	RESOURCE_SCOPE,
	startIdcs,
	attachIdcs,
	tokenRequest,
	connectedCredentialData,
	credential,
	exampleWorkflow,
	exampleWorkflowFor,
	exampleCredentialRef,
};
