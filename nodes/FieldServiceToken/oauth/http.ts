/** The one HTTP exchange the core needs, described without any HTTP library. */
export interface HttpRequest {
	method: 'POST';
	url: string;
	headers: Record<string, string>;
	/** Already encoded as application/x-www-form-urlencoded. */
	body: string;
	timeoutMs: number;
}

export interface HttpResponse {
	status: number;
	/** Header names in lower case. */
	headers: Record<string, string | undefined>;
	body: string;
}

/** Sends a request; rejects only when no HTTP answer arrived (timeout, refused, TLS). */
export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

/** Waits `ms` milliseconds; given by the caller so the core needs no timers of its own. */
export type Sleep = (ms: number) => Promise<void>;
