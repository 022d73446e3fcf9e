import { sleep, type INodeProperties } from 'n8n-workflow';

import { clientAuthenticationFor, sealingKeyOf, type ClientAuthenticationChoice } from '../n8n/credential';
import { sealingFor, sealRefreshToken } from '../n8n/sealedRefreshToken';
import { tokenFields, withFields } from '../n8n/output';
import { n8nTransport } from '../n8n/transport';
import { exchangeAuthorizationCode, inTermsOf } from '../oauth';
import {
	clientAuthenticationParameter,
	optionsCollection,
	outputFieldOption,
	redirectUriParameter,
	sealForUserOf,
	sealForUserOption,
	timeoutOption,
	type Operation,
	textParameter,
} from './common';

const show = { show: { operation: ['exchangeAuthorizationCode'] } };

export const properties: INodeProperties[] = [
	{
		displayName: 'Authorization Code',
		name: 'authorizationCode',
		type: 'string',
		typeOptions: { password: true },
		displayOptions: show,
		default: '',
		required: true,
		description:
			'The code getAuthorizationCode returned to the plugin (or IDCS sent to the redirect URI). It is single use and lives a few minutes.',
	},
	redirectUriParameter(show, 'Exactly the redirect URI of the authorization request'),
	{
		displayName: 'Code Verifier',
		name: 'codeVerifier',
		type: 'string',
		typeOptions: { password: true },
		displayOptions: show,
		default: '',
		description: 'The code_verifier from Build Authorization Request, when it was built with PKCE',
	},
	clientAuthenticationParameter(show),
	optionsCollection(show, [
		sealForUserOption,
		timeoutOption('the IDCS token endpoint', 'authorization code'),
		outputFieldOption,
	]),
];

export const execute: Operation = async ({ ctx, itemIndex, json, secrets, readCredential }) => {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as {
		sealForUser?: unknown;
		timeoutSeconds?: number;
		outputField?: string;
	};
	const credential = await readCredential();
	const sealing = sealingFor(sealForUserOf(ctx, options), sealingKeyOf(credential));
	const code = textParameter(ctx, 'authorizationCode', itemIndex);
	const codeVerifier = textParameter(ctx, 'codeVerifier', itemIndex);
	secrets.push(code, codeVerifier);
	const choice = ctx.getNodeParameter('clientAuthentication', itemIndex, 'credential') as ClientAuthenticationChoice;
	const clientAuthentication = clientAuthenticationFor(ctx, choice, credential, itemIndex);
	const tokenSet = await exchangeAuthorizationCode(
		{
			tokenEndpoint: credential.accessTokenUrl,
			code,
			redirectUri: textParameter(ctx, 'redirectUri', itemIndex),
			codeVerifier,
			clientAuthentication,
			timeoutMs: Number(options.timeoutSeconds ?? 30) * 1000,
		},
		{ transport: n8nTransport(ctx.helpers), sleep },
	).catch((error: unknown) => {
		throw inTermsOf({ clientAuthentication }, error);
	});
	const fields = tokenFields({
		tokenSet,
		refreshToken: sealing ? undefined : tokenSet.refreshToken,
		refreshTokenRotated: false,
		fromCache: false,
	});
	if (sealing && tokenSet.refreshToken) {
		secrets.push(tokenSet.refreshToken);
		fields.sealed_refresh_token = sealRefreshToken(tokenSet.refreshToken, sealing.user, sealing.key);
	}
	return withFields(json, fields, options.outputField ?? '');
};
