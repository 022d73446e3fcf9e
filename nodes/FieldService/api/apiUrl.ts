/**
 * The address of a Field Service REST request: a path under the instance, never another host. A
 * request carries a token or the application's secret, so a path that would leave the instance (a full
 * URL elsewhere, `//host`, a path outside /rest/) is refused before anything is sent.
 */
export type QueryValue = string | number | boolean | undefined;

export class ApiInputError extends Error {
	constructor(
		message: string,
		readonly hint: string,
	) {
		super(message);
		this.name = 'ApiInputError';
	}
}

/** `https://<instance>.fs.ocs.oraclecloud.com` as the user gave it, checked: https (http on loopback only). */
export function instanceOrigin(instanceUrl: string): string {
	const given = instanceUrl.trim();
	// A host pasted without a scheme is meant as https.
	const trimmed = /^[a-z][a-z0-9+.-]*:\/\//i.test(given) || !given ? given : `https://${given}`;
	const url = URL.canParse(trimmed) ? new URL(trimmed) : undefined;
	if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
		throw new ApiInputError(
			`The Field Service instance URL "${trimmed.slice(0, 100)}" is not an https:// address`,
			'Set it to the address of the instance, e.g. https://<instance>.fs.ocs.oraclecloud.com',
		);
	}
	const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
	if (url.protocol === 'http:' && !loopback) {
		throw new ApiInputError(
			`The Field Service instance URL ${url.origin} is plain http`,
			'Field Service takes tokens over https only: use https://<instance>.fs.ocs.oraclecloud.com',
		);
	}
	return url.origin;
}

/** The request's URL: `path` (starting /rest/) under the instance, with the query's defined values. */
export function apiUrl(origin: string, path: string, query: Record<string, QueryValue> = {}): string {
	const given = path.trim();
	const refused = () =>
		new ApiInputError(
			`The path "${given.slice(0, 200)}" is not a Field Service REST path`,
			'Give the path under the instance, starting with /rest/, e.g. /rest/ofscCore/v1/activities: no host, no ".." segments, and the query in Query Parameters.',
		);
	if (!given.startsWith('/rest/') || /[\\#?]|%2f|%5c|%2e|\/\.\.?(\/|$)/i.test(given)) throw refused();
	const url = new URL(given, origin);
	// What the URL parser made of it must still be under /rest/ on the instance.
	if (url.origin !== origin || !url.pathname.startsWith('/rest/')) throw refused();
	for (const [name, value] of Object.entries(query)) {
		if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
	}
	return url.toString();
}
