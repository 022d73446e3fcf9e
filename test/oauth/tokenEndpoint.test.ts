import { checkEndpointUrl } from '../../nodes/FieldServiceToken/oauth';

describe('checkEndpointUrl', () => {
	it.each([
		['https://idcs-abc.identity.oraclecloud.com/oauth2/v1/token'],
		['http://127.0.0.1:8080/oauth2/v1/token'],
		['http://localhost/oauth2/v1/token'],
		['http://127.5.6.7/oauth2/v1/token'],
		['http://[::1]:9000/oauth2/v1/token'],
	])('accepts %s', (url) => {
		expect(checkEndpointUrl(url).href).toBe(url);
	});

	// WHATWG URL writes every spelling of an address one way before the check looks at it.
	it.each([
		['http://LOCALHOST:8080/oauth2/v1/token', 'http://localhost:8080/oauth2/v1/token'],
		['http://127.1/oauth2/v1/token', 'http://127.0.0.1/oauth2/v1/token'],
		['http://2130706433/oauth2/v1/token', 'http://127.0.0.1/oauth2/v1/token'],
		['http://0x7f.0.0.1/oauth2/v1/token', 'http://127.0.0.1/oauth2/v1/token'],
		['http://[0:0:0:0:0:0:0:1]/oauth2/v1/token', 'http://[::1]/oauth2/v1/token'],
	])('accepts %s, a spelling of a loopback address (%s)', (url, normalised) => {
		expect(checkEndpointUrl(url).href).toBe(normalised);
	});

	const plainHttp = (host: string) =>
		`Refusing to send credentials to the IDCS token endpoint over plain http://${host}`;
	it.each([
		['http://idcs-abc.identity.oraclecloud.com/oauth2/v1/token', plainHttp('idcs-abc.identity.oraclecloud.com')],
		['http://10.0.0.5/oauth2/v1/token', plainHttp('10.0.0.5')],
		['http://localhost.example.com/oauth2/v1/token', plainHttp('localhost.example.com')],
		// Not loopback addresses, though a connection to them may end up on this machine.
		['http://0.0.0.0:8080/oauth2/v1/token', plainHttp('0.0.0.0:8080')],
		['http://0/oauth2/v1/token', plainHttp('0.0.0.0')],
		['http://[::]/oauth2/v1/token', plainHttp('[::]')],
		['http://[::ffff:127.0.0.1]:8080/oauth2/v1/token', plainHttp('[::ffff:7f00:1]:8080')],
		['http://[::ffff:7f00:1]/oauth2/v1/token', plainHttp('[::ffff:7f00:1]')],
		['http://[::127.0.0.1]/oauth2/v1/token', plainHttp('[::7f00:1]')],
		// Names that only a resolver may send to this machine, or may not.
		['http://localhost./oauth2/v1/token', plainHttp('localhost.')],
		['http://idcs.localhost/oauth2/v1/token', plainHttp('idcs.localhost')],
		['http://127.0.0.1.nip.io/oauth2/v1/token', plainHttp('127.0.0.1.nip.io')],
	])('refuses plain http to %s', (url, message) => {
		expect(() => checkEndpointUrl(url)).toThrow(
			expect.objectContaining({
				code: 'insecure_domain_url',
				message,
				hint: 'Use the https:// address of the identity domain. Plain http is only accepted for a server on this machine: localhost, 127.x.x.x or [::1].',
			}),
		);
	});

	it.each([
		['https://user:pass@idcs-abc.identity.oraclecloud.com/oauth2/v1/token'],
		['https://user@idcs-abc.identity.oraclecloud.com/oauth2/v1/token'],
		['https://:pass@idcs-abc.identity.oraclecloud.com/oauth2/v1/token'],
		['https://idcs-abc.identity.oraclecloud.com@127.0.0.1/oauth2/v1/token'],
		['http://example.com@127.0.0.1:8080/oauth2/v1/token'],
		['https://@idcs-abc.identity.oraclecloud.com/oauth2/v1/token'],
	])('refuses %s: a user name or password (an @) before the host', (url) => {
		expect(() => checkEndpointUrl(url)).toThrow(
			expect.objectContaining({
				code: 'invalid_domain_url',
				message: 'The IDCS token endpoint URL must not contain a user name or password (an @ before the host)',
				hint: 'Remove the part up to and including @ from the Identity Domain URL in the credential: give the Domain URL as the OCI console shows it, e.g. https://idcs-0123456789abcdef.identity.oraclecloud.com',
			}),
		);
	});

	it('accepts an @ after the host, which is no user name', () => {
		const url = 'https://idcs-abc.identity.oraclecloud.com/oauth2/v1/token?x=a@b';
		expect(checkEndpointUrl(url).href).toBe(url);
	});

	it.each([
		['not a url', 'invalid_domain_url', 'The IDCS token endpoint URL is not a valid URL'],
		['', 'invalid_domain_url', 'The IDCS token endpoint URL is not a valid URL'],
		[
			'ftp://idcs-abc.identity.oraclecloud.com/oauth2/v1/token',
			'invalid_domain_url',
			'The IDCS token endpoint URL must start with https://',
		],
		['https:///oauth2/v1/token', 'invalid_domain_url', 'The IDCS token endpoint URL has no host name'],
	])('refuses %s', (url, code, message) => {
		expect(() => checkEndpointUrl(url)).toThrow(expect.objectContaining({ code, message }));
	});
});
