import { OAuthError } from './errors';

/**
 * This machine, as WHATWG URL writes it (it turns `127.1`, `0x7f.0.0.1`, `LOCALHOST` and
 * `[0:0:0:0:0:0:0:1]` into these forms first): the name localhost, 127.0.0.0/8 and [::1]. Not
 * 0.0.0.0 or [::], nor IPv4-mapped [::ffff:7f00:1]: a connection to them may end up here, but they
 * are no loopback addresses, and no user means one of them.
 */
const LOOPBACK_HOSTNAME = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/;

/** The part between `scheme://` and the path, as typed (WHATWG URL drops an empty `@`). */
const AUTHORITY = /^[a-z][a-z0-9+.-]*:\/\/([^/\\?#]*)/i;

/**
 * Checks an IDCS endpoint URL before anything is sent to it: it must be absolute, carry no user
 * name or password, and plain http is refused for any host but this machine, since the request
 * carries client secrets and refresh tokens.
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
	// A user name and password would go out as a Basic header of their own, and
	// https://idcs-x.identity.oraclecloud.com@evil.example goes to evil.example.
	if (parsed.username || parsed.password || AUTHORITY.exec(url.trim())?.[1].includes('@')) {
		throw new OAuthError(
			'invalid_domain_url',
			`The IDCS ${what} URL must not contain a user name or password (an @ before the host)`,
			'Remove the part up to and including @ from the Identity Domain URL in the credential: give the Domain URL as the OCI console shows it, e.g. https://idcs-0123456789abcdef.identity.oraclecloud.com',
		);
	}
	if (parsed.protocol === 'http:' && !LOOPBACK_HOSTNAME.test(parsed.hostname)) {
		throw new OAuthError(
			'insecure_domain_url',
			`Refusing to send credentials to the IDCS ${what} over plain http://${parsed.host}`,
			'Use the https:// address of the identity domain. Plain http is only accepted for a server on this machine: localhost, 127.x.x.x or [::1].',
		);
	}
	return parsed;
}
