import type { ClientAuthentication } from './clientAuthentication';
import type { HttpRequest } from './http';
import type { StatelessGrant } from './statelessGrant';
import { checkEndpointUrl } from './tokenEndpoint';
import { DEFAULT_TIMEOUT_MS, checkTimeout, tokenRequest } from './tokenRequest';

export interface ClientCredentialsGrant {
	tokenEndpoint: string;
	/** The resource scope the token is for, e.g. urn:opc:resource:consumer::all. */
	scope: string;
	clientAuthentication: ClientAuthentication;
	timeoutMs?: number;
}

/** `grant_type=client_credentials` (RFC 6749 4.4): the application acts as itself, no user, no refresh token. */
export function clientCredentialsGrantRequest(grant: ClientCredentialsGrant): HttpRequest {
	return tokenRequest(
		grant.tokenEndpoint,
		{ grant_type: 'client_credentials', scope: grant.scope.trim() },
		grant.clientAuthentication,
		grant.timeoutMs,
	);
}

const CLIENT_CREDENTIALS_ERRORS: StatelessGrant['errors'] = {
	unauthorized_client: {
		message: 'The IDCS application is not allowed to use the client credentials grant',
		hint: 'In the IDCS console, open the application (Integrated applications > your application > OAuth configuration > Client configuration), tick Client credentials under Allowed grant types, save and activate it.',
	},
	invalid_client: {
		message: 'IDCS did not accept the client credentials',
		hint: 'Check the client ID and secret in the credential. The client credentials grant needs a Confidential Application; check also the Client Authentication choice.',
	},
	invalid_scope: {
		message: 'IDCS did not grant the requested scope to this application',
		hint: "Check the scope, then in the IDCS console add that resource to the application: OAuth configuration > Token issuance policy > Resources > Add scope (the Field Service or Fusion application's scope).",
	},
};

/** The client credentials grant as a reusable, stateless token request. */
export function clientCredentialsGrant(grant: ClientCredentialsGrant): StatelessGrant {
	const tokenEndpoint = checkEndpointUrl(grant.tokenEndpoint).href;
	checkTimeout(grant.timeoutMs ?? DEFAULT_TIMEOUT_MS);
	return {
		grantType: 'client_credentials',
		tokenEndpoint,
		clientAuthentication: grant.clientAuthentication,
		subject: '',
		scope: grant.scope.trim(),
		request: () => clientCredentialsGrantRequest(grant),
		errors: CLIENT_CREDENTIALS_ERRORS,
	};
}
