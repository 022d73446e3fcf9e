import type { INodeProperties } from 'n8n-workflow';

import { withFields } from '../n8n/output';
import { authorizationRequest, getAuthorizationCodeMessage, scopeWithOfflineAccess } from '../oauth';
import { optionsCollection, outputFieldOption, redirectUriParameter, textParameter, type Operation } from './common';

const show = { show: { operation: ['buildAuthorizationRequest'] } };

export const properties: INodeProperties[] = [
	redirectUriParameter(
		show,
		'Where IDCS sends the code. For an OFS plugin: https://&lt;field-service-domain&gt;/plugin-auth-redirect/, registered as a redirect URL of the IDCS application.',
	),
	{
		displayName: 'State',
		name: 'state',
		type: 'string',
		displayOptions: show,
		default: '',
		description: 'A value IDCS hands back with the code, to match answer to request. Empty: a random one.',
	},
	{
		displayName: 'PKCE',
		name: 'pkce',
		type: 'boolean',
		displayOptions: show,
		default: false,
		description:
			'Whether to add a PKCE (S256) challenge; keep the code_verifier output for the code exchange. Recommended for a Mobile Application.',
	},
	optionsCollection(show, [outputFieldOption]),
];

export const execute: Operation = async ({ ctx, itemIndex, json, readCredential }) => {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as { outputField?: string };
	const credential = await readCredential();
	const request = authorizationRequest({
		authorizationEndpoint: credential.authUrl,
		clientId: credential.clientId,
		redirectUri: textParameter(ctx, 'redirectUri', itemIndex),
		scope: scopeWithOfflineAccess(credential.scope || credential.resourceScope),
		state: textParameter(ctx, 'state', itemIndex),
		pkce: ctx.getNodeParameter('pkce', itemIndex, false) as boolean,
	});
	return withFields(
		json,
		{
			url: request.url,
			state: request.state,
			...(request.codeVerifier ? { code_verifier: request.codeVerifier } : {}),
			pluginMessage: { ...getAuthorizationCodeMessage(request.url) },
		},
		options.outputField ?? '',
	);
};
