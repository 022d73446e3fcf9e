import { OracleFieldServiceApi } from '../../credentials/OracleFieldServiceApi.credentials';

const credential = new OracleFieldServiceApi();

describe('Oracle Field Service API credential', () => {
	it('asks for the instance, the application and an optional key, and masks the secret and the key', () => {
		expect(credential.name).toBe('oracleFieldServiceApi');
		expect(credential.properties.map((p) => p.name)).toEqual([
			'instanceUrl',
			'instance',
			'clientId',
			'clientSecret',
			'applicationId',
			'signingPrivateKey',
		]);
		const masked = credential.properties.filter((p) => p.typeOptions?.password).map((p) => p.name);
		expect(masked).toEqual(['clientSecret', 'signingPrivateKey']);
		expect(credential.properties.filter((p) => p.required).map((p) => p.name)).toEqual(['instanceUrl', 'instance']);
	});

	it("authenticates requests with Basic <client id>@<instance>:<secret>, and tests itself on the instance's OFS API", () => {
		expect(credential.authenticate).toEqual({
			type: 'generic',
			properties: {
				auth: {
					username: '={{ $credentials.clientId + "@" + $credentials.instance }}',
					password: '={{ $credentials.clientSecret }}',
				},
			},
		});
		expect(credential.test.request).toMatchObject({ url: '/rest/ofscCore/v1/resources', qs: { limit: 1 } });
	});
});
