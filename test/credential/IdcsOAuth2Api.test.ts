import { IdcsOAuth2Api } from '../../credentials/IdcsOAuth2Api.credentials';
import { hiddenFields } from '../support/credentialFields';

const credential = new IdcsOAuth2Api();

const resolvedFields = (data: Record<string, string>) => hiddenFields(credential, data);

describe('Oracle IDCS OAuth2 API credential', () => {
	it('declares itself as n8n expects of an OAuth2 credential', () => {
		expect(credential.name).toBe('idcsOAuth2Api');
		expect(credential.displayName).toBe('Oracle IDCS OAuth2 API');
		expect(credential.extends).toEqual(['oAuth2Api']);
		expect(credential.documentationUrl).toMatch(/^https:\/\//);
		expect(credential.icon).toEqual({ light: 'file:idcs.svg', dark: 'file:idcs.dark.svg' });
		expect(credential.httpRequestNode).toMatchObject({ name: 'Oracle IDCS (Field Service, Fusion)' });
	});

	it('shows the fields a user knows, and hides the OAuth plumbing', () => {
		const visible = credential.properties.filter((p) => p.type !== 'hidden').map((p) => p.name);
		expect(visible).toEqual([
			'domainUrl',
			'clientId',
			'clientSecret',
			'resourceScope',
			'authentication',
			'signingPrivateKey',
			'signingKeyId',
			'publicCertificate',
			'assertionAudience',
		]);
		const privateKey = credential.properties.find((p) => p.name === 'signingPrivateKey')!;
		expect(privateKey.typeOptions).toMatchObject({ password: true });
		const authentication = credential.properties.find((p) => p.name === 'authentication')!;
		expect(authentication.options?.map((o) => (o as { value: string }).value)).toEqual(['header', 'body']);
		expect(credential.properties.find((p) => p.name === 'clientSecret')?.typeOptions).toEqual({ password: true });
	});

	it.each([
		[
			'https://idcs-0123456789abcdef.identity.oraclecloud.com',
			'https://idcs-0123456789abcdef.identity.oraclecloud.com',
		],
		[
			'https://idcs-0123456789abcdef.identity.oraclecloud.com/',
			'https://idcs-0123456789abcdef.identity.oraclecloud.com',
		],
		[
			'  https://idcs-0123456789abcdef.identity.oraclecloud.com:443//  ',
			'https://idcs-0123456789abcdef.identity.oraclecloud.com:443',
		],
		[
			'https://idcs-0123456789abcdef.identity.oraclecloud.com/oauth2/v1/token',
			'https://idcs-0123456789abcdef.identity.oraclecloud.com',
		],
		[
			'https://idcs-0123456789abcdef.identity.oraclecloud.com/oauth2/v1/authorize?client_id=x',
			'https://idcs-0123456789abcdef.identity.oraclecloud.com',
		],
		[
			'https://idcs-0123456789abcdef.identity.oraclecloud.com/ui/v1/adminconsole',
			'https://idcs-0123456789abcdef.identity.oraclecloud.com',
		],
		['idcs-0123456789abcdef.identity.oraclecloud.com', 'https://idcs-0123456789abcdef.identity.oraclecloud.com'],
		['HTTPS://IDCS-ABC.identity.oraclecloud.com/', 'HTTPS://IDCS-ABC.identity.oraclecloud.com'],
		['http://127.0.0.1:9000/', 'http://127.0.0.1:9000'],
	])('derives the endpoints from the domain URL %j', async (domainUrl, origin) => {
		const fields = await resolvedFields({ domainUrl, resourceScope: '' });
		expect(fields.authUrl).toBe(`${origin}/oauth2/v1/authorize`);
		expect(fields.accessTokenUrl).toBe(`${origin}/oauth2/v1/token`);
		expect(fields.grantType).toBe('authorizationCode');
		expect(fields.authQueryParameters).toBe('');
	});

	it('yields a URL the node refuses, not a wrong host, when the domain URL is empty', async () => {
		const fields = await resolvedFields({ domainUrl: '', resourceScope: '' });
		expect(fields.accessTokenUrl).toBe('https:///oauth2/v1/token');
	});

	it.each([
		['urn:opc:resource:consumer::all', 'urn:opc:resource:consumer::all offline_access'],
		[
			'urn:opc:resource:fa:instanceid=1234567urn:opc:resource:consumer::all',
			'urn:opc:resource:fa:instanceid=1234567urn:opc:resource:consumer::all offline_access',
		],
		[
			'urn:opc:resource:fusion:dev:field-service-common/use urn:opc:resource:fusion:dev:field-service-common/view',
			'urn:opc:resource:fusion:dev:field-service-common/use urn:opc:resource:fusion:dev:field-service-common/view offline_access',
		],
		['', 'offline_access'],
		['   ', 'offline_access'],
		['urn:opc:resource:consumer::all offline_access', 'urn:opc:resource:consumer::all offline_access'],
		['  urn:opc:resource:consumer::all\n', 'urn:opc:resource:consumer::all offline_access'],
	])('sends the resource scope %j with offline_access', async (resourceScope, scope) => {
		const fields = await resolvedFields({ domainUrl: 'https://idcs-a.identity.oraclecloud.com', resourceScope });
		expect(fields.scope).toBe(scope);
	});
});
