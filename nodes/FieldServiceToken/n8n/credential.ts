import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import {
	basicCredentials,
	clientAssertion,
	clientSecretBasic,
	clientSecretPost,
	none,
	signingKey,
	type ClientAuthentication,
	type SigningKey,
} from '../oauth';
import type { SealingKeyMaterial } from './sealedRefreshToken';

export const CREDENTIAL_TYPE = 'idcsOAuth2Api';

/** The `idcsOAuth2Api` credential as n8n hands it over: hidden URL and scope fields already resolved. */
export interface IdcsCredential {
	domainUrl: string;
	clientId: string;
	clientSecret: string;
	resourceScope: string;
	authentication: 'header' | 'body';
	authUrl: string;
	accessTokenUrl: string;
	scope: string;
	oauthTokenData?: Record<string, unknown>;
	/** PEM private key for signed assertions, and the key ID (certificate alias) or certificate naming it. */
	signingPrivateKey: string;
	signingKeyId: string;
	publicCertificate: string;
	/** The tenant's own `aud` values for signed assertions; empty: both of Oracle's readings. */
	assertionAudience: string[];
}

/** What a sealed refresh token's key comes from: the credential's secret (else its private key), client and token URL. */
export const sealingKeyOf = (credential: IdcsCredential): SealingKeyMaterial => ({
	secret: credential.clientSecret || credential.signingPrivateKey,
	clientId: credential.clientId,
	tokenEndpoint: credential.accessTokenUrl,
});

export type ClientAuthenticationChoice = 'credential' | 'basic' | 'body' | 'none' | 'clientAssertion';

export async function readCredential(ctx: IExecuteFunctions, itemIndex: number): Promise<IdcsCredential> {
	const data = await ctx.getCredentials(CREDENTIAL_TYPE, itemIndex);
	const text = (name: string) => (typeof data[name] === 'string' ? (data[name] as string).trim() : '');
	return {
		domainUrl: text('domainUrl'),
		clientId: text('clientId'),
		clientSecret: typeof data.clientSecret === 'string' ? data.clientSecret : '',
		resourceScope: text('resourceScope'),
		authentication: data.authentication === 'body' ? 'body' : 'header',
		authUrl: text('authUrl'),
		accessTokenUrl: text('accessTokenUrl'),
		scope: text('scope'),
		oauthTokenData:
			typeof data.oauthTokenData === 'object' && data.oauthTokenData !== null
				? (data.oauthTokenData as Record<string, unknown>)
				: undefined,
		signingPrivateKey: typeof data.signingPrivateKey === 'string' ? data.signingPrivateKey : '',
		signingKeyId: text('signingKeyId'),
		publicCertificate: text('publicCertificate'),
		assertionAudience: text('assertionAudience')
			.split(/[\s,]+/)
			.filter(Boolean),
	};
}

/** The credential's signing key, checked: a clear error before anything is signed or sent. */
export function credentialSigningKey(credential: IdcsCredential): SigningKey {
	return signingKey({
		privateKey: credential.signingPrivateKey,
		keyId: credential.signingKeyId,
		certificate: credential.publicCertificate,
	});
}

/**
 * What the credential holds that must never appear in an error: the client secret, the Basic
 * header's base64 of client ID and secret (n8n's own refresh sends that too), the signing private
 * key, and the stored tokens.
 */
export function credentialSecrets(credential: IdcsCredential): string[] {
	const { clientId, clientSecret, oauthTokenData } = credential;
	const token = (name: string) => (typeof oauthTokenData?.[name] === 'string' ? (oauthTokenData[name] as string) : '');
	return [
		clientSecret,
		clientSecret ? basicCredentials(clientId, clientSecret) : '',
		credential.signingPrivateKey,
		token('refresh_token'),
		token('access_token'),
	].filter(Boolean);
}

/**
 * The client authentication the user chose, over the credential's id and secret. `credential`
 * follows the credential's own setting; a credential without secret signs a client assertion when it
 * holds a private key, and is a public client otherwise.
 */
export function clientAuthenticationFor(
	ctx: IExecuteFunctions,
	choice: ClientAuthenticationChoice,
	credential: IdcsCredential,
	itemIndex: number,
): ClientAuthentication {
	const { clientId, clientSecret } = credential;
	if (!clientId) {
		throw new NodeOperationError(ctx.getNode(), 'The credential has no client ID', {
			description: 'Open the Oracle IDCS OAuth2 API credential and fill in the Client ID of the IDCS application.',
			itemIndex,
		});
	}
	const holdsKey = Boolean(credential.signingPrivateKey.trim());
	const fromCredential = clientSecret ? credential.authentication : holdsKey ? 'clientAssertion' : 'none';
	const method = choice === 'credential' ? fromCredential : choice;
	if (method === 'none') return none(clientId);
	if (method === 'clientAssertion') {
		// One method only (RFC 6749 2.3): a secret the credential also holds is not sent beside the assertion.
		return clientAssertion(clientId, credentialSigningKey(credential), { audience: credential.assertionAudience });
	}
	if (!clientSecret) {
		throw new NodeOperationError(ctx.getNode(), 'The credential has no client secret', {
			description: holdsKey
				? 'Basic header and body fields both send the client secret. The credential holds a private key: choose Client Authentication "Client Assertion (Private Key)" or "As Set in the Credential", or fill in the Client Secret.'
				: 'Basic header and body fields both send the client secret. Fill it in the credential, or choose "None (Public Client)" for a Mobile Application.',
			itemIndex,
		});
	}
	return method === 'header' || method === 'basic'
		? clientSecretBasic(clientId, clientSecret)
		: clientSecretPost(clientId, clientSecret);
}
