// Local stand-in for an Oracle IDCS identity domain (OAuth2 authorization server) plus a stand-in
// Oracle Field Service REST endpoint, for tests. Built on oidc-provider. See README.md.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import http from 'node:http';
import querystring from 'node:querystring';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import {
	GRANT_CLIENTS,
	allowedGrantsOnly,
	assertionClientId,
	grantAdminRoutes,
	grantClientMetadata,
	grantConfiguration,
	installGrants,
} from './grants.mjs';
import { createFieldService } from './fieldService.mjs';
import { OFS_CORE, createOfsCollections, problem } from './ofsCollections.mjs';
import { createMemoryStore, memoryAdapterFactory } from './memory-adapter.mjs';

const Provider = await importOidcProvider();

export const CLIENTS = Object.freeze({
	basic: Object.freeze({
		clientId: 'a3f1c2d4e5b60718293a4b5c6d7e8f01',
		clientSecret: 'local-basic-secret-0001',
		authMethod: 'client_secret_basic',
		applicationType: 'web',
	}),
	post: Object.freeze({
		clientId: 'b4e2d3c5f6a70819203b4c5d6e7f8012',
		clientSecret: 'local-post-secret-0002',
		authMethod: 'client_secret_post',
		applicationType: 'web',
	}),
	mobile: Object.freeze({
		clientId: 'c5f3e4d6a7b8091a213c4d5e6f708123',
		clientSecret: null,
		authMethod: 'none',
		applicationType: 'native',
	}),
	...GRANT_CLIENTS,
});

export const RESOURCE_SCOPES = Object.freeze([
	'urn:opc:resource:consumer::all',
	'urn:opc:resource:fa:instanceid=1234567urn:opc:resource:consumer::all',
	'urn:opc:resource:fusion:dev:field-service-common/use',
	'urn:opc:resource:fusion:dev:field-service-common/view',
	'urn:opc:resource:fusion:dev:field-service-common/events',
	'urn:opc:resource:fusion:dev:field-service-common/setup',
]);

export const DEFAULT_REDIRECT_URIS = Object.freeze([
	'https://field-service.example.com/plugin-auth-redirect/',
	'http://127.0.0.1:5678/rest/oauth2-credential/callback',
	'http://localhost:5678/rest/oauth2-credential/callback',
]);

export const DEFAULT_SCOPE = 'urn:opc:resource:consumer::all offline_access';
export const DEFAULT_USER = 'ofs.dispatcher';
export const DEFAULT_ACCESS_TOKEN_TTL = 3349;
export const DEFAULT_REFRESH_TOKEN_TTL = 604800;

export const PATHS = Object.freeze({
	authorization: '/oauth2/v1/authorize',
	token: '/oauth2/v1/token',
	introspection: '/oauth2/v1/introspect',
	revocation: '/oauth2/v1/revoke',
	userinfo: '/oauth2/v1/userinfo',
	end_session: '/oauth2/v1/userlogout',
	jwks: '/admin/v1/SigningCert/jwk',
});
const INTERACTION_PREFIX = '/interaction/';
const OFS_RESOURCES_PATH = `${OFS_CORE}/resources`;
const CLIENT_AUTH_PATHS = new Set([PATHS.token, PATHS.introspection, PATHS.revocation]);

// oidc-provider warns on import when Node is older than 22 LTS; it works on Node 20.
async function importOidcProvider() {
	const { warn } = console;
	console.warn = (...args) => {
		if (!String(args[0]).includes('Unsupported runtime')) warn.apply(console, args);
	};
	try {
		return (await import('oidc-provider')).default;
	} finally {
		console.warn = warn;
	}
}

const epochSeconds = () => Math.floor(Date.now() / 1000);

function positiveInteger(value, name) {
	const number = Number(value);
	if (!Number.isInteger(number) || number <= 0) {
		throw new TypeError(`${name} must be a positive integer (seconds), got ${value}`);
	}
	return number;
}

function findRegisteredClient(nameOrId) {
	return CLIENTS[nameOrId] ?? Object.values(CLIENTS).find((c) => c.clientId === nameOrId);
}

