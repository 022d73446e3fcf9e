// The local IDCS's grants beyond the authorization code and refresh token: the clients that use
// them, and what oidc-provider needs to serve them as IDCS does. Hooked into server.mjs.

/** Confidential applications with the Client Credentials grant allowed (and no browser sign-in). */
export const GRANT_CLIENTS = Object.freeze({
	service: Object.freeze({
		clientId: 'd6a4f5e7b8c9102b324d5e6f70819234',
		clientSecret: 'local-service-secret-0004',
		authMethod: 'client_secret_basic',
		applicationType: 'web',
		grantTypes: Object.freeze(['client_credentials']),
	}),
	servicePost: Object.freeze({
		clientId: 'e7b5a6f8c9d0213c435e6f7081920345',
		clientSecret: 'local-service-post-secret-0005',
		authMethod: 'client_secret_post',
		applicationType: 'web',
		grantTypes: Object.freeze(['client_credentials']),
	}),
});

/** Client metadata for oidc-provider beyond the defaults of server.mjs (which allow the code flow). */
export function grantClientMetadata(client) {
	if (!client.grantTypes) return {};
	const browser = client.grantTypes.includes('authorization_code');
	return {
		grant_types: [...client.grantTypes],
		...(browser ? {} : { response_types: [], redirect_uris: [] }),
	};
}

/** oidc-provider's features for these grants. */
export const grantFeatures = Object.freeze({
	clientCredentials: { enabled: true },
});

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
