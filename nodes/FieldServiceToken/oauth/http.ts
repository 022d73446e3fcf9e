import type { TokenServer } from './tokenServer';

/** An HTTP exchange, described without any HTTP library: a token request, or a Field Service REST call. */
export interface HttpRequest {
	method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
	url: string;
	headers: Record<string, string>;
	/** Already encoded: application/x-www-form-urlencoded for a token request; none for a GET. */
	body?: string;
	/** The whole exchange, from connecting to the last byte of the answer. */
	timeoutMs: number;
	/** The most body the answer may have; MAX_RESPONSE_BYTES when not given. */
	maxResponseBytes?: number;
	/** Who answers, for the words of its errors; IDCS when not given. */
	server?: TokenServer;
}

export interface HttpResponse {
	status: number;
	/** Header names in lower case. */
	headers: Record<string, string | undefined>;
	body: string;
}

/**
 * Sends a request; rejects only when no complete HTTP answer arrived: refused, TLS, timed out
 * (code ETIMEDOUT), or a body beyond `maxResponseBytes` (code RESPONSE_TOO_LARGE).
 */
export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

/** Waits `ms` milliseconds; given by the caller so the core needs no timers of its own. */
export type Sleep = (ms: number) => Promise<void>;

/**
 * A token response is a few KB (an IDCS JWT access token, a refresh token, a scope); 1 MiB leaves
 * room for the largest tokens and still bounds what a broken or hostile server can make n8n hold.
 */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** The error code a transport rejects with when the body grows beyond `maxResponseBytes`. */
export const RESPONSE_TOO_LARGE = 'ERR_RESPONSE_TOO_LARGE';
