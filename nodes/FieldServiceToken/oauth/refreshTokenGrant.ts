import type { ClientAuthentication } from './clientAuthentication';
import { OAuthError } from './errors';
import type { HttpRequest } from './http';
import { NOT_A_VALUE, tokenRequest } from './tokenRequest';

export interface RefreshTokenGrant {
	tokenEndpoint: string;
	refreshToken: string;
	/** Only when the caller narrows it; the seed sends none and IDCS keeps the granted scope. */
	scope?: string;
	clientAuthentication: ClientAuthentication;
	timeoutMs?: number;
}

/** `grant_type=refresh_token` (RFC 6749 6), in the form of the Oracle seed. */
export function refreshTokenGrantRequest(grant: RefreshTokenGrant): HttpRequest {
	const refreshToken = grant.refreshToken.trim();
	if (NOT_A_VALUE.has(refreshToken)) {
		throw new OAuthError(
			'invalid_input',
			`The refresh token is the text "${refreshToken}"`,
			'The expression that maps it found nothing: check that the earlier step really gives the refresh token (or sealed_refresh_token) under that name.',
		);
	}
	if (!refreshToken) {
		throw new OAuthError(
			'invalid_input',
			'The refresh token is empty',
			'Map the refresh token into the Refresh Token field (for example from the step that stored it), or choose the credential as its source.',
		);
	}
	return tokenRequest(
		grant.tokenEndpoint,
		{ grant_type: 'refresh_token', refresh_token: refreshToken, scope: grant.scope?.trim() },
		grant.clientAuthentication,
		grant.timeoutMs,
	);
}
