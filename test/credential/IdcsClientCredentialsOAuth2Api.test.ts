import { IdcsClientCredentialsOAuth2Api } from '../../credentials/IdcsClientCredentialsOAuth2Api.credentials';
import { hiddenFields } from '../support/credentialFields';

const credential = new IdcsClientCredentialsOAuth2Api();

describe('Oracle IDCS Client Credentials OAuth2 API credential', () => {
	it("declares itself as n8n expects of an OAuth2 credential, and is offered in HTTP Request's credential list", () => {
		expect(credential.name).toBe('idcsClientCredentialsOAuth2Api');
		expect(credential.displayName).toBe('Oracle IDCS Client Credentials OAuth2 API');
		expect(credential.extends).toEqual(['oAuth2Api']);
		expect(credential.documentationUrl).toMatch(/^https:\/\//);
		expect(credential.httpRequestNode).toMatchObject({
			name: 'Oracle IDCS Client Credentials (Fusion Field Service)',
		});
	});

	it('asks for the domain, the client and its secret and the resource scope; masks the secret', () => {
		expect(credential.properties.filter((p) => p.type !== 'hidden').map((p) => p.name)).toEqual([
			'domainUrl',
			'clientId',
			'clientSecret',
			'resourceScope',
			'authentication',
		]);
		expect(credential.properties.filter((p) => p.typeOptions?.password).map((p) => p.name)).toEqual(['clientSecret']);
	});

	it('runs the client credentials grant at the domain token URL for the resource scope alone, no offline_access', async () => {
		expect(
			await hiddenFields(credential, {
				domainUrl: 'idcs-0123456789abcdef.identity.oraclecloud.com/ui/v1/adminconsole',
				resourceScope:
					' urn:opc:resource:fusion:dev:field-service-common/use  offline_access urn:opc:resource:fusion:dev:field-service-common/view ',
			}),
		).toEqual({
			grantType: 'clientCredentials',
			authUrl: '',
			accessTokenUrl: 'https://idcs-0123456789abcdef.identity.oraclecloud.com/oauth2/v1/token',
			scope:
				'urn:opc:resource:fusion:dev:field-service-common/use urn:opc:resource:fusion:dev:field-service-common/view',
			authQueryParameters: '',
		});
	});
});