function clientMetadata(client, redirectUris) {
	const uris = client.applicationType === 'native' ? redirectUris.filter((uri) => !isHttpsLoopback(uri)) : redirectUris;
	return {
		client_id: client.clientId,
		...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
		token_endpoint_auth_method: client.authMethod,
		application_type: client.applicationType,
		grant_types: ['authorization_code', 'refresh_token'],
		response_types: ['code'],
		redirect_uris: uris,
		...grantClientMetadata(client),
	};
}

// oidc-provider refuses claimed-https redirect URIs on loopback hosts for native clients.
function isHttpsLoopback(uri) {
	const { protocol, hostname } = new URL(uri);
	return protocol === 'https:' && ['localhost', '127.0.0.1', '[::1]'].includes(hostname);
}

async function readRawBody(req) {
	const chunks = [];
	for await (const chunk of req) chunks.push(chunk);
	return Buffer.concat(chunks);
}

// Reads the body so this file's middleware can see it, then hands oidc-provider a request whose body
// can be read once more. (oidc-provider insists on reading the raw stream itself; it only accepts an
// already-parsed body with a console warning.)
async function captureBody(ctx) {
	const raw = await readRawBody(ctx.req);
	ctx.req = Object.create(ctx.request.req, {
		readable: { value: true },
		readableEncoding: { value: null },
		iterator: { value: (options) => Readable.from([raw]).iterator(options) },
	});
	return raw;
}

function parseForm(ctx, raw) {
	if (!ctx.is('application/x-www-form-urlencoded')) return {};
	return { ...querystring.parse(raw.toString('utf8')) };
}

async function readJson(ctx) {
	const raw = await readRawBody(ctx.req);
	if (raw.length === 0) return {};
	try {
		return JSON.parse(raw.toString('utf8'));
	} catch {
		const error = new Error('request body must be JSON');
		error.status = 400;
		throw error;
	}
}

// Same decoding as oidc-provider (RFC 6749 2.3.1: each part form-urlencoded before base64).
function decodeBasic(header) {
	const match = /^basic\s+(\S+)$/i.exec(header ?? '');
	if (!match) return undefined;
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon === -1) return undefined;
	const formDecode = (part) => {
		try {
			return decodeURIComponent(part.replace(/\+/g, '%20'));
		} catch {
			return part;
		}
	};
	return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
}

function sentClientAuth(headers, form) {
	const mechanisms = [];
	if (headers.authorization !== undefined) {
		mechanisms.push(/^basic\s/i.test(headers.authorization) ? 'client_secret_basic' : 'authorization_header');
	}
	if (form.client_secret !== undefined) mechanisms.push('client_secret_post');
	if (form.client_assertion !== undefined) mechanisms.push('client_assertion');
	if (mechanisms.length === 0) return form.client_id !== undefined ? 'none' : undefined;
	return mechanisms.length === 1 ? mechanisms[0] : mechanisms.join('+');
}

function authMethodViolation(client, headers, form) {
	const hasHeader = headers.authorization !== undefined;
	const hasBodySecret = form.client_secret !== undefined;
	switch (client.authMethod) {
		case 'client_secret_basic':
			return hasBodySecret
				? 'client is registered for client_secret_basic: send the secret in the Authorization header, not in the body'
				: undefined;
		case 'client_secret_post':
			return hasHeader
				? 'client is registered for client_secret_post: send client_id and client_secret in the body, not in an Authorization header'
				: undefined;
		case 'none':
			return hasHeader || hasBodySecret
				? 'client is a public client (none): send client_id only, no client_secret and no Authorization header'
				: undefined;
		default:
			return undefined;
	}
}

