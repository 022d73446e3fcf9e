/**
 * How the client proves itself at the token endpoint (RFC 6749 2.3.1), as one value passed to
 * every grant: `clientSecretBasic`, `clientSecretPost`, `none` (a public client) or
 * `clientAssertion` (private_key_jwt, in its own module).
 */
export type ClientAuthenticationMethod = 'client_secret_basic' | 'client_secret_post' | 'none' | 'private_key_jwt';

export interface ClientAuthentication {
	readonly method: ClientAuthenticationMethod;
	readonly clientId: string;
	/** Adds what the method sends to the form body and the headers of a request to `tokenEndpoint`. */
	apply(form: URLSearchParams, headers: Record<string, string>, tokenEndpoint: string): void;
	/**
	 * The values that must never appear in an error or a log: each secret the method sends, and each
	 * value it derives from one (redact adds their encodings).
	 */
	readonly secrets: readonly string[];
	/** What the client proves itself with (its secret, '' for a public client), for keying token reuse only. */
	readonly proof: string;
	/** What to tell the user when the server refuses this client authentication, by error code. */
	readonly errors?: Partial<Record<string, { message: string; hint: string }>>;
}

/**
 * The credentials of a Basic header, `base64(client_id:client_secret)`, the id and secret as typed
 * (UTF-8), exactly as the Oracle seed's `curl -u` and n8n's own OAuth2 client send them. RFC 6749
 * would form-encode both first; for IDCS values (hex ids, `idcscs-<uuid>` secrets) the two agree.
 */
export function basicCredentials(clientId: string, clientSecret: string): string {
	return Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64');
}

/** `Authorization: Basic base64(client_id:client_secret)`, as `curl -u` sends it. */
export function clientSecretBasic(clientId: string, clientSecret: string): ClientAuthentication {
	const credentials = basicCredentials(clientId, clientSecret);
	return {
		method: 'client_secret_basic',
		clientId,
		// The header's value is no encoding of the secret alone, so it is a secret of its own.
		secrets: [clientSecret, credentials],
		proof: clientSecret,
		apply(_form, headers) {
			headers.Authorization = `Basic ${credentials}`;
		},
	};
}

/** `client_id` and `client_secret` as form fields, the seed's second variant. */
export function clientSecretPost(clientId: string, clientSecret: string): ClientAuthentication {
	return {
		method: 'client_secret_post',
		clientId,
		secrets: [clientSecret],
		proof: clientSecret,
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
		proof: '',
		apply(form) {
			form.set('client_id', clientId);
		},
	};
}
