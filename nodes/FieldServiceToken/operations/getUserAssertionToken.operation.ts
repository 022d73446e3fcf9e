import { NodeOperationError, sleep, type INodeProperties } from 'n8n-workflow';

import { clientAuthenticationFor, credentialSigningKey, type ClientAuthenticationChoice } from '../n8n/credential';
import { tokenFields, withFields } from '../n8n/output';
import { n8nTransport } from '../n8n/transport';
import { statelessAccessToken, userAssertionGrant } from '../oauth';
import { clientAuthenticationParameter, optionsCollection, textParameter, type Operation } from './common';
import { grantTokenCache } from './getClientCredentialsToken.operation';
import { grantOptions, resourceScope, type GrantOptions } from './grantOptions';

const show = { show: { operation: ['getUserAssertionToken'] } };

const clientAuthentication = clientAuthenticationParameter(show);

export const properties: INodeProperties[] = [
	{
		displayName: 'User Name',
		name: 'userName',
		type: 'string',
		displayOptions: show,
		default: '',
		required: true,
		placeholder: 'e.g. ofs.dispatcher or {{ $json.user }}',
		description:
			"The IDCS user the token acts for, sent as the assertion's sub. Map it per item to act for different users.",
	},
	{
		...clientAuthentication,
		// IDCS authenticates the application beside the user assertion: a public client cannot.
		options: clientAuthentication.options?.filter((option) => 'value' in option && option.value !== 'none'),
	},
	optionsCollection(show, grantOptions("The resource scope the token is for. Empty: the credential's Resource Scope.")),
];

export const execute: Operation = async ({ ctx, itemIndex, json, readCredential }) => {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as GrantOptions;
	const credential = await readCredential();
	const choice = ctx.getNodeParameter('clientAuthentication', itemIndex, 'credential') as ClientAuthenticationChoice;
	const authentication = clientAuthenticationFor(ctx, choice, credential, itemIndex);
	if (authentication.method === 'none') {
		throw new NodeOperationError(
			ctx.getNode(),
			'The user assertion grant needs a client secret or a client assertion',
			{
				description:
					'IDCS authenticates the application beside the user assertion. Fill in the Client Secret of the IDCS application in the credential, or choose Client Assertion (Private Key) with the private key the user assertion is signed with.',
				itemIndex,
			},
		);
	}
	const grant = userAssertionGrant({
		tokenEndpoint: credential.accessTokenUrl,
		userName: textParameter(ctx, 'userName', itemIndex),
		audience: credential.assertionAudience,
		scope: resourceScope(ctx, options, credential, itemIndex),
		signingKey: credentialSigningKey(credential),
		clientAuthentication: authentication,
		timeoutMs: Number(options.timeoutSeconds ?? 30) * 1000,
	});
	const result = await statelessAccessToken(
		grant,
		{ enabled: options.reuseToken !== false, marginSeconds: Math.max(0, options.expiryMarginSeconds ?? 60) },
		{ transport: n8nTransport(ctx.helpers), sleep, cache: grantTokenCache },
	);
	return withFields(json, tokenFields(result), options.outputField ?? '');
};