function escapeHtml(value) {
	return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage({ uid, clientId, scope, error }) {
	return `<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Sign In - local IDCS</title></head>
<body>
<h1>Sign In</h1>
<p>Application <code>${escapeHtml(clientId)}</code> requests <code>${escapeHtml(scope)}</code>.</p>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${INTERACTION_PREFIX}${escapeHtml(uid)}/login">
<p><label>User Name <input name="username" value="${escapeHtml(DEFAULT_USER)}" autofocus></label></p>
<p><label>Password <input type="password" name="password"></label></p>
<p><button type="submit">Sign in</button></p>
</form>
</body>
</html>
`;
}

function ofsUnauthorized(ctx, detail) {
	ctx.set('WWW-Authenticate', 'Bearer');
	problem(ctx, 401, 'Unauthorized', detail);
}

/**
 * Starts the local IDCS stand-in on 127.0.0.1.
 * @param {object} [options]
 * @param {number} [options.port=0] 0 picks a free port
 * @param {number} [options.accessTokenTtl=3349] seconds
 * @param {number} [options.refreshTokenTtl=604800] seconds
 * @param {string[]} [options.redirectUris] registered for every client in addition to DEFAULT_REDIRECT_URIS
 * @param {string[]} [options.scopes] accepted in addition to openid, offline_access and RESOURCE_SCOPES
 * @param {'classic'|'domain'|'either'} [options.assertionAudience='either'] the reading of Oracle's
 *   assertion audience enforced (see AUDIENCE_READINGS in assertions.mjs)
 * @param {number} [options.activities=3000] activities of the OFS stand-in (ofsCollections.mjs)
 * @param {number} [options.users=250] users of the OFS stand-in
 */
export async function startLocalIdcs(options = {}) {
	const config = {
		accessTokenTtl: positiveInteger(options.accessTokenTtl ?? DEFAULT_ACCESS_TOKEN_TTL, 'accessTokenTtl'),
		refreshTokenTtl: positiveInteger(options.refreshTokenTtl ?? DEFAULT_REFRESH_TOKEN_TTL, 'refreshTokenTtl'),
		ofsUnavailable: 0,
		// The next N OFS API calls answer 429 with Retry-After ofsRetryAfter (seconds; none when 0).
		ofsTooManyRequests: 0,
		ofsRetryAfter: 1,
		// The next N OFS API calls answer 401, whatever token they carry.
		ofsUnauthorized: 0,
	};
	const redirectUris = [...new Set([...DEFAULT_REDIRECT_URIS, ...(options.redirectUris ?? [])])];
	const scopes = [...new Set(['openid', 'offline_access', ...RESOURCE_SCOPES, ...(options.scopes ?? [])])];
	const requestLog = [];
	const apiCounters = { total: 0, ok: 0, unauthorized: 0, tooManyRequests: 0 };
	// Every OFS API request: method, path, query, status, and which access token it carried (numbered in the
	// order the log, since it was last cleared, first saw them).
	const apiLog = [];
	const tokenNumbers = new Map();
	// Every access token the OFS API accepted, for a revocation.
	const acceptedAccessTokens = new Set();
	// Access tokens the OFS API refuses although they have not expired (POST /__admin/ofs/revoke-tokens).
	const revokedAccessTokens = new Set();
	const collections = createOfsCollections({
		activities: options.activities,
		users: options.users,
		readJson,
	});
	let sequence = 0;

	const server = http.createServer();
	// Idle connections are for the client to close. With Node's 5 s default the server closes a socket
	// a client may be reusing just then (under load, a test's fetch fails with "other side closed");
	// every client here (undici, n8n's agents) lets an idle socket go well before a minute.
	server.keepAliveTimeout = 65_000;
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port } = server.address();
	const issuer = `http://127.0.0.1:${port}`;

	const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
	const provider = new Provider(issuer, {
		adapter: memoryAdapterFactory(createMemoryStore()),
		jwks: { keys: [{ ...signingKey, kid: 'local-idcs-signing', use: 'sig', alg: 'RS256' }] },
		clients: Object.values(CLIENTS).map((client) => clientMetadata(client, redirectUris)),
		scopes,
		routes: PATHS,
		responseTypes: ['code'],
		// Default 15 s would keep expired access tokens usable; tests use TTLs of a few seconds.
		clockTolerance: 0,
		cookies: { keys: [randomBytes(32).toString('base64url')] },
		features: {
			devInteractions: { enabled: false },
			introspection: { enabled: true, allowedPolicy: async (ctx, client, token) => token.clientId === client.clientId },
			revocation: { enabled: true, allowedPolicy: async (ctx, client, token) => token.clientId === client.clientId },
			...grantConfiguration.features,
		},
		clientAuthSigningAlgValues: grantConfiguration.clientAuthSigningAlgValues,
		assertJwtClientAuthClaimsAndHeader: grantConfiguration.assertJwtClientAuthClaimsAndHeader,
		interactions: { url: (ctx, interaction) => `${INTERACTION_PREFIX}${interaction.uid}` },
		findAccount: async (ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
		issueRefreshToken: async (ctx, client, code) =>
			client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
		rotateRefreshToken: true,
		pkce: { required: () => false },
		clientBasedCORS: () => false,
		renderError: async (ctx, out) => {
			ctx.type = 'html';
			ctx.body = `<!DOCTYPE html><html><body><h1>Error</h1>${Object.entries(out)
				.map(([key, value]) => `<p><b>${escapeHtml(key)}</b>: ${escapeHtml(value)}</p>`)
				.join('')}</body></html>`;
		},
		ttl: {
			AccessToken: () => config.accessTokenTtl,
			ClientCredentials: () => config.accessTokenTtl,
			RefreshToken: () => config.refreshTokenTtl,
			AuthorizationCode: 60,
			IdToken: 3600,
			Interaction: 3600,
			Session: 86400,
			Grant: () => Math.max(365 * 86400, config.refreshTokenTtl),
		},
	});

	async function grantFor(accountId, clientId, scope, existingGrantId) {
		const grant =
			(existingGrantId && (await provider.Grant.find(existingGrantId))) || new provider.Grant({ accountId, clientId });
		if (scope) grant.addOIDCScope(scope);
		return grant.save();
	}

	async function revokeGrant(grantId) {
		await Promise.all([
			provider.AccessToken.adapter.revokeByGrantId(grantId),
			provider.RefreshToken.adapter.revokeByGrantId(grantId),
			provider.AuthorizationCode.adapter.revokeByGrantId(grantId),
			provider.Grant.adapter.destroy(grantId),
		]);
	}

	async function mintRefreshToken({ client = 'basic', scope = DEFAULT_SCOPE, accountId = DEFAULT_USER } = {}) {
		const registered = findRegisteredClient(client);
		if (!registered) throw Object.assign(new Error(`unknown client ${client}`), { status: 400 });
		const unknown = scope.split(' ').filter((s) => !scopes.includes(s));
		if (unknown.length) throw Object.assign(new Error(`unknown scope ${unknown.join(' ')}`), { status: 400 });

		const grantId = await grantFor(accountId, registered.clientId, scope);
		const refreshToken = new provider.RefreshToken({
			accountId,
			client: await provider.Client.find(registered.clientId),
			grantId,
			scope,
			gty: 'authorization_code',
			authTime: epochSeconds(),
			expiresWithSession: false,
			rotations: 0,
		});
		return {
			refresh_token: await refreshToken.save(),
			client_id: registered.clientId,
			scope,
			expires_in: config.refreshTokenTtl,
		};
	}

	async function revokeRefreshToken(value) {
		const token = await provider.RefreshToken.find(value, { ignoreExpiration: true });
		if (!token) return { revoked: false };
		await token.destroy();
		await revokeGrant(token.grantId);
		return { revoked: true, grant_id: token.grantId };
	}

	function setConfig(changes = {}) {
		if (changes.accessTokenTtl !== undefined)
			config.accessTokenTtl = positiveInteger(changes.accessTokenTtl, 'accessTokenTtl');
		if (changes.refreshTokenTtl !== undefined)
			config.refreshTokenTtl = positiveInteger(changes.refreshTokenTtl, 'refreshTokenTtl');
		if (changes.ofsUnavailable !== undefined) config.ofsUnavailable = Math.max(0, Number(changes.ofsUnavailable) || 0);
		if (changes.ofsTooManyRequests !== undefined)
			config.ofsTooManyRequests = Math.max(0, Number(changes.ofsTooManyRequests) || 0);
		if (changes.ofsRetryAfter !== undefined) config.ofsRetryAfter = Math.max(0, Number(changes.ofsRetryAfter) || 0);
		if (changes.ofsUnauthorized !== undefined)
			config.ofsUnauthorized = Math.max(0, Number(changes.ofsUnauthorized) || 0);
		collections.setConfig(changes.ofs ?? {});
		return { ...config, ofs: collections.config() };
	}

	function stats() {
		const token = { total: 0, byGrantType: {}, byOutcome: {}, byGrantTypeAndOutcome: {} };
		let authorize = 0;
		for (const entry of requestLog) {
			if (entry.endpoint !== 'token') {
				if (entry.endpoint === 'authorize') authorize += 1;
				continue;
			}
			const grantType = entry.grantType ?? '(none)';
			const outcome = entry.outcome;
			token.total += 1;
			token.byGrantType[grantType] = (token.byGrantType[grantType] ?? 0) + 1;
			token.byOutcome[outcome] = (token.byOutcome[outcome] ?? 0) + 1;
			token.byGrantTypeAndOutcome[grantType] ??= {};
			token.byGrantTypeAndOutcome[grantType][outcome] = (token.byGrantTypeAndOutcome[grantType][outcome] ?? 0) + 1;
		}
		return { token, authorize: { total: authorize }, api: { ...apiCounters, ...collections.counters() } };
	}

	function clearRequests() {
		const cleared = requestLog.length;
		requestLog.length = 0;
		Object.assign(apiCounters, { total: 0, ok: 0, unauthorized: 0, tooManyRequests: 0 });
		apiLog.length = 0;
		tokenNumbers.clear();
		return { cleared };
	}

	// --- Koa middleware, in the order they run before oidc-provider's own routes ---

	async function adminRoutes(ctx, next) {
		if (!ctx.path.startsWith('/__admin/')) return next();
		const route = `${ctx.method} ${ctx.path}`;
		try {
			switch (route) {
				case 'GET /__admin/requests': {
					const { endpoint } = ctx.query;
					ctx.body = endpoint ? requestLog.filter((e) => e.endpoint === endpoint) : requestLog;
					break;
				}
				case 'POST /__admin/requests/clear':
					ctx.body = clearRequests();
					break;
				case 'GET /__admin/stats':
					ctx.body = stats();
					break;
				case 'POST /__admin/refresh-tokens':
					ctx.body = await mintRefreshToken(await readJson(ctx));
					break;
				case 'POST /__admin/revoke': {
					const { refresh_token: value } = await readJson(ctx);
					const result = await revokeRefreshToken(value);
					ctx.status = result.revoked ? 200 : 404;
					ctx.body = result;
					break;
				}
				case 'GET /__admin/ofs/requests':
					ctx.body = apiLog;
					break;
				case 'POST /__admin/ofs/revoke-tokens':
					ctx.body = { revoked: revokeAccessTokens() };
					break;
				case 'GET /__admin/config':
					ctx.body = { ...config, ofs: collections.config() };
					break;
				case 'POST /__admin/config':
					ctx.body = setConfig(await readJson(ctx));
					break;
				default:
					ctx.status = 404;
					ctx.body = { error: 'not_found', error_description: `no admin route ${route}` };
			}
		} catch (error) {
			ctx.status = error.status ?? (error instanceof TypeError ? 400 : 500);
			ctx.body = { error: 'admin_error', error_description: error.message };
		}
	}

	/** Every access token the OFS API has accepted so far is refused from now on, as after a revocation. */
	function revokeAccessTokens() {
		const before = revokedAccessTokens.size;
		for (const token of acceptedAccessTokens) revokedAccessTokens.add(token);
		return revokedAccessTokens.size - before;
	}

	async function ofsApi(ctx, next) {
		if (!ctx.path.startsWith('/rest/')) return next();
		const entry = { method: ctx.method, path: ctx.path, query: { ...ctx.query }, time: new Date().toISOString() };
		apiLog.push(entry);
		try {
			await answerOfs(ctx);
		} finally {
			entry.status = ctx.status;
		}
	}

	async function answerOfs(ctx) {
		apiCounters.total += 1;
		if (config.ofsUnavailable > 0) {
			// An outage set through the admin config: the next calls fail whatever token they carry.
			config.ofsUnavailable -= 1;
			problem(ctx, 503, 'Service Unavailable', 'Field Service is not available (stand-in outage).');
			return;
		}
		if (config.ofsTooManyRequests > 0) {
			config.ofsTooManyRequests -= 1;
			apiCounters.tooManyRequests += 1;
			if (config.ofsRetryAfter) ctx.set('Retry-After', String(config.ofsRetryAfter));
			problem(ctx, 429, 'Too Many Requests', 'Too many requests (stand-in throttling).');
			return;
		}
		const authorization = ctx.get('authorization');
		const match = /^Bearer\s+(\S+)$/i.exec(authorization);
		const token =
			match && ((await provider.AccessToken.find(match[1])) ?? (await provider.ClientCredentials.find(match[1])));
		const revoked = match && revokedAccessTokens.has(match[1]);
		if (config.ofsUnauthorized > 0) {
			config.ofsUnauthorized -= 1;
			apiCounters.unauthorized += 1;
			ofsUnauthorized(ctx, 'The access token is not accepted (stand-in).');
			return;
		}
		if (revoked || ((!token || token.isExpired) && !fieldService.accepts(authorization, ctx.path))) {
			apiCounters.unauthorized += 1;
			ofsUnauthorized(
				ctx,
				revoked
					? 'The access token has been revoked.'
					: match
						? 'The access token is invalid or has expired.'
						: 'No bearer access token.',
			);
			return;
		}
		if (match) {
			acceptedAccessTokens.add(match[1]);
			if (!tokenNumbers.has(match[1])) tokenNumbers.set(match[1], tokenNumbers.size + 1);
			apiLog.at(-1).token = tokenNumbers.get(match[1]);
		} else apiLog.at(-1).token = 'basic';
		if (!(await collections.handle(ctx, issuer))) {
			problem(ctx, 404, 'Not Found', `${ctx.method} ${ctx.path} is not part of this stand-in`);
			return;
		}
		if (ctx.status < 400) apiCounters.ok += 1;
	}

	async function interactions(ctx, next) {
		if (!ctx.path.startsWith(INTERACTION_PREFIX)) return next();
		try {
			const details = await provider.interactionDetails(ctx.req, ctx.res);
			const { uid, prompt, params, session } = details;
			const isLoginPost = ctx.method === 'POST' && ctx.path === `${INTERACTION_PREFIX}${uid}/login`;

			if (prompt.name === 'login' && !isLoginPost) {
				ctx.type = 'html';
				ctx.body = loginPage({ uid, clientId: params.client_id, scope: params.scope });
				return;
			}

			let result;
			if (isLoginPost) {
				const form = querystring.parse((await readRawBody(ctx.req)).toString('utf8'));
				const username = String(form.username ?? '').trim();
				if (!username) {
					ctx.status = 400;
					ctx.type = 'html';
					ctx.body = loginPage({ uid, clientId: params.client_id, scope: params.scope, error: 'Enter a user name.' });
					return;
				}
				// Consent is granted together with the login: every requested scope, no consent page.
				const grantId = await grantFor(username, params.client_id, params.scope, details.grantId);
				result = { login: { accountId: username }, consent: { grantId } };
			} else if (prompt.name === 'consent') {
				const grantId = await grantFor(session.accountId, params.client_id, params.scope, details.grantId);
				result = { consent: { grantId } };
			} else {
				result = {};
			}
			const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: true });
			ctx.status = 303;
			ctx.redirect(returnTo);
		} catch (error) {
			ctx.status = error.statusCode ?? 400;
			ctx.type = 'html';
			ctx.body = `<!DOCTYPE html><html><body><h1>Sign-in error</h1><p>${escapeHtml(error.error_description ?? error.message)}</p></body></html>`;
		}
	}

	async function requestLogger(ctx, next) {
		const endpoint =
			{ [PATHS.token]: 'token', [PATHS.authorization]: 'authorize' }[ctx.path] ??
			(ctx.path.startsWith(`${PATHS.authorization}/`) ? 'authorize_resume' : undefined);
		if (!endpoint) return next();

		const entry = {
			id: ++sequence,
			time: new Date().toISOString(),
			endpoint,
			method: ctx.method,
			path: ctx.path,
			query: { ...ctx.query },
			headers: Object.fromEntries(Object.entries(ctx.headers).map(([k, v]) => [k.toLowerCase(), v])),
			body: null,
		};
		try {
			await next();
		} finally {
			entry.body = ctx.state.form ?? null;
			entry.status = ctx.status;
			if (endpoint === 'token') {
				const form = entry.body ?? {};
				const basic = decodeBasic(ctx.headers.authorization);
				entry.grantType = form.grant_type;
				entry.clientId = basic?.clientId ?? form.client_id ?? assertionClientId(form);
				entry.clientAuth = sentClientAuth(ctx.headers, form);
				entry.response = ctx.body && typeof ctx.body === 'object' ? { ...ctx.body } : null;
				entry.error = entry.response?.error;
				entry.errorDescription = entry.response?.error_description;
			} else {
				entry.location = ctx.response.get('location') || undefined;
				if (entry.location) {
					const redirect = new URL(entry.location, issuer);
					entry.error = redirect.searchParams.get('error') ?? undefined;
					entry.errorDescription = redirect.searchParams.get('error_description') ?? undefined;
				}
			}
			entry.outcome = ctx.status < 400 && !entry.error ? 'ok' : (entry.error ?? `http_${ctx.status}`);
			// Ids count arrivals: a request whose id is at least this arrived after this answer was sent.
			entry.nextIdWhenAnswered = sequence + 1;
			requestLog.push(entry);
		}
	}

	async function formCapture(ctx, next) {
		if (ctx.method === 'POST' && CLIENT_AUTH_PATHS.has(ctx.path)) {
			const raw = await captureBody(ctx);
			ctx.state.form = parseForm(ctx, raw);
		}
		return next();
	}

	// oidc-provider takes Basic and body secrets interchangeably; IDCS apps are stricter, so this is too.
	async function enforceClientAuthMethod(ctx, next) {
		if (ctx.method !== 'POST' || !CLIENT_AUTH_PATHS.has(ctx.path)) return next();
		const form = ctx.state.form ?? {};
		const clientId = decodeBasic(ctx.headers.authorization)?.clientId ?? form.client_id;
		const client = Object.values(CLIENTS).find((c) => c.clientId === clientId);
		const violation = client && authMethodViolation(client, ctx.headers, form);
		if (!violation) return next();

		ctx.status = 401;
		ctx.set('Cache-Control', 'no-store');
		if (ctx.headers.authorization !== undefined) {
			ctx.set('WWW-Authenticate', `Basic realm="${issuer}", error="invalid_client"`);
		}
		ctx.body = { error: 'invalid_client', error_description: violation };
	}

	// oidc-provider drops offline_access from an authorization request unless prompt=consent is present;
	// IDCS issues a refresh token for offline_access alone, so consent is requested on the caller's behalf.
	// The request log keeps the query as it was sent.
	async function offlineAccessWithoutPrompt(ctx, next) {
		if (ctx.path !== PATHS.authorization || ctx.method !== 'GET') return next();
		const { scope, prompt } = ctx.query;
		const prompts = typeof prompt === 'string' ? prompt.split(' ').filter(Boolean) : [];
		if (
			typeof scope === 'string' &&
			scope.split(' ').includes('offline_access') &&
			!prompts.includes('consent') &&
			!prompts.includes('none')
		) {
			ctx.query = { ...ctx.query, prompt: [...prompts, 'consent'].join(' ') };
		}
		return next();
	}

	await installGrants(provider, { assertionAudience: options.assertionAudience });
	const fieldService = createFieldService({ accessTokenTtl: () => config.accessTokenTtl });
	provider.use(fieldService.routes);
	provider.use(grantAdminRoutes);
	provider.use(adminRoutes);
	provider.use(ofsApi);
	provider.use(interactions);
	provider.use(requestLogger);
	provider.use(formCapture);
	provider.use(enforceClientAuthMethod);
	provider.use(
		allowedGrantsOnly(PATHS.token, (ctx) =>
			findRegisteredClient(
				decodeBasic(ctx.headers.authorization)?.clientId ??
					ctx.state.form?.client_id ??
					assertionClientId(ctx.state.form) ??
					'',
			),
		),
	);
	provider.use(offlineAccessWithoutPrompt);

	server.on('request', provider.callback());

	let closing;
	function close() {
		closing ??= new Promise((resolve, reject) => {
			server.close((error) => (error ? reject(error) : resolve()));
			server.closeAllConnections();
		});
		return closing;
	}

	function authorizeUrl({
		client = 'basic',
		scope = DEFAULT_SCOPE,
		redirectUri = DEFAULT_REDIRECT_URIS[0],
		state,
		codeChallenge,
	} = {}) {
		const registered = findRegisteredClient(client);
		const url = new URL(PATHS.authorization, issuer);
		url.searchParams.set('response_type', 'code');
		url.searchParams.set('client_id', registered?.clientId ?? client);
		url.searchParams.set('redirect_uri', redirectUri);
		url.searchParams.set('scope', scope);
		if (state) url.searchParams.set('state', state);
		if (codeChallenge) {
			url.searchParams.set('code_challenge', codeChallenge);
			url.searchParams.set('code_challenge_method', 'S256');
		}
		return url.href;
	}

	return {
		issuer,
		port,
		clients: CLIENTS,
		scopes: [...scopes],
		redirectUris: [...redirectUris],
		tokenUrl: `${issuer}${PATHS.token}`,
		authorizationUrl: `${issuer}${PATHS.authorization}`,
		ofsResourcesUrl: `${issuer}${OFS_RESOURCES_PATH}`,
		ofsRequests: () => [...apiLog],
		revokeAccessTokens,
		provider,
		authorizeUrl,
		requests: () => [...requestLog],
		clearRequests,
		stats,
		mintRefreshToken,
		revokeRefreshToken,
		config: () => ({ ...config }),
		setConfig,
		close,
	};
}

