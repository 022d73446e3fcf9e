import type { IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';

import { MAX_RESPONSE_BYTES, RESPONSE_TOO_LARGE, type HttpTransport } from '../oauth';

const failure = (code: string, message: string) => Object.assign(new Error(message), { code });

/** Reads the streamed body up to `maxBytes` and no further. */
async function readBody(body: AsyncIterable<Buffer>, maxBytes: number): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of body) {
		size += chunk.length;
		// Leaving the loop destroys the stream: nothing more is read.
		if (size > maxBytes) throw failure(RESPONSE_TOO_LARGE, `more than ${maxBytes} bytes`);
		chunks.push(chunk);
	}
	return Buffer.concat(chunks).toString('utf8');
}

/**
 * The core's one HTTP exchange, carried by n8n's own request helper (proxy settings, SSRF rules, TLS).
 * The helper's `timeout` does not bound the body (a trickle keeps it alive) and it buffers any body
 * whole, so the answer is streamed: an abort signal ends the whole exchange at the timeout (the helper
 * then destroys the stream), and reading stops at the size limit.
 */
export function n8nTransport(helpers: IExecuteFunctions['helpers']): HttpTransport {
	return async (request) => {
		const maxBytes = request.maxResponseBytes ?? MAX_RESPONSE_BYTES;
		const deadline = AbortSignal.timeout(request.timeoutMs);
		const finished = new AbortController();
		const signal = AbortSignal.any([deadline, finished.signal]);
		try {
			const response = (await helpers.httpRequest({
				method: request.method,
				url: request.url,
				headers: request.headers,
				body: request.body,
				timeout: request.timeoutMs,
				abortSignal: signal,
				encoding: 'stream',
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
			const body = await readBody(response.body as AsyncIterable<Buffer>, maxBytes);
			return { status: response.statusCode, headers, body };
		} catch (error) {
			// The core names the failure from its code (see transportError); an abort at the deadline is a timeout.
			throw deadline.aborted ? failure('ETIMEDOUT', `timeout of ${request.timeoutMs}ms exceeded`) : error;
		} finally {
			// Whatever is left unread is dropped, and the connection with it.
			finished.abort();
		}
	};
}
