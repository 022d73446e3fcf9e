import type { IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';

import type { HttpTransport } from '../oauth';

/** The core's one HTTP exchange, carried by n8n's own request helper (proxy settings, SSRF rules, TLS). */
export function n8nTransport(helpers: IExecuteFunctions['helpers']): HttpTransport {
	return async (request) => {
		const response = (await helpers.httpRequest({
			method: request.method,
			url: request.url,
			headers: request.headers,
			body: request.body,
			timeout: request.timeoutMs,
			encoding: 'text',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// A redirect from a token endpoint leads to a login page, never to a token: don't resend secrets.
			disableFollowRedirect: true,
		})) as IN8nHttpFullResponse;
		const headers: Record<string, string | undefined> = {};
		for (const [name, value] of Object.entries(response.headers ?? {})) {
			headers[name.toLowerCase()] = Array.isArray(value)
				? value.join(', ')
				: value === undefined
					? undefined
					: String(value);
		}
		const body = response.body;
		return {
			status: response.statusCode,
			headers,
			body:
				typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body ?? ''),
		};
	};
}
