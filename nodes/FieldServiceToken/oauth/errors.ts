/**
 * Failures of a token request, named as RFC 6749 5.2 names them where the server said so,
 * and by what went wrong on the way otherwise. Messages never carry a secret: they are
 * written here from fixed text, and server text passes through `redact` first.
 */
export type OAuthErrorCode =
	| 'invalid_grant'
	| 'invalid_client'
	| 'invalid_scope'
	| 'unauthorized_client'
	| 'unsupported_grant_type'
	| 'invalid_request'
	| 'server_error'
	| 'temporarily_unavailable'
	| 'unexpected_status'
	| 'non_json_response'
	| 'invalid_token_response'
	| 'response_too_large'
	| 'missing_refresh_token'
	| 'timeout'
	| 'connection_refused'
	| 'host_not_found'
	| 'tls_failure'
	| 'network_failure'
	| 'invalid_input'
	| 'invalid_domain_url'
	| 'insecure_domain_url';

export class OAuthError extends Error {
	/** What to do about it, for the person running the workflow. */
	readonly hint: string;

	/** The HTTP status of the token endpoint's answer, when there was one. */
	readonly httpStatus?: number;

	/** The server's own `error_description`, redacted. */
	readonly serverDescription?: string;

	constructor(
		readonly code: OAuthErrorCode,
		message: string,
		hint: string,
		details: { httpStatus?: number; serverDescription?: string } = {},
	) {
		super(message);
		this.name = 'OAuthError';
		this.hint = hint;
		this.httpStatus = details.httpStatus;
		this.serverDescription = details.serverDescription;
	}
}

const REDACTED = '[redacted]';

/**
 * Every form in which a request may carry a secret: as typed; form-encoded as URLSearchParams
 * writes a request body (space as `+`, `!~'()` as %21 %7E %27 %28 %29); percent-encoded as
 * encodeURIComponent and n8n's own OAuth2 client (querystring) write it (space as %20, `!~'()` as
 * they are); and base64. A Basic header's base64 of `client_id:client_secret` is no encoding of the
 * secret alone: its client authentication lists it among its secrets.
 */
function encodings(secret: string): string[] {
	return [
		secret,
		new URLSearchParams([['', secret]]).toString().slice(1),
		encodeURIComponent(secret),
		Buffer.from(secret, 'utf8').toString('base64'),
	];
}

/** Replaces every occurrence of each secret, in each of its encodings, in `text`. */
export function redact(text: string, secrets: readonly string[]): string {
	const forms = new Set(secrets.filter((secret) => secret.length >= 4).flatMap(encodings));
	// Longest first, so that a secret that contains another is replaced whole.
	let result = text;
	for (const form of [...forms].sort((a, b) => b.length - a.length)) {
		result = result.split(form).join(REDACTED);
	}
	return result;
}

const REFRESH_TOKEN_LIFETIME =
	'IDCS refresh tokens are single use and expire (7 days by default, set per application), so a workflow that runs less often than that needs a new one';

const HINTS: Record<string, string> = {
	invalid_grant: `Authorize again with offline_access in the scope to get a new refresh token (connect the credential again, or run getAuthorizationCode again from the plugin). ${REFRESH_TOKEN_LIFETIME}.`,
	invalid_client:
		'Check the client ID and secret in the credential, and the Client Authentication choice: a Confidential Application takes a Basic header or body fields, a Mobile Application (public client) sends its client ID only.',
	invalid_scope:
		"Check the resource scope against the application's resources in the IDCS console (Integrated applications > your application > OAuth configuration > Resources).",
	unauthorized_client:
		'In the IDCS console, allow the Refresh Token and Authorization Code grant types for this application (OAuth configuration > Client configuration).',
	unsupported_grant_type:
		'The endpoint does not take this grant: check that the domain URL points at the IDCS identity domain.',
	invalid_request:
		'IDCS rejected the request as malformed. Check the domain URL, the redirect URI and the Client Authentication choice.',
};

const SERVER_ERROR_MESSAGES: Record<string, string> = {
	invalid_grant: 'The refresh token or authorization code was rejected: it is expired, revoked or already used',
	invalid_client: 'IDCS did not accept the client credentials',
	invalid_scope: 'IDCS did not accept the requested scope',
	unauthorized_client: 'The IDCS application is not allowed to use this grant type',
	unsupported_grant_type: 'The token endpoint does not support this grant type',
	invalid_request: 'IDCS rejected the token request',
};

/**
 * The error for a redirect from the token endpoint, which is never followed: the request would
 * carry its secrets to wherever the redirect points. Names the target's host only (redacted).
 */
export function redirectError(
	httpStatus: number,
	location: string | undefined,
	secrets: readonly string[],
): OAuthError {
	const target = location && URL.canParse(location) ? new URL(location).host : '';
	return new OAuthError(
		'unexpected_status',
		`The IDCS token endpoint answered with a redirect (HTTP ${httpStatus})${target ? ` to ${redact(target, secrets)}` : ''}, which was not followed`,
		'A token request carries the client secret and a refresh token or code, so it is never sent on to another address. Set the Identity Domain URL to the address the OCI console shows as Domain URL, not one that redirects.',
		{ httpStatus },
	);
}

/** The error for a JSON error answer of the token endpoint (RFC 6749 5.2). */
export function serverError(
	error: string,
	description: string | undefined,
	httpStatus: number,
	secrets: readonly string[],
): OAuthError {
	// Own properties only: an error code such as "constructor" or "__proto__" names nothing here.
	const known = Object.hasOwn(SERVER_ERROR_MESSAGES, error) ? SERVER_ERROR_MESSAGES[error] : undefined;
	const code = (known ? error : 'unexpected_status') as OAuthErrorCode;
	const message = known
		? `${known} (${error})`
		: `The IDCS token endpoint answered HTTP ${httpStatus} with error "${redact(error, secrets).slice(0, 80)}"`;
	const hint = Object.hasOwn(HINTS, error)
		? HINTS[error]
		: 'Check the IDCS application configuration and try again; if it persists, look for the request in the IDCS audit log.';
	return new OAuthError(code, message, hint, {
		httpStatus,
		serverDescription: description === undefined ? undefined : redact(description, secrets).slice(0, 500),
	});
}

/** For an answer that may have cost the refresh token: what happened to the request, and what next. */
export const NOT_RESENT =
	'The request was not resent, because IDCS may already have used the refresh token: if the next run says the token was already used, authorize again.';

/** An answer larger than any token response: read no further, and say so. */
export function responseTooLarge(host: string | undefined, maxBytes: number): OAuthError {
	const size = maxBytes % 1024 ** 2 === 0 ? `${maxBytes / 1024 ** 2} MiB` : `${maxBytes} bytes`;
	return new OAuthError(
		'response_too_large',
		`The IDCS token endpoint${host ? ` at ${host}` : ''} sent an answer larger than ${size}`,
		`A token response is a few KB: check that the domain URL points at the IDCS identity domain, and whether a proxy answered instead. ${NOT_RESENT}`,
	);
}
