import { NodeOperationError, sleep, type IExecuteFunctions } from 'n8n-workflow';

import { clientAuthenticationFor, credentialSecrets, readCredential } from '../../FieldServiceToken/n8n/credential';
import { credentialAccessToken } from '../../FieldServiceToken/n8n/credentialToken';
import { readFieldServiceCredential } from '../../FieldServiceToken/n8n/fieldServiceCredential';
import { grantTokenCache } from '../../FieldServiceToken/operations/getClientCredentialsToken.operation';
import {
	basicCredentials,
	clientCredentialsGrant,
	clientSecretBasic,
	clientSecretPost,
	fieldServiceAssertionGrant,
	fieldServiceClientCredentialsGrant,
	signingKey,
	statelessAccessToken,
	type HttpTransport,
	type StatelessGrant,
} from '../../FieldServiceToken/oauth';
import { instanceOrigin, type ApiAuthorization } from '../api';

/** The ways to Field Service this node offers, each by a way the package already has (no second grant). */
export type Authentication =
	'idcsConnected' | 'idcsClientCredentials' | 'idcsClientCredentialsApi' | 'fieldServiceToken' | 'fieldServiceBasic';

/** The credential type of the IDCS Client Credentials credential (credentials/IdcsClientCredentialsOAuth2Api). */
export const CLIENT_CREDENTIALS_CREDENTIAL_TYPE = 'idcsClientCredentialsOAuth2Api';

export interface Authorized {
	/** The instance's origin. */
	origin: string;
	authorization: ApiAuthorization;
}

/** Reuse a token until this long before it expires, as the token node does by default. */
const MARGIN_SECONDS = 60;

const bearer = (accessToken: string) => `Bearer ${accessToken}`;
const tokenOf = (header: string) => header.replace(/^Bearer /, '');

/** What authorize needs besides the item: shared by the items of one execution. */
export interface AuthorizeContext {
	/** The Instance URL parameter of the item (for the IDCS ways). */
	instanceUrl: () => string;
	/** Every secret read and every token handed out goes in here at once, for the errors. */
	secrets: string[];
	transport: HttpTransport;
	/**
	 * `read()` once per `key` and execution: n8n decrypts a credential from its database on every read. A
	 * connected credential read once also lets later items see the token an earlier item's refresh stored.
	 */
	once: <T>(key: string, read: () => Promise<T>) => Promise<T>;
}

