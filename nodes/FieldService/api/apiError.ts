import { redact } from '../../FieldServiceToken/oauth';

/**
 * A Field Service REST request that failed, in Field Service's own words (the `title` and `detail` of its
 * error body) with the request's method and path. The token, the Basic value and any other secret the
 * request carried are redacted from everything it says; the query string is left out.
 */
export class FieldServiceApiError extends Error {
	constructor(
		message: string,
		readonly hint: string,
		readonly details: { httpStatus?: number; method: string; path: string; title?: string; detail?: string },
	) {
		super(message);
		this.name = 'FieldServiceApiError';
	}
}

const HINTS: Record<number, string> = {
	400: 'Check the request: the path, the query parameters and the body Field Service takes for it.',
	401: 'Field Service did not accept the token. Check that the credential is for this instance and that its application may use the REST API (Configuration > Applications > API access).',
	403: "The application may not make this request: give it access in Field Service (Configuration > Applications > the application > API access), or check the user's permissions.",
	404: 'Check the path and the id in it: Field Service has no such resource.',
	409: 'Field Service refused a change that conflicts with the current state; read the resource again and retry.',
	429: 'Field Service asked to slow down. Run the workflow again later, lower the Limit, or run fewer executions at once.',
	503: 'Field Service is not available right now. Run the workflow again later.',
};

const hintFor = (status: number) =>
	HINTS[status] ??
	(status >= 500 ? 'Field Service failed to answer this request. Run the workflow again later.' : HINTS[400]);

const textOf = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);

/** What Field Service said in an error body: `title` and `detail` (RFC 7807), or a short plain text. */
function problemOf(body: string): { title?: string; detail?: string } {
	try {
		const parsed = JSON.parse(body) as Record<string, unknown>;
		if (parsed && typeof parsed === 'object') {
			return { title: textOf(parsed.title), detail: textOf(parsed.detail) ?? textOf(parsed.message) };
		}
	} catch {
		// not JSON
	}
	const text = body
		.replace(/<[^>]*>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return text ? { detail: text } : {};
}

/** The error for an HTTP answer of 400 or more; `note` says what was already tried (a new token, retries). */
export function apiError(
	request: { method: string; path: string },
	response: { status: number; body: string },
	secrets: readonly string[],
	note = '',
): FieldServiceApiError {
	const { title, detail } = problemOf(response.body);
	const clean = (text: string | undefined) => (text === undefined ? undefined : redact(text, secrets).slice(0, 500));
	const said = [clean(title), clean(detail)].filter(Boolean).join(': ');
	const path = redact(request.path, secrets);
	return new FieldServiceApiError(
		`Field Service answered HTTP ${response.status} to ${request.method} ${path}${said ? `: ${said}` : ''}${note}`,
		hintFor(response.status),
		{ httpStatus: response.status, method: request.method, path, title: clean(title), detail: clean(detail) },
	);
}
