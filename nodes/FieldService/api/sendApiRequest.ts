import {
	MAX_RETRIES,
	NOT_PROCESSED,
	retryAfterMs,
	transportError,
	withJitter,
	type HttpRequest,
	type HttpResponse,
	type HttpTransport,
	type Sleep,
	type TokenServer,
} from '../../FieldServiceToken/oauth';
import { FieldServiceApiError, apiError } from './apiError';
import { apiUrl, type QueryValue } from './apiUrl';

/** One Field Service REST request: a path under the instance, its query, and a JSON body if any. */
export interface ApiRequest {
	method: HttpRequest['method'];
	/** Starts with /rest/, e.g. /rest/ofscCore/v1/activities */
	path: string;
	query?: Record<string, QueryValue>;
	body?: unknown;
}

/**
 * How a request proves itself. `header()` gives the Authorization header; `renew(rejected)` drops a
 * token Field Service answered 401 to and gives the header with a new one (absent for Basic, where a
 * 401 means the secret is wrong and asking again cannot help). `secrets()` lists what must stay out
 * of every error: the tokens and the Basic value it handed out so far.
 */
export interface ApiAuthorization {
	header(): Promise<string>;
	renew?: (rejected: string) => Promise<string>;
	secrets(): readonly string[];
}

export interface ApiDeps {
	transport: HttpTransport;
	sleep: Sleep;
	/** A number in [0, 1) for the jitter of a wait (Math.random unless a test gives its own). */
	random?: () => number;
	now?: () => number;
}

export interface ApiOptions {
	/** The instance's origin, from instanceOrigin(). */
	origin: string;
	timeoutMs: number;
	/** The most body an answer may have. */
	maxResponseBytes: number;
}

export interface ApiResponse {
	status: number;
	/** The JSON answer; undefined for an empty body (204). */
	body: unknown;
	/** How many 401s made it get a new token (0 or 1), and how many 429/503 waits it took. */
	renewed: number;
	retries: number;
}

/** Field Service's REST API, in the words transport errors use (see transportError). */
export const FIELD_SERVICE_API: TokenServer = {
	name: 'Field Service',
	endpoint: 'The Field Service REST API',
	urlSetting: 'the Instance URL',
	address: "the instance's https:// address, e.g. https://<instance>.fs.ocs.oraclecloud.com",
	checkAddress: 'check that the Instance URL points at the Field Service instance',
	networkPath: 'the network path from n8n to the Field Service instance',
	hints: {},
	otherErrorHint: 'Run the workflow again later.',
};

const pathOf = (url: string) => new URL(url).pathname;

/**
 * Sends one request to Field Service's REST API and parses its JSON answer. A 401 to a token makes it get
 * a new token once and send once more; a second 401 is an error that says a new token was refused too.
 * A 429 or 503 (not processed) is sent again after its Retry-After, or a backoff from 1 s, stretched by
 * a random jitter of up to half, at most MAX_RETRIES times. A timeout or a broken connection is never
 * resent: Field Service may have carried out a change. No error carries a token, a secret or the query.
 */
export async function sendApiRequest(
	request: ApiRequest,
	authorization: ApiAuthorization,
	options: ApiOptions,
	deps: ApiDeps,
): Promise<ApiResponse> {
	const url = apiUrl(options.origin, request.path, request.query);
	const described = { method: request.method, path: pathOf(url) };
	const body = request.body === undefined ? undefined : JSON.stringify(request.body);
	const now = deps.now ?? Date.now;
	let header = await authorization.header();
	let renewed = 0;
	let retries = 0;
	for (;;) {
		const http: HttpRequest = {
			method: request.method,
			url,
			headers: {
				authorization: header,
				accept: 'application/json',
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body,
			timeoutMs: options.timeoutMs,
			maxResponseBytes: options.maxResponseBytes,
			server: FIELD_SERVICE_API,
		};
		let response: HttpResponse;
		try {
			response = await deps.transport(http);
		} catch (error) {
			throw apiTransportError(error, http, described);
		}
		if (response.status === 401 && authorization.renew && renewed === 0) {
			renewed += 1;
			header = await authorization.renew(header);
			continue;
		}
		if (NOT_PROCESSED.has(response.status) && retries < MAX_RETRIES) {
			const wait = retryAfterMs(response, retries, now());
			if (wait !== undefined) {
				retries += 1;
				await deps.sleep(withJitter(wait, deps.random ?? Math.random));
				continue;
			}
		}
		if (response.status >= 300 && response.status < 400) {
			// Never followed: the request carries a token or the secret, which must not go anywhere else.
			throw new FieldServiceApiError(
				`Field Service answered ${described.method} ${described.path} with a redirect (HTTP ${response.status}), which was not followed`,
				'A request carries a token or the application secret, so it is never sent on to another address. Check that the Instance URL is the instance itself, not an address that redirects.',
				{ ...described, httpStatus: response.status },
			);
		}
		if (response.status >= 400) {
			const note =
				response.status === 401 && renewed
					? ' (after a new token: Field Service refused the new token too)'
					: NOT_PROCESSED.has(response.status) && retries
						? ` (after ${retries + 1} attempts)`
						: '';
			throw apiError(described, response, authorization.secrets(), note);
		}
		return { status: response.status, body: parseJson(response.body, described), renewed, retries };
	}
}

/** A request that got no answer, named by the transport's error code only (transportError), never resent. */
function apiTransportError(
	error: unknown,
	http: HttpRequest,
	described: { method: string; path: string },
): FieldServiceApiError {
	const failure = transportError(
		error,
		http,
		described.method === 'GET'
			? 'Running the workflow again is safe.'
			: 'The request was not resent: Field Service may have carried it out, so check before running the workflow again.',
	);
	return new FieldServiceApiError(
		`${failure.message} (${described.method} ${described.path})`,
		failure.hint,
		described,
	);
}

/** The JSON of an answer; undefined for an empty body. Text that is not JSON is not quoted: it may hold anything. */
function parseJson(text: string, request: { method: string; path: string }): unknown {
	if (text.trim() === '') return undefined;
	let parsed: unknown;
	let failed = false;
	try {
		parsed = JSON.parse(text);
	} catch {
		failed = true;
	}
	if (failed) {
		throw new FieldServiceApiError(
			`Field Service answered ${request.method} ${request.path} with something that is not JSON`,
			'Check that the Instance URL points at the Field Service instance, not at a sign-in page or a proxy.',
			request,
		);
	}
	return parsed;
}
