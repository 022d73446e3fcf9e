import { NOT_RESENT, OAuthError, SAFE_TO_ASK_AGAIN, responseTooLarge } from './errors';
import {
	MAX_RESPONSE_BYTES,
	RESPONSE_TOO_LARGE,
	type HttpRequest,
	type HttpResponse,
	type HttpTransport,
	type Sleep,
} from './http';
import { processTokenResponse, type TokenSet } from './tokenResponse';
import { IDCS } from './tokenServer';

/** 429 and 503 say the request was not processed, so resending its refresh token is safe. */
export const NOT_PROCESSED: ReadonlySet<number> = new Set([429, 503]);
export const MAX_RETRIES = 2;
export const MAX_RETRY_AFTER_MS = 30_000;
const DEFAULT_RETRY_AFTER_MS = 1_000;

export interface SendOptions {
	transport: HttpTransport;
	sleep: Sleep;
	/** Values the request carries that must stay out of errors. */
	secrets: readonly string[];
	now?: () => number;
	/** Told of a new refresh token as soon as an answer carries one, before the rest is checked. */
	onRefreshToken?: (refreshToken: string) => void;
	/** A number in [0, 1) for the jitter of a wait (Math.random unless a test gives its own). */
	random?: () => number;
}

/**
 * A wait stretched by up to half of itself, at random: callers that were turned away at the same moment
 * (the workers of one n8n, all at a token's expiry) spread out instead of meeting again. Never shorter
 * than asked: a Retry-After is the least the server wants.
 */
export const withJitter = (ms: number, random: () => number) => ms * (1 + random() / 2);

/**
 * How long to wait before asking again after a 429 or 503: its Retry-After (seconds or an HTTP date), or
 * an exponential backoff from 1 s when it has none; undefined when the server wants more than
 * MAX_RETRY_AFTER_MS (then the caller gives up rather than hold the execution).
 */
export function retryAfterMs(response: HttpResponse, attempt: number, now: number): number | undefined {
	const header = response.headers['retry-after']?.trim();
	if (!header) return DEFAULT_RETRY_AFTER_MS * 2 ** attempt;
	const seconds = /^\d+$/.test(header) ? Number(header) * 1000 : Date.parse(header) - now;
	if (!Number.isFinite(seconds)) return DEFAULT_RETRY_AFTER_MS * 2 ** attempt;
	const wait = Math.max(0, seconds);
	return wait <= MAX_RETRY_AFTER_MS ? wait : undefined;
}

function errorCode(error: unknown): string {
	if (typeof error !== 'object' || error === null) return '';
	const { code, cause } = error as { code?: unknown; cause?: unknown };
	if (typeof code === 'string' && code) return code;
	return cause ? errorCode(cause) : '';
}

/** What to say of a request that got no usable answer: whether it may have spent a single-use grant. */
function notResent(request: HttpRequest): string {
	const grantType = new URLSearchParams(request.body).get('grant_type');
	return grantType === 'refresh_token' || grantType === 'authorization_code' ? NOT_RESENT : SAFE_TO_ASK_AGAIN;
}

/**
 * Names a transport failure by its error code only: library messages may quote the request. `notResentText`
 * says, for a request that may have reached the server (a timeout, a body cut off), what its not being resent
 * means; a token request's is worked out from the grant it spends, if any.
 */
export function transportError(
	error: unknown,
	request: HttpRequest,
	notResentText: string = notResent(request),
): OAuthError {
	const code = errorCode(error);
	const host = new URL(request.url).host;
	const server = request.server ?? IDCS;
	const message = error instanceof Error ? error.message : '';
	if (code === RESPONSE_TOO_LARGE) {
		return responseTooLarge(host, request.maxResponseBytes ?? MAX_RESPONSE_BYTES, server, notResentText);
	}
	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(message)) {
		return new OAuthError(
			'timeout',
			`${server.endpoint} at ${host} did not answer${request.timeoutMs > 0 ? ` within ${Math.round(request.timeoutMs / 1000)} s` : ' in time'}`,
			`Try again, or raise the Timeout option. ${notResentText}`,
		);
	}
	if (code === 'ECONNREFUSED') {
		return new OAuthError(
			'connection_refused',
			`The connection to ${host} was refused`,
			`Check ${server.urlSetting}, and any proxy settings (HTTP_PROXY, HTTPS_PROXY, NO_PROXY) of n8n.`,
		);
	}
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
		return new OAuthError(
			'host_not_found',
			`The host ${host} was not found`,
			`Check ${server.urlSetting}: ${server.address}`,
		);
	}
	if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|EPROTO/i.test(code)) {
		return new OAuthError(
			'tls_failure',
			`The TLS connection to ${host} failed (${code})`,
			"The server's certificate was not trusted. If a corporate proxy inspects TLS, give n8n its CA certificate (NODE_EXTRA_CA_CERTS).",
		);
	}
	return new OAuthError(
		'network_failure',
		`The request to ${host} failed${code ? ` (${code})` : ''}`,
		`Check ${server.networkPath}, and any proxy settings.`,
	);
}

/**
 * Sends one token request and checks the answer. A timeout or a lost connection is never
 * retried (IDCS may have used the single-use refresh token already); only an answer that says
 * it was not processed (429, 503) is, after its Retry-After (or an exponential backoff), stretched by a
 * random jitter of up to half, at most MAX_RETRIES times.
 */
export async function sendTokenRequest(request: HttpRequest, options: SendOptions): Promise<TokenSet> {
	const now = options.now ?? Date.now;
	for (let attempt = 0; ; attempt++) {
		let response: HttpResponse;
		try {
			response = await options.transport(request);
		} catch (error) {
			throw transportError(error, request);
		}
		if (NOT_PROCESSED.has(response.status) && attempt < MAX_RETRIES) {
			const wait = retryAfterMs(response, attempt, now());
			if (wait !== undefined) {
				await options.sleep(withJitter(wait, options.random ?? Math.random));
				continue;
			}
		}
		if (NOT_PROCESSED.has(response.status)) {
			const server = request.server ?? IDCS;
			throw new OAuthError(
				'temporarily_unavailable',
				`${server.endpoint} is busy (HTTP ${response.status})${attempt ? ` after ${attempt + 1} attempts` : ''}`,
				`${server.name} asked to slow down. Run the workflow again later, or less often.`,
				{ httpStatus: response.status },
			);
		}
		return processTokenResponse(response, options.secrets, now(), {
			maxBytes: request.maxResponseBytes ?? MAX_RESPONSE_BYTES,
			host: new URL(request.url).host,
			server: request.server,
			notResent: notResent(request),
			onRefreshToken: options.onRefreshToken,
		});
	}
}
