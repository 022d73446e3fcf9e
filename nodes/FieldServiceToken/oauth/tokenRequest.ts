import type { ClientAuthentication } from './clientAuthentication';
import type { HttpRequest } from './http';
import { checkEndpointUrl } from './tokenEndpoint';

/** The content type of the Oracle seed's requests to /oauth2/v1/token. */
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded;charset=UTF-8';

export const DEFAULT_TIMEOUT_MS = 30_000;

/** A POST to the token endpoint: the grant's parameters, then the client's authentication. */
export function tokenRequest(
	tokenEndpoint: string,
	grant: Record<string, string | undefined>,
	clientAuthentication: ClientAuthentication,
	timeoutMs = DEFAULT_TIMEOUT_MS,
): HttpRequest {
	const url = checkEndpointUrl(tokenEndpoint).href;
	const form = new URLSearchParams();
	for (const [name, value] of Object.entries(grant)) {
		if (value !== undefined && value !== '') form.set(name, value);
	}
	const headers: Record<string, string> = { 'Content-Type': FORM_CONTENT_TYPE };
	clientAuthentication.apply(form, headers);
	return { method: 'POST', url, headers, body: form.toString(), timeoutMs };
}
