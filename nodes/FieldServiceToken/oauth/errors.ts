import { IDCS, type TokenServer } from './tokenServer';

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

	/** Who said `serverDescription`: IDCS, or Field Service. */
	readonly server?: string;

	constructor(
		readonly code: OAuthErrorCode,
		message: string,
		hint: string,
		details: { httpStatus?: number; serverDescription?: string; server?: string } = {},
	) {
		super(message);
		this.name = 'OAuthError';
		this.hint = hint;
		this.httpStatus = details.httpStatus;
		this.serverDescription = details.serverDescription;
		this.server = details.server;
	}

	/** The same failure in other words; what the server said, and who said it, are kept. */
	reworded(message: string, hint: string): OAuthError {
		return new OAuthError(this.code, message, hint, {
			httpStatus: this.httpStatus,
			serverDescription: this.serverDescription,
			server: this.server,
		});
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

const SERVER_ERROR_MESSAGES: Record<string, (server: TokenServer) => string> = {
	invalid_grant: () => 'The refresh token or authorization code was rejected: it is expired, revoked or already used',
	invalid_client: (server) => `${server.name} did not accept the client credentials`,
	invalid_scope: (server) => `${server.name} did not accept the requested scope`,
	unauthorized_client: (server) => `The ${server.name} application is not allowed to use this grant type`,
	unsupported_grant_type: () => 'The token endpoint does not support this grant type',
	invalid_request: (server) => `${server.name} rejected the token request`,
};

/**
 * The error for a redirect from the token endpoint, which is never followed: the request would
 * carry its secrets to wherever the redirect points. Names the target's host only (redacted).
 */
export function redirectError(
	httpStatus: number,
	location: string | undefined,
	secrets: readonly string[],
	server: TokenServer = IDCS,
): OAuthError {
	const target = location && URL.canParse(location) ? new URL(location).host : '';
	return new OAuthError(
		'unexpected_status',
		`${server.endpoint} answered with a redirect (HTTP ${httpStatus})${target ? ` to ${redact(target, secrets)}` : ''}, which was not followed`,
		`A token request carries what proves the client (its secret or a signed assertion), so it is never sent on to another address. Set ${server.urlSetting} to ${server.address}, not one that redirects.`,
		{ httpStatus },
	);
}

/** The error for a JSON error answer of the token endpoint (RFC 6749 5.2). */
export function serverError(
	error: string,
	description: string | undefined,
	httpStatus: number,
	secrets: readonly string[],
	server: TokenServer = IDCS,
): OAuthError {
	// Own properties only: an error code such as "constructor" or "__proto__" names nothing here.
	const known = Object.hasOwn(SERVER_ERROR_MESSAGES, error) ? SERVER_ERROR_MESSAGES[error](server) : undefined;
	const code = (known ? error : 'unexpected_status') as OAuthErrorCode;
	const message = known
		? `${known} (${error})`
		: `${server.endpoint} answered HTTP ${httpStatus} with error "${redact(error, secrets).slice(0, 80)}"`;
	const hint = Object.hasOwn(server.hints, error) ? server.hints[error] : server.otherErrorHint;
	return new OAuthError(code, message, hint, {
		httpStatus,
		serverDescription: description === undefined ? undefined : redact(description, secrets).slice(0, 500),
		server: server.name,
	});
}

/** For an answer that may have cost the refresh token: what happened to the request, and what next. */
export const NOT_RESENT =
	'The request was not resent, because IDCS may already have used the refresh token: if the next run says the token was already used, authorize again.';

/** For a request that spends nothing single-use (no refresh token, no code): asking again is safe. */
export const SAFE_TO_ASK_AGAIN =
	'The request was not resent; it spends no refresh token or code, so running the workflow again is safe.';

/** An answer larger than any token response: read no further, and say so. */
export function responseTooLarge(
	host: string | undefined,
	maxBytes: number,
	server: TokenServer = IDCS,
	notResent = NOT_RESENT,
): OAuthError {
	const size = maxBytes % 1024 ** 2 === 0 ? `${maxBytes / 1024 ** 2} MiB` : `${maxBytes} bytes`;
	return new OAuthError(
		'response_too_large',
		`${server.endpoint}${host ? ` at ${host}` : ''} sent an answer larger than ${size}`,
		`A token response is a few KB: ${server.checkAddress}, and whether a proxy answered instead. ${notResent}`,
	);
}
