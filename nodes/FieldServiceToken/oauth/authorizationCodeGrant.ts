import type { ClientAuthentication } from './clientAuthentication';
import { OAuthError } from './errors';
import type { HttpRequest, HttpTransport, Sleep } from './http';
import { sendTokenRequest } from './sendTokenRequest';
import { NOT_A_VALUE, tokenRequest } from './tokenRequest';
import type { TokenSet } from './tokenResponse';

export interface AuthorizationCodeGrant {
	tokenEndpoint: string;
	code: string;
	redirectUri: string;
	/** The PKCE verifier, when the authorization request carried a challenge. */
	codeVerifier?: string;
	clientAuthentication: ClientAuthentication;
	timeoutMs?: number;
}

/** `grant_type=authorization_code` (RFC 6749 4.1.3, RFC 7636 4.5). */
export function authorizationCodeGrantRequest(grant: AuthorizationCodeGrant): HttpRequest {
	const code = grant.code.trim();
	if (NOT_A_VALUE.has(code)) {
		throw new OAuthError(
			'invalid_input',
			`The authorization code is the text "${code}"`,
			'The expression that maps it found nothing: check that the earlier step really gives the code under that name.',
		);
	}
	if (!code) {
		throw new OAuthError(
			'invalid_input',
			'The authorization code is empty',
			'Map the code that getAuthorizationCode (or the redirect) returned into the Authorization Code field.',
		);
	}
	if (!grant.redirectUri.trim()) {
		throw new OAuthError(
			'invalid_input',
			'The redirect URI is empty',
			'Give the same redirect URI the authorization request used, e.g. https://<field-service-domain>/plugin-auth-redirect/',
		);
	}
	return tokenRequest(
		grant.tokenEndpoint,
		{
			grant_type: 'authorization_code',
			code,
			redirect_uri: grant.redirectUri.trim(),
			code_verifier: grant.codeVerifier?.trim(),
		},
		grant.clientAuthentication,
		grant.timeoutMs,
	);
}

export interface ExchangeAuthorizationCodeDeps {
	transport: HttpTransport;
	sleep: Sleep;
	now?: () => number;
}

/**
 * Exchanges the code for tokens. Its point is the refresh token, so an answer without one is an
 * error that says why IDCS leaves it out.
 */
export async function exchangeAuthorizationCode(
	grant: AuthorizationCodeGrant,
	deps: ExchangeAuthorizationCodeDeps,
): Promise<TokenSet & { refreshToken: string }> {
	const request = authorizationCodeGrantRequest(grant);
	const tokenSet = await sendTokenRequest(request, {
		...deps,
		secrets: [...grant.clientAuthentication.secrets, grant.code.trim(), grant.codeVerifier ?? ''],
	});
	if (!tokenSet.refreshToken) {
		throw new OAuthError(
			'missing_refresh_token',
			'IDCS returned an access token but no refresh token',
			'The scope lacked offline_access, or the IDCS application does not allow the Refresh Token grant (OAuth configuration > Client configuration > Allowed grant types). Fix that, then authorize again.',
		);
	}
	return { ...tokenSet, refreshToken: tokenSet.refreshToken };
}
