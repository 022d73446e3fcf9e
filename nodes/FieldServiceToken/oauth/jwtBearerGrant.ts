import type { ClientAuthentication } from './clientAuthentication';
import { OAuthError } from './errors';
import type { HttpRequest } from './http';
import { assertionClaims, idcsAssertionAudience, type SigningKey } from './jwtAssertion';
import type { StatelessGrant } from './statelessGrant';
import { checkEndpointUrl } from './tokenEndpoint';
import { DEFAULT_TIMEOUT_MS, checkTimeout, tokenRequest } from './tokenRequest';

export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface UserAssertionGrant {
	tokenEndpoint: string;
	/** The IDCS user name the token acts for: the assertion's `sub`. */
	userName: string;
	scope: string;
	/** The application's key, whose certificate is uploaded to it: signs the user assertion. */
	signingKey: SigningKey;
	clientAuthentication: ClientAuthentication;
	/** The tenant's own `aud` values; empty: both of Oracle's readings (see idcsAssertionAudience). */
	audience?: readonly string[];
	timeoutMs?: number;
	now?: () => number;
}

/**
 * `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` (RFC 7523 2.1) with a user assertion
 * signed by the application: `iss` = client ID, `sub` = the user, `aud` = IDCS (see
 * idcsAssertionAudience). Signed anew for each request.
 */
export function jwtBearerGrantRequest(grant: UserAssertionGrant): HttpRequest {
	const assertion = grant.signingKey.sign(
		assertionClaims({
			issuer: grant.clientAuthentication.clientId,
			subject: grant.userName.trim(),
			audience: idcsAssertionAudience(grant.tokenEndpoint, grant.audience),
			now: grant.now?.(),
		}),
	);
	return tokenRequest(
		grant.tokenEndpoint,
		{ grant_type: JWT_BEARER_GRANT_TYPE, assertion, scope: grant.scope.trim() },
		grant.clientAuthentication,
		grant.timeoutMs,
	);
}

const USER_ASSERTION_ERRORS: StatelessGrant['errors'] = {
	invalid_grant: {
		message: 'IDCS did not accept the user assertion',
		hint: "Check that the user name is an active user of the identity domain, that the certificate of the Private Key is uploaded to the application (client type Trusted) under the Key ID's alias, that n8n's clock is right (the assertion is valid for 5 minutes), and that the tenant accepts the audience: the assertion's aud is https://identity.oraclecloud.com/ and the identity domain URL unless the credential's Assertion Audience says otherwise.",
	},
	unauthorized_client: {
		message: 'The IDCS application is not allowed to use the JWT assertion grant',
		hint: 'In the IDCS console, open the application (Integrated applications > your application > OAuth configuration > Client configuration), tick JWT assertion under Allowed grant types, save and activate it.',
	},
	invalid_scope: {
		message: 'IDCS did not grant the requested scope to this application',
		hint: "Check the scope, then in the IDCS console add that resource to the application: OAuth configuration > Resources > Add scope (the Field Service or Fusion application's scope).",
	},
};

/** The user assertion grant as a reusable, stateless token request: a token per user and scope. */
export function userAssertionGrant(grant: UserAssertionGrant): StatelessGrant {
	const tokenEndpoint = checkEndpointUrl(grant.tokenEndpoint).href;
	checkTimeout(grant.timeoutMs ?? DEFAULT_TIMEOUT_MS);
	const userName = grant.userName.trim();
	if (!userName) {
		throw new OAuthError(
			'invalid_input',
			'The user name is empty',
			'Map the IDCS user name the token should act for into User Name (for an OFS user: the user name in the identity domain).',
		);
	}
	return {
		grantType: JWT_BEARER_GRANT_TYPE,
		tokenEndpoint,
		clientAuthentication: grant.clientAuthentication,
		subject: userName,
		assertionKey: grant.signingKey.material,
		scope: grant.scope.trim(),
		request: () => jwtBearerGrantRequest({ ...grant, userName }),
		errors: USER_ASSERTION_ERRORS,
	};
}
