import { NodeOperationError, sleep, type INodeProperties } from 'n8n-workflow';

import { clientAuthenticationFor, type ClientAuthenticationChoice } from '../n8n/credential';
import { tokenFields, withFields } from '../n8n/output';
import { n8nTransport } from '../n8n/transport';
import { AccessTokenCache, clientCredentialsGrant, statelessAccessToken } from '../oauth';
import { clientAuthenticationParameter, optionsCollection, type Operation } from './common';
import { grantOptions, resourceScope, type GrantOptions } from './grantOptions';

/** Tokens of stateless grants, reused across items and executions of this n8n process; memory only. */
export const grantTokenCache = new AccessTokenCache();

const show = { show: { operation: ['getClientCredentialsToken'] } };

const clientAuthentication = clientAuthenticationParameter(show);

export const properties: INodeProperties[] = [
	{
		...clientAuthentication,
		// A public client (Mobile Application) cannot use the client credentials grant.
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
		throw new NodeOperationError(ctx.getNode(), 'The client credentials grant needs a client secret or a private key', {
			description:
				'Only a Confidential Application can use client credentials. Fill in the Client Secret of the IDCS application in the credential, or its Private Key (the certificate uploaded to the application) for a client assertion.',
			itemIndex,
		});
	}
	const grant = clientCredentialsGrant({
		tokenEndpoint: credential.accessTokenUrl,
		scope: resourceScope(ctx, options, credential, itemIndex),
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
