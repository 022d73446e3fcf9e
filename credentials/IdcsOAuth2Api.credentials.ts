import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

// The identity domain's origin, whatever the user pasted: a trailing slash, a copied
// `/oauth2/v1/...` or console path, or no scheme at all (then https, as IDCS always is).
export const DOMAIN_ORIGIN =
	'(($self["domainUrl"] || "").trim().match(/^(?:[a-z][a-z0-9+.-]*:\\/\\/)?[^\\/?#\\s]*/i)[0].replace(/^(?![a-z][a-z0-9+.-]*:\\/\\/)/i, "https://"))';

// IDCS issues a refresh token only when the scope carries offline_access. The user's
// resource scope is kept as pasted (Fusion scopes glue audience and scope together).
const SCOPE_WITH_OFFLINE_ACCESS =
	'={{ (($self["resourceScope"] || "") + " offline_access").trim().split(/\\s+/).filter((scope, index, all) => all.indexOf(scope) === index).join(" ") }}';

/** The identity domain's address, as both IDCS credentials ask for it. */
export const domainUrlProperty: INodeProperties = {
	displayName: 'Identity Domain URL',
	name: 'domainUrl',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'https://idcs-0123456789abcdef0123456789abcdef.identity.oraclecloud.com',
	description:
		'The URL of the IDCS / OCI IAM identity domain that protects Field Service or Fusion. In the OCI console: Identity & Security > Domains > your domain > Domain URL.',
};

/** Client Authentication's first choice, in both IDCS credentials. */
export const basicAuthHeaderOption = {
	name: 'Basic Auth Header',
	value: 'header',
	description: 'Authorization: Basic with client ID and secret, as curl -u does',
};

export class IdcsOAuth2Api implements ICredentialType {
	name = 'idcsOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Oracle IDCS OAuth2 API';

	icon: Icon = { light: 'file:idcs.svg', dark: 'file:idcs.dark.svg' };

	// Oracle's page on getting and using an IDCS refresh token for Field Service. The package's own README
	// (its npm page) exists only once the package is published.
	documentationUrl = 'https://docs.oracle.com/en/cloud/saas/field-service/fapcf/c-refresh-token.html';

	httpRequestNode = {
		name: 'Oracle IDCS (Field Service, Fusion)',
		docsUrl: 'https://docs.oracle.com/en/cloud/paas/identity-cloud/rest-api/ACWebServerAppAuth.html',
		apiBaseUrlPlaceholder: 'https://<instance>.fs.ocs.oraclecloud.com/rest/ofscCore/v1/',
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
				'The client ID of the integrated application: Domain > Integrated applications > your application > OAuth configuration',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The client secret shown beside the client ID. Leave empty for a Mobile Application (a public client has no secret).',
		},
		{
			displayName: 'Resource Scope',
			name: 'resourceScope',
			type: 'string',
			default: '',
			placeholder: 'urn:opc:resource:fa:instanceid=1234567urn:opc:resource:consumer::all',
			description:
				"The scope of the resource the token is for, pasted as shown in the application's resource list. offline_access is added for you, so that IDCS issues a refresh token.",
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
					description:
						'Sends client_id and client_secret as form fields; also the choice for a Mobile Application without secret',
				},
			],
			default: 'header',
			description:
				'How the client ID and secret are sent to the IDCS token endpoint. A Confidential Application accepts both; a Mobile Application (public client, no secret) sends only its client ID.',
		},
		{
			displayName: 'Private Key (for Signed Assertions)',
			name: 'signingPrivateKey',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			placeholder: '-----BEGIN PRIVATE KEY-----',
			description:
				'Optional. The PEM RSA private key (without passphrase) whose certificate is uploaded to the application, for a client assertion instead of the secret and for user assertions',
		},
		{
			displayName: 'Key ID (Certificate Alias)',
			name: 'signingKeyId',
			type: 'string',
			default: '',
			description:
				"The alias the certificate was uploaded with to the application; sent as kid. Leave empty to send the Certificate's thumbprint (x5t) instead.",
		},
		{
			displayName: 'Certificate (for X5t)',
			name: 'publicCertificate',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			placeholder: '-----BEGIN CERTIFICATE-----',
			description:
				'Optional. The PEM certificate uploaded to the application: its SHA-1 thumbprint is sent as x5t when no Key ID is given',
		},
		{
			displayName: 'Assertion Audience',
			name: 'assertionAudience',
			type: 'string',
			default: '',
			placeholder: 'https://identity.oraclecloud.com/',
			description:
				'Optional. The aud of the signed assertions. Empty sends both audiences Oracle documents: https://identity.oraclecloud.com/ and the Identity Domain URL. Set it only if the tenant expects something else; separate several values with spaces.',
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: `={{ ${DOMAIN_ORIGIN} }}/oauth2/v1/authorize`,
			required: true,
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
			default: SCOPE_WITH_OFFLINE_ACCESS,
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
	];
}
