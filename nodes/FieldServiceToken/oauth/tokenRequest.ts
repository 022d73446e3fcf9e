import type { ClientAuthentication } from './clientAuthentication';
import { OAuthError } from './errors';
import { MAX_RESPONSE_BYTES, type HttpRequest } from './http';
import { checkEndpointUrl } from './tokenEndpoint';
import { IDCS, type TokenServer } from './tokenServer';

/** The content type of the Oracle seed's requests to /oauth2/v1/token. */
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded;charset=UTF-8';

export const DEFAULT_TIMEOUT_MS = 30_000;

/** What an expression that found nothing turns into as text: never a refresh token or a code to send. */
export const NOT_A_VALUE: ReadonlySet<string> = new Set(['undefined', 'null']);

/**
 * The range of the timeout. Beyond about 24.8 days Node's timers overflow and fire at once, after
 * the request (and its single-use refresh token) went out; a token call never needs 5 minutes.
 */
export const MIN_TIMEOUT_MS = 1_000;
export const MAX_TIMEOUT_MS = 300_000;

export function checkTimeout(timeoutMs: number): number {
	if (typeof timeoutMs !== 'number' || !(timeoutMs >= MIN_TIMEOUT_MS && timeoutMs <= MAX_TIMEOUT_MS)) {
		throw new OAuthError(
			'invalid_input',
			`The Timeout option must be between ${MIN_TIMEOUT_MS / 1000} and ${MAX_TIMEOUT_MS / 1000} seconds`,
			`Set Options > Timeout (Seconds) to a number from ${MIN_TIMEOUT_MS / 1000} to ${MAX_TIMEOUT_MS / 1000}; the default is ${DEFAULT_TIMEOUT_MS / 1000}.`,
		);
	}
	return timeoutMs;
}

/** A POST to the token endpoint: the grant's parameters, then the client's authentication. */
export function tokenRequest(
	tokenEndpoint: string,
	grant: Record<string, string | undefined>,
	clientAuthentication: ClientAuthentication,
	timeoutMs = DEFAULT_TIMEOUT_MS,
	server: TokenServer = IDCS,
): HttpRequest {
	const url = checkEndpointUrl(tokenEndpoint).href;
	const timeout = checkTimeout(timeoutMs);
	const form = new URLSearchParams();
	for (const [name, value] of Object.entries(grant)) {
		if (value !== undefined && value !== '') form.set(name, value);
	}
	const headers: Record<string, string> = { 'Content-Type': FORM_CONTENT_TYPE };
	clientAuthentication.apply(form, headers, url);
	return {
		method: 'POST',
		url,
		headers,
		body: form.toString(),
		timeoutMs: timeout,
		maxResponseBytes: MAX_RESPONSE_BYTES,
		server,
	};
}
