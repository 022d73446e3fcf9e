/**
 * The server a token request goes to, in the words its errors use: IDCS for every grant but one, and
 * Field Service's own token service. Errors name who answered, where the user sets its address and
 * what to check, so that a Field Service failure never sends the user to an IDCS setting.
 */
export interface TokenServer {
	/** Who answered, as in `IDCS said: "..."`. */
	readonly name: string;
	/** Its token endpoint, as a sentence starts with it. */
	readonly endpoint: string;
	/** The setting that holds its address. */
	readonly urlSetting: string;
	/** The address it should hold, with an example. */
	readonly address: string;
	/** What to check when the answer is not the server's: "check that ... points at ...". */
	readonly checkAddress: string;
	/** What to check when the server or the network path to it fails. */
	readonly networkPath: string;
	/** What to do about a server error code, by code (own properties only). */
	readonly hints: Readonly<Record<string, string>>;
	/** What to do about a code it has no hint for. */
	readonly otherErrorHint: string;
}

const REFRESH_TOKEN_LIFETIME =
	'IDCS refresh tokens are single use and expire (7 days by default, set per application), so a workflow that runs less often than that needs a new one';

export const IDCS: TokenServer = {
	name: 'IDCS',
	endpoint: 'The IDCS token endpoint',
	urlSetting: 'the Identity Domain URL in the credential',
	address:
		'the address the OCI console shows as Domain URL, e.g. https://idcs-0123456789abcdef.identity.oraclecloud.com',
	checkAddress: 'check that the domain URL points at the IDCS identity domain',
	networkPath: 'the network path from n8n to the identity domain',
	hints: {
		invalid_grant: `Authorize again with offline_access in the scope to get a new refresh token (connect the credential again, or run getAuthorizationCode again from the plugin). ${REFRESH_TOKEN_LIFETIME}.`,
		invalid_client:
			'Check the client ID and secret in the credential, and the Client Authentication choice: a Confidential Application takes a Basic header or body fields, a Mobile Application (public client) sends its client ID only.',
		invalid_scope:
			"Check the resource scope against the application's resources in the IDCS console (Integrated applications > your application > OAuth configuration > Resources).",
		unauthorized_client:
			'In the IDCS console, allow the Refresh Token and Authorization Code grant types for this application (OAuth configuration > Client configuration).',
		unsupported_grant_type:
			'The endpoint does not take this grant: check that the domain URL points at the IDCS identity domain.',
		invalid_request:
			'IDCS rejected the request as malformed. Check the domain URL, the redirect URI and the Client Authentication choice.',
	},
	otherErrorHint:
		'Check the IDCS application configuration and try again; if it persists, look for the request in the IDCS audit log.',
};

export const FIELD_SERVICE: TokenServer = {
	name: 'Field Service',
	endpoint: "Field Service's token service",
	urlSetting: 'the Instance URL in the Oracle Field Service API credential',
	address: "the instance's https:// address, e.g. https://<instance>.fs.ocs.oraclecloud.com",
	checkAddress:
		'check that the Instance URL in the Oracle Field Service API credential points at the Field Service instance',
	networkPath: 'the network path from n8n to the Field Service instance',
	hints: {
		invalid_request:
			'Field Service rejected the request as malformed. Check the Instance URL, Instance Name and Application ID in the Oracle Field Service API credential, and the Dynamic Scope option if set.',
		invalid_scope:
			'Check the Dynamic Scope option: one or more Field Service REST request URLs of this instance, separated by spaces.',
		unsupported_grant_type:
			'The token service does not take this grant: check that the Instance URL in the Oracle Field Service API credential points at the Field Service instance.',
	},
	otherErrorHint:
		'Check the application in Field Service (Configuration > Applications) and the Oracle Field Service API credential, and try again.',
};
