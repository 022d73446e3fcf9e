// The local IDCS's grants beyond the authorization code and refresh token, and client assertions:
// the clients that use them, and what oidc-provider needs to serve them as IDCS does. Hooked into
// server.mjs.
import { AssertionError, acceptedAudiences, checkClaims, checkSignature, decodeJwt } from './assertions.mjs';
import { makeSigningKey } from './signingKeys.mjs';

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** The identity domain's users a user assertion may name. */
export const IDCS_USERS = Object.freeze(['ofs.dispatcher', 'ofs.technician', 'fs.integration']);

/** Confidential applications with the Client Credentials grant allowed (and no browser sign-in). */
export const GRANT_CLIENTS = Object.freeze({
	service: Object.freeze({
		clientId: 'd6a4f5e7b8c9102b324d5e6f70819234',
		clientSecret: 'local-service-secret-0004',
		authMethod: 'client_secret_basic',
		applicationType: 'web',
		grantTypes: Object.freeze(['client_credentials', JWT_BEARER]),
		certificateAlias: 'n8n-service-app',
	}),
	servicePost: Object.freeze({
		clientId: 'e7b5a6f8c9d0213c435e6f7081920345',
		clientSecret: 'local-service-post-secret-0005',
		authMethod: 'client_secret_post',
		applicationType: 'web',
		grantTypes: Object.freeze(['client_credentials', JWT_BEARER]),
		certificateAlias: 'n8n-service-post-app',
	}),
	// A trusted client that proves itself with a signed JWT instead of a secret.
	signed: Object.freeze({
		clientId: 'f8c6b7a9d0e1324d546f708192a3b456',
		clientSecret: null,
		authMethod: 'private_key_jwt',
		applicationType: 'web',
		grantTypes: Object.freeze(['authorization_code', 'refresh_token', 'client_credentials', JWT_BEARER]),
		certificateAlias: 'n8n-signed-app',
	}),
	// The same, for tests of the server's own checks, so that their requests stand apart.
	signedCheck: Object.freeze({
		clientId: '09d7c8b0e1f2435e657081920a3b4c56',
		clientSecret: null,
		authMethod: 'private_key_jwt',
		applicationType: 'web',
		grantTypes: Object.freeze(['client_credentials']),
		certificateAlias: 'n8n-signed-check-app',
	}),
});

/** Each client's uploaded certificates, by client ID; the private keys are for tests (admin route). */
const SIGNING_KEYS = new Map(
	Object.values(GRANT_CLIENTS)
		.filter((client) => client.certificateAlias)
		.map((client) => [client.clientId, [makeSigningKey(client.certificateAlias)]]),
);

/** Client metadata for oidc-provider beyond the defaults of server.mjs (which allow the code flow). */
export function grantClientMetadata(client) {
	if (!client.grantTypes) return {};
	const browser = client.grantTypes.includes('authorization_code');
	const keys = SIGNING_KEYS.get(client.clientId);
	return {
		grant_types: [...client.grantTypes],
		...(browser ? {} : { response_types: [], redirect_uris: [] }),
		...(keys ? { jwks: { keys: keys.map((key) => key.jwk) } } : {}),
	};
}

/**
 * IDCS's checks of a client assertion beyond oidc-provider's own (which found the client by sub and
 * verified iss = sub, exp, jti replay and a signature by some registered key): the certificate named
 * by kid or x5t and its signature, a short life.
 */
async function checkClientAssertion(ctx, claims, header, client) {
	try {
		checkSignature(decodeJwt(ctx.oidc.params.client_assertion), SIGNING_KEYS.get(client.clientId) ?? []);
		checkClaims(claims, ctx.oidc.clientJwtAuthExpectedAudience());
	} catch (error) {
		if (error instanceof AssertionError) throw new errors.InvalidClientAuth(error.message);
		throw error;
	}
}

/** oidc-provider configuration for these grants and client assertions. */
export const grantConfiguration = Object.freeze({
	features: { clientCredentials: { enabled: true } },
	clientAuthSigningAlgValues: ['RS256'],
	assertJwtClientAuthClaimsAndHeader: checkClientAssertion,
});

let errors;

/**
 * The user assertion grant (RFC 7523 2.1) as IDCS serves it: the application, authenticated as for
 * any grant, presents a JWT it signed naming a user; the token acts for that user.
 */
