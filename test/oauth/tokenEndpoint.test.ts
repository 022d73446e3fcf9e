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

	it.each([
		[
			'http://idcs-abc.identity.oraclecloud.com/oauth2/v1/token',
			'insecure_domain_url',
			'Refusing to send credentials to the IDCS token endpoint over plain http://idcs-abc.identity.oraclecloud.com',
		],
		[
			'http://10.0.0.5/oauth2/v1/token',
			'insecure_domain_url',
			'Refusing to send credentials to the IDCS token endpoint over plain http://10.0.0.5',
		],
		[
			'http://localhost.example.com/oauth2/v1/token',
			'insecure_domain_url',
			'Refusing to send credentials to the IDCS token endpoint over plain http://localhost.example.com',
		],
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
