import { createHash, randomBytes } from 'crypto';

import { OAuthError } from './errors';
import { checkEndpointUrl } from './tokenEndpoint';

export interface AuthorizationRequestInput {
	authorizationEndpoint: string;
	clientId: string;
	/** For an OFS plugin: https://<field-service-domain>/plugin-auth-redirect/ */
	redirectUri: string;
	/** Space-separated; must carry offline_access for IDCS to issue a refresh token. */
	scope: string;
	/** A random one is made when empty. */
	state?: string;
	pkce: boolean;
}

export interface AuthorizationRequest {
	url: string;
	state: string;
	/** Keep it for the code exchange; present only with PKCE. */
	codeVerifier?: string;
}

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/** IDCS issues a refresh token only when the scope carries offline_access. */
export function scopeWithOfflineAccess(scope: string): string {
	const scopes = scope.split(/\s+/).filter(Boolean);
	return [...new Set([...scopes, 'offline_access'])].join(' ');
}

/** RFC 7636 4.2: the S256 challenge of a verifier. */
export function codeChallengeS256(codeVerifier: string): string {
	return base64url(createHash('sha256').update(codeVerifier, 'ascii').digest());
}

/**
 * The IDCS authorize URL (RFC 6749 4.1.1, RFC 7636 4.3). Values are percent-encoded with
 * spaces as %20, as in the Oracle seed, never as `+`.
 */
export function authorizationRequest(input: AuthorizationRequestInput): AuthorizationRequest {
	const endpoint = checkEndpointUrl(input.authorizationEndpoint, 'authorization endpoint');
	if (!input.clientId.trim()) {
		throw new OAuthError('invalid_input', 'The client ID is empty', 'Set the Client ID in the credential.');
	}
	if (!input.redirectUri.trim()) {
		throw new OAuthError(
			'invalid_input',
			'The redirect URI is empty',
			'Give the redirect URI registered for the application in IDCS; for an OFS plugin it is https://<field-service-domain>/plugin-auth-redirect/',
		);
	}
	const state = input.state?.trim() || base64url(randomBytes(16));
	const codeVerifier = input.pkce ? base64url(randomBytes(32)) : undefined;
	const parameters: Array<[string, string]> = [
		['response_type', 'code'],
		['client_id', input.clientId.trim()],
		['redirect_uri', input.redirectUri.trim()],
		['scope', input.scope.trim()],
		['state', state],
	];
	if (codeVerifier) {
		parameters.push(['code_challenge', codeChallengeS256(codeVerifier)], ['code_challenge_method', 'S256']);
	}
	const query = parameters.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
	const base = endpoint.href.replace(/[?#].*$/, '');
	return { url: `${base}?${query}`, state, ...(codeVerifier ? { codeVerifier } : {}) };
}