async function userAssertionGrant(ctx) {
	const { provider, client, params } = ctx.oidc;
	const refuse = (detail) => new errors.InvalidGrant(detail);
	let jwt;
	try {
		jwt = decodeJwt(params.assertion);
		checkSignature(jwt, SIGNING_KEYS.get(client.clientId) ?? []);
		checkClaims(jwt.payload, ctx.oidc.clientJwtAuthExpectedAudience());
	} catch (error) {
		if (error instanceof AssertionError) throw refuse(error.message);
		throw error;
	}
	const { iss, sub, jti, exp } = jwt.payload;
	if (iss !== client.clientId) throw refuse('iss must be the client ID');
	if (typeof sub !== 'string' || !IDCS_USERS.includes(sub)) throw refuse(`no active user ${sub} in this domain`);
	if (!(await provider.ReplayDetection.unique(iss, jti, exp))) throw refuse('the assertion was already used');

	const scope = params.scope ?? undefined;
	const grant = new provider.Grant({ accountId: sub, clientId: client.clientId });
	if (scope) grant.addOIDCScope(scope);
	const token = new provider.AccessToken({
		accountId: sub,
		client,
		grantId: await grant.save(),
		gty: 'jwt_bearer',
		scope,
	});
	ctx.body = { access_token: await token.save(), token_type: 'Bearer', expires_in: token.expiration, scope };
}

/**
 * What oidc-provider cannot be configured for: IDCS's audience for client and user assertions, in the
 * reading `assertionAudience` names (see AUDIENCE_READINGS), and the user assertion grant.
 */
export async function installGrants(provider, { assertionAudience = 'either' } = {}) {
	const accepted = acceptedAudiences(assertionAudience, provider.issuer);
	// Imported here, after server.mjs, whose import keeps oidc-provider's Node version notice quiet.
	({ errors } = await import('oidc-provider'));
	provider.registerGrantType(JWT_BEARER, userAssertionGrant, ['assertion', 'scope']);
	provider.OIDCContext.prototype.clientJwtAuthExpectedAudience = () => accepted;
	// oidc-provider keeps the reason for a refused assertion to itself; say it, so that tests can tell
	// an expired assertion from a replayed one or a wrong key.
	provider.on('grant.error', (ctx, error) => {
		const body = ctx.body;
		if (!error.error_detail || !body || typeof body !== 'object' || body.error !== error.error) return;
		if (typeof ctx.oidc?.params?.client_assertion !== 'string' && typeof ctx.oidc?.params?.assertion !== 'string')
			return;
		ctx.body = { ...body, error_description: `${body.error_description}: ${error.error_detail}` };
	});
}

/** The client a client assertion names (its iss), for the request log; undefined without one. */
export function assertionClientId(form) {
	if (typeof form?.client_assertion !== 'string') return undefined;
	try {
		const { payload } = decodeJwt(form.client_assertion);
		return typeof payload.iss === 'string' ? payload.iss : undefined;
	} catch {
		return undefined;
	}
}

/** Test-only: the applications' keys, as an integrator holds them. */
export async function grantAdminRoutes(ctx, next) {
	if (ctx.method !== 'GET' || ctx.path !== '/__admin/signing-keys') return next();
	ctx.body = Object.fromEntries(
		Object.entries(GRANT_CLIENTS)
			.filter(([, client]) => SIGNING_KEYS.has(client.clientId))
			.map(([name, client]) => [
				name,
				SIGNING_KEYS.get(client.clientId).map(({ alias, privateKey, certificate, x5t }) => ({
					alias,
					privateKey,
					certificate,
					x5t,
				})),
			]),
	);
}

const CODE_FLOW_GRANTS = Object.freeze(['authorization_code', 'refresh_token']);

/**
 * IDCS answers a grant the application does not allow with unauthorized_client (oidc-provider says
 * invalid_request). `clientOf(ctx)` finds the registered client the request names, if any.
 */
export function allowedGrantsOnly(tokenPath, clientOf) {
	return async function allowedGrants(ctx, next) {
		if (ctx.method !== 'POST' || ctx.path !== tokenPath) return next();
		const client = clientOf(ctx);
		const grantType = ctx.state.form?.grant_type;
		if (!client || typeof grantType !== 'string' || (client.grantTypes ?? CODE_FLOW_GRANTS).includes(grantType)) {
			return next();
		}
		ctx.status = 400;
		ctx.set('Cache-Control', 'no-store');
		ctx.body = {
			error: 'unauthorized_client',
			error_description: `Client is not allowed to use grant type ${grantType}`,
		};
	};
}