/** The Authorization for one item, by `authentication`: the header, and a way to a new token after a 401. */
export async function authorize(
	ctx: IExecuteFunctions,
	authentication: Authentication,
	itemIndex: number,
	{ instanceUrl: instanceUrlParameter, secrets, transport, once }: AuthorizeContext,
): Promise<Authorized> {
	const secretsOf = () => secrets;
	const deps = { transport, sleep, cache: grantTokenCache };

	if (authentication === 'idcsConnected' || authentication === 'idcsClientCredentials') {
		const credential = await once('idcs', () => readCredential(ctx, itemIndex));
		secrets.push(...credentialSecrets(credential));
		const origin = instanceOrigin(instanceUrlParameter());
		if (authentication === 'idcsConnected') {
			const token = async (rejected?: string) => {
				const result = await credentialAccessToken(
					ctx,
					credential,
					{ enabled: true, marginSeconds: MARGIN_SECONDS, rejected },
					itemIndex,
				);
				secrets.push(...credentialSecrets(credential), result.tokenSet.accessToken);
				return bearer(result.tokenSet.accessToken);
			};
			return {
				origin,
				authorization: { header: () => token(), renew: (rejected) => token(tokenOf(rejected)), secrets: secretsOf },
			};
		}
		const clientAuthentication = clientAuthenticationFor(ctx, 'credential', credential, itemIndex);
		if (clientAuthentication.method === 'none') {
			throw new NodeOperationError(
				ctx.getNode(),
				'The client credentials grant needs a client secret or a private key',
				{
					description:
						'Only a Confidential Application can use client credentials. Fill in the Client Secret of the IDCS application in the credential, or its Private Key, or choose Authentication "IDCS (Connected Account)".',
					itemIndex,
				},
			);
		}
		secrets.push(...clientAuthentication.secrets);
		const grant = clientCredentialsGrant({
			tokenEndpoint: credential.accessTokenUrl,
			scope: credential.resourceScope,
			clientAuthentication,
		});
		return { origin, authorization: statelessAuthorization(grant, deps, secrets) };
	}

	if (authentication === 'idcsClientCredentialsApi') {
		// The credential HTTP Request uses for client credentials: its token URL and scope as n8n resolves them.
		const data = await once('clientCredentials', () =>
			ctx.getCredentials(CLIENT_CREDENTIALS_CREDENTIAL_TYPE, itemIndex),
		);
		const text = (name: string) => (typeof data[name] === 'string' ? (data[name] as string).trim() : '');
		const clientSecret = typeof data.clientSecret === 'string' ? data.clientSecret : '';
		secrets.push(clientSecret);
		if (!text('clientId') || !clientSecret) {
			throw new NodeOperationError(ctx.getNode(), 'The client credentials grant needs a client ID and secret', {
				description:
					'Fill in the Client ID and Client Secret of the IDCS Confidential Application in the Oracle IDCS Client Credentials credential.',
				itemIndex,
			});
		}
		const clientAuthentication =
			data.authentication === 'body'
				? clientSecretPost(text('clientId'), clientSecret)
				: clientSecretBasic(text('clientId'), clientSecret);
		secrets.push(...clientAuthentication.secrets);
		const grant = clientCredentialsGrant({
			tokenEndpoint: text('accessTokenUrl'),
			scope: text('scope') || text('resourceScope'),
			clientAuthentication,
		});
		return {
			origin: instanceOrigin(instanceUrlParameter()),
			authorization: statelessAuthorization(grant, deps, secrets),
		};
	}

	const credential = await once('fieldService', () => readFieldServiceCredential(ctx, itemIndex));
	secrets.push(credential.clientSecret, credential.signingPrivateKey);
	const origin = instanceOrigin(credential.instanceUrl);
	if (authentication === 'fieldServiceBasic') {
		if (!credential.clientId || !credential.instance || !credential.clientSecret) {
			throw new NodeOperationError(ctx.getNode(), 'Basic authentication needs the client ID, instance and secret', {
				description:
					'Fill in Client ID, Instance Name and Client Secret in the Oracle Field Service API credential: Field Service takes Basic <client id>@<instance>:<secret>.',
				itemIndex,
			});
		}
		const value = basicCredentials(`${credential.clientId}@${credential.instance}`, credential.clientSecret);
		secrets.push(value);
		// Basic has no token to renew: a 401 means the secret is wrong.
		return { origin, authorization: { header: async () => `Basic ${value}`, secrets: secretsOf } };
	}
	const application = { instanceUrl: credential.instanceUrl, instance: credential.instance, dynamicScope: '' };
	const grant = credential.clientSecret
		? fieldServiceClientCredentialsGrant({
				...application,
				clientId: credential.clientId,
				clientSecret: credential.clientSecret,
			})
		: fieldServiceAssertionGrant({
				...application,
				applicationId: credential.applicationId,
				userLogin: '',
				actAsUser: false,
				signingKey: signingKey({ privateKey: credential.signingPrivateKey, keyNameRequired: false }),
			});
	return { origin, authorization: statelessAuthorization(grant, deps, secrets) };
}

/** A grant that keeps no state: the token from the package's cache, and after a 401 a new one. */
function statelessAuthorization(
	grant: StatelessGrant,
	deps: Parameters<typeof statelessAccessToken>[2],
	secrets: string[],
): ApiAuthorization {
	const token = async (rejected?: string) => {
		const { tokenSet } = await statelessAccessToken(
			grant,
			{ enabled: true, marginSeconds: MARGIN_SECONDS, rejected },
			deps,
		);
		secrets.push(tokenSet.accessToken);
		return bearer(tokenSet.accessToken);
	};
	return { header: () => token(), renew: (rejected) => token(tokenOf(rejected)), secrets: () => secrets };
}
