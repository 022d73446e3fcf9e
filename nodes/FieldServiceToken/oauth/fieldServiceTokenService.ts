import { clientSecretBasic, type ClientAuthentication } from './clientAuthentication';
import { OAuthError } from './errors';
import type { HttpRequest } from './http';
import { assertionClaims, type SigningKey } from './jwtAssertion';
import { JWT_BEARER_GRANT_TYPE } from './jwtBearerGrant';
import type { StatelessGrant } from './statelessGrant';
import { checkEndpointUrl } from './tokenEndpoint';
import { DEFAULT_TIMEOUT_MS, checkTimeout, tokenRequest } from './tokenRequest';
import { FIELD_SERVICE } from './tokenServer';

const INSTANCE_URL_HINT =
	'Set the Instance URL in the Oracle Field Service API credential to the https:// address of the instance, e.g. https://<instance>.fs.ocs.oraclecloud.com';

/** The endpoint check speaks of IDCS; this URL is Field Service's. */
function inFieldServiceTerms(error: unknown): unknown {
	if (!(error instanceof OAuthError)) return error;
	return error.reworded(
		error.message.replace(/\bthe IDCS /i, (the) => the.slice(0, 4)),
		INSTANCE_URL_HINT,
	);
}

/**
 * Field Service's own token service (Oracle: "oauthTokenService v2") on the instance's host: https
 * only (plain http only to this machine), no user name or password in the URL. A URL without scheme
 * is taken as https.
 */
export function fieldServiceTokenEndpoint(instanceUrl: string): string {
	const trimmed = instanceUrl.trim();
	const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
	let origin: string;
	try {
		origin = checkEndpointUrl(url, 'Field Service instance').origin;
	} catch (error) {
		throw inFieldServiceTerms(error);
	}
	return `${origin}/rest/oauthTokenService/v2/token`;
}

/** Names a Field Service instance and application, as the assertion's audience does. */
export interface FieldServiceApplication {
	instanceUrl: string;
	/** The instance name, as in https://<instance>.fs.ocs.oraclecloud.com. */
	instance: string;
	/**
	 * `ofsc_dynamic_scope`: request URLs (space-separated, query parameters allowed) the token is limited
	 * to (Oracle: "Dynamic Scope Support for API Calls"). Empty: the application's own permissions.
	 */
	dynamicScope?: string;
	timeoutMs?: number;
}

/** The dynamic scope as sent: its URLs separated by single spaces; '' for none. */
const dynamicScopeOf = (grant: FieldServiceApplication) => (grant.dynamicScope ?? '').trim().split(/\s+/).join(' ');

function checkInstance(instance: string, timeoutMs = DEFAULT_TIMEOUT_MS): string {
	checkTimeout(timeoutMs);
	const name = instance.trim();
	if (!name) {
		throw new OAuthError(
			'invalid_input',
			'The Field Service instance name is empty',
			'Set the Instance Name in the Oracle Field Service API credential: the first part of the host, as in https://<instance>.fs.ocs.oraclecloud.com.',
		);
	}
	return name;
}

const FIELD_SERVICE_ERRORS: StatelessGrant['errors'] = {
	invalid_client: {
		message: 'Field Service did not accept the client ID and secret',
		hint: "In Field Service, Configuration > Applications > your application: check that it is Active, that Authenticate using Client ID/Client Secret is ticked, and that the client ID, secret and instance name in the credential are that application's.",
	},
	invalid_grant: {
		message: 'Field Service did not accept the assertion',
		hint: "In Field Service, Configuration > Applications > your application: tick Authenticate using JWT assertion and upload the public key of the credential's Private Key; check the Application ID and instance name, and that the user login (when acting as a user) exists and is active.",
	},
	unauthorized_client: {
		message: 'The Field Service application is not allowed to get tokens this way',
		hint: 'In Field Service, Configuration > Applications > your application: set Token service to OFSC and tick the authentication you use (Client ID/Client Secret, or JWT assertion).',
	},
};

