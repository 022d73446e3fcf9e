import { OAuthError } from './errors';

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Checks an IDCS endpoint URL before anything is sent to it: it must be absolute, and plain
 * http is refused for any host but this machine, since the request carries client secrets
 * and refresh tokens.
 */
export function checkEndpointUrl(url: string, what = 'token endpoint'): URL {
	const parsed = URL.canParse(url) ? new URL(url) : undefined;
	if (!parsed) {
		throw new OAuthError(
			'invalid_domain_url',
			`The IDCS ${what} URL is not a valid URL`,
			"Set the Identity Domain URL in the credential to the domain's address, e.g. https://idcs-0123456789abcdef.identity.oraclecloud.com",
		);
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
		throw new OAuthError(
			'invalid_domain_url',
			`The IDCS ${what} URL must start with https://`,
			"Set the Identity Domain URL in the credential to the domain's https:// address.",
		);
	}
	// WHATWG URL reads "https:///oauth2/v1/token" (an empty domain URL) as host "oauth2".
	if (!parsed.hostname || !/^[a-z]+:\/\/[^/?#\s]/i.test(url.trim())) {
		throw new OAuthError(
			'invalid_domain_url',
			`The IDCS ${what} URL has no host name`,
			'Set the Identity Domain URL in the credential, e.g. https://idcs-0123456789abcdef.identity.oraclecloud.com',
		);
	}
	if (parsed.protocol === 'http:' && !LOOPBACK_HOSTS.test(parsed.hostname)) {
		throw new OAuthError(
			'insecure_domain_url',
			`Refusing to send credentials to the IDCS ${what} over plain http://${parsed.host}`,
			'Use the https:// address of the identity domain. Plain http is only accepted for a server on this machine (localhost).',
		);
	}
	return parsed;
}
