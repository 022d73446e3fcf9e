import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

// The instance's origin, whatever the user pasted: a trailing slash or path, or no scheme (then https).
const INSTANCE_ORIGIN =
	'(($credentials.instanceUrl || "").trim().match(/^(?:[a-z][a-z0-9+.-]*:\\/\\/)?[^\\/?#\\s]*/i)[0].replace(/^(?![a-z][a-z0-9+.-]*:\\/\\/)/i, "https://"))';

export class OracleFieldServiceApi implements ICredentialType {
	name = 'oracleFieldServiceApi';

	displayName = 'Oracle Field Service API';

	icon: Icon = { light: 'file:fieldService.svg', dark: 'file:fieldService.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-field-service-token#field-service-token-service';

	properties: INodeProperties[] = [
		{
			displayName: 'Instance URL',
			name: 'instanceUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://<instance>.fs.ocs.oraclecloud.com',
			description: 'The address of the Field Service instance (https)',
		},
		{
			displayName: 'Instance Name',
			name: 'instance',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. sunrise0511',
			description: 'The name of the instance: the first part of its host',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			description:
				'Of the application: Field Service Configuration > Applications > your application > Show Client ID/Client Secret',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Shown beside the client ID',
		},
		{
			displayName: 'Application ID',
			name: 'applicationId',
			type: 'string',
			default: '',
			description: 'Optional, for JWT assertions: the ID of the application under Configuration > Applications',
		},
		{
			displayName: 'Private Key (for JWT Assertions)',
			name: 'signingPrivateKey',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			placeholder: '-----BEGIN PRIVATE KEY-----',
			description:
				'Optional: the PEM RSA private key (without passphrase) whose public key is uploaded to the application (Authenticate using JWT assertion)',
		},
	];

	// Field Service REST accepts Basic <client id>@<instance>:<client secret> directly.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: {
				username: '={{ $credentials.clientId + "@" + $credentials.instance }}',
				password: '={{ $credentials.clientSecret }}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{ ${INSTANCE_ORIGIN} }}`,
			url: '/rest/ofscCore/v1/resources',
			qs: { limit: 1 },
		},
	};
}