async function main() {
	const { values } = parseArgs({
		options: {
			port: { type: 'string', default: '0' },
			'access-token-ttl': { type: 'string' },
			'refresh-token-ttl': { type: 'string' },
			'redirect-uri': { type: 'string', multiple: true, default: [] },
			scope: { type: 'string', multiple: true, default: [] },
			'assertion-audience': { type: 'string', default: 'either' },
			activities: { type: 'string' },
		},
	});
	// stdout carries only the ready line; oidc-provider's notices use console.info.
	console.log = console.error;
	console.info = console.error;

	const idcs = await startLocalIdcs({
		port: Number(values.port),
		accessTokenTtl: values['access-token-ttl'],
		refreshTokenTtl: values['refresh-token-ttl'],
		redirectUris: values['redirect-uri'],
		scopes: values.scope,
		assertionAudience: values['assertion-audience'],
		activities: values.activities === undefined ? undefined : Number(values.activities),
	});
	process.stdout.write(
		`${JSON.stringify({ ready: true, issuer: idcs.issuer, port: idcs.port, clients: idcs.clients })}\n`,
	);

	const shutdown = async () => {
		await idcs.close();
		process.exit(0);
	};
	process.once('SIGINT', shutdown);
	process.once('SIGTERM', shutdown);
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
	main().catch((error) => {
		console.error(error);
		process.exit(1);
	});
}
