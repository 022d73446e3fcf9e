import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

import { DOMAIN_ORIGIN, basicAuthHeaderOption, domainUrlProperty } from './IdcsOAuth2Api.credentials';

// The resource scope as pasted, one space between scopes; offline_access is left out, since the client
// credentials grant issues no refresh token.
const RESOURCE_SCOPE =
	'={{ ($self["resourceScope"] || "").trim().split(/\\s+/).filter((scope) => scope && scope !== "offline_access").join(" ") }}';

/**
 * The application's own token (client credentials grant, the only grant Fusion Field Service accepts),
 * run by n8n itself: pick it in the HTTP Request node and no token node is needed.
 */
export class IdcsClientCredentialsOAuth2Api implements ICredentialType {
	name = 'idcsClientCredentialsOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Oracle IDCS Client Credentials OAuth2 API';

	icon: Icon = { light: 'file:idcs.svg', dark: 'file:idcs.dark.svg' };

	documentationUrl =
		'https://www.npmjs.com/package/n8n-nodes-field-service-token#http-request-alone-for-fusion-field-service';

	httpRequestNode = {
		name: 'Oracle IDCS Client Credentials (Fusion Field Service)',
		docsUrl: 'https://www.npmjs.com/package/n8n-nodes-field-service-token#http-request-alone-for-fusion-field-service',
		apiBaseUrlPlaceholder: 'https://<fusion-host>/fscService/',
	};

	properties: INodeProperties[] = [
		domainUrlProperty,
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description:
				'The client ID of the confidential application allowed the Client Credentials grant: Domain > Integrated applications > your application > OAuth configuration',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The client secret shown beside the client ID',
		},
		{
			displayName: 'Resource Scope',
			name: 'resourceScope',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'urn:opc:resource:fusion:<env>:field-service-common/use',
			description:
				"The scope of the resource the token is for, pasted as shown in the application's resource list. Several scopes: separate them with spaces.",
		},
		{
			displayName: 'Client Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				basicAuthHeaderOption,
				{
					name: 'Body Fields',
					value: 'body',
					description: 'Sends client_id and client_secret as form fields',
				},
			],
			default: 'header',
			description: 'How the client ID and secret are sent to the IDCS token endpoint',
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'clientCredentials',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `={{ ${DOMAIN_ORIGIN} }}/oauth2/v1/token`,
			required: true,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: RESOURCE_SCOPE,
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
	];
}
