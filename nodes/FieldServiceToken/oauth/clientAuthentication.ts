/**
 * How the client proves itself at the token endpoint (RFC 6749 2.3.1), as one value passed to
 * every grant: `clientSecretBasic`, `clientSecretPost` or `none` (a public client).
 */
export type ClientAuthenticationMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface ClientAuthentication {
	readonly method: ClientAuthenticationMethod;
	readonly clientId: string;
	/** Adds what the method sends to the form body and the headers of a token request. */
	apply(form: URLSearchParams, headers: Record<string, string>): void;
	/** The values that must never appear in an error or a log. */
	readonly secrets: readonly string[];
}

/**
 * `Authorization: Basic base64(client_id:client_secret)`, the id and secret as typed (UTF-8),
 * exactly as the Oracle seed's `curl -u` and n8n's own OAuth2 client send it. RFC 6749 would
 * form-encode both first; for IDCS values (hex ids, `idcscs-<uuid>` secrets) the two agree.
 */
export function clientSecretBasic(clientId: string, clientSecret: string): ClientAuthentication {
	return {
		method: 'client_secret_basic',
		clientId,
		secrets: [clientSecret],
		apply(_form, headers) {
			headers.Authorization = `Basic ${Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64')}`;
		},
	};
}

/** `client_id` and `client_secret` as form fields, the seed's second variant. */
export function clientSecretPost(clientId: string, clientSecret: string): ClientAuthentication {
	return {
		method: 'client_secret_post',
		clientId,
		secrets: [clientSecret],
		apply(form) {
			form.set('client_id', clientId);
			form.set('client_secret', clientSecret);
		},
	};
}

/** A public client (an IDCS Mobile Application): its `client_id` in the form, no secret. */
export function none(clientId: string): ClientAuthentication {
	return {
		method: 'none',
		clientId,
		secrets: [],
		apply(form) {
			form.set('client_id', clientId);
		},
	};
}