/** `grant_type=client_credentials` at the token service, the application's ID and secret in a Basic header. */
export function fieldServiceClientCredentialsGrant(
	grant: FieldServiceApplication & { clientId: string; clientSecret: string },
): StatelessGrant {
	const tokenEndpoint = fieldServiceTokenEndpoint(grant.instanceUrl);
	const instance = checkInstance(grant.instance, grant.timeoutMs);
	if (!grant.clientId.trim() || !grant.clientSecret) {
		throw new OAuthError(
			'invalid_input',
			'The Field Service client ID or secret is empty',
			'Fill in the Client ID and Client Secret shown for the application in Field Service (Configuration > Applications > Show Client ID/Client Secret).',
		);
	}
	// Field Service names a client with its instance in Basic credentials: <client id>@<instance>.
	const clientAuthentication = clientSecretBasic(`${grant.clientId.trim()}@${instance}`, grant.clientSecret);
	const dynamicScope = dynamicScopeOf(grant);
	return {
		grantType: 'client_credentials',
		tokenEndpoint,
		clientAuthentication,
		subject: '',
		scope: dynamicScope,
		request: () =>
			tokenRequest(
				tokenEndpoint,
				{ grant_type: 'client_credentials', ofsc_dynamic_scope: dynamicScope },
				clientAuthentication,
				grant.timeoutMs,
				FIELD_SERVICE,
			),
		errors: FIELD_SERVICE_ERRORS,
	};
}

/**
 * `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` at the token service: an RS256 assertion
 * whose aud is `ofsc:<instance>:<application id>` and whose sub is that same string (acting as the
 * application) or an OFS user's login. The assertion itself authenticates the application.
 */
export function fieldServiceAssertionGrant(
	grant: FieldServiceApplication & {
		applicationId: string;
		/** Act as the OFS user whose login is `userLogin`, else as the application. */
		actAsUser?: boolean;
		userLogin?: string;
		signingKey: SigningKey;
		now?: () => number;
	},
): StatelessGrant {
	const tokenEndpoint = fieldServiceTokenEndpoint(grant.instanceUrl);
	const instance = checkInstance(grant.instance, grant.timeoutMs);
	const applicationId = grant.applicationId.trim();
	if (!applicationId) {
		throw new OAuthError(
			'invalid_input',
			'The Field Service application ID is empty',
			'Set the Application ID in the Oracle Field Service API credential: the ID of the application under Configuration > Applications.',
		);
	}
	const audience = `ofsc:${instance}:${applicationId}`;
	const userLogin = grant.userLogin?.trim() ?? '';
	if (grant.actAsUser && !userLogin) {
		throw new OAuthError(
			'invalid_input',
			'The user login is empty',
			'Map the login of the OFS user the token should act for into User Login, or act as the application.',
		);
	}
	const subject = grant.actAsUser ? userLogin : audience;
	const dynamicScope = dynamicScopeOf(grant);
	const clientAuthentication: ClientAuthentication = {
		method: 'none',
		clientId: applicationId,
		secrets: [],
		proof: '',
		apply() {},
	};
	const request = (): HttpRequest =>
		tokenRequest(
			tokenEndpoint,
			{
				grant_type: JWT_BEARER_GRANT_TYPE,
				assertion: grant.signingKey.sign(
					assertionClaims({ issuer: applicationId, subject, audience, now: grant.now?.() }),
				),
				ofsc_dynamic_scope: dynamicScope,
			},
			clientAuthentication,
			grant.timeoutMs,
			FIELD_SERVICE,
		);
	return {
		grantType: JWT_BEARER_GRANT_TYPE,
		tokenEndpoint,
		clientAuthentication,
		subject,
		assertionKey: grant.signingKey.material,
		scope: dynamicScope,
		request,
		errors: FIELD_SERVICE_ERRORS,
	};
}
