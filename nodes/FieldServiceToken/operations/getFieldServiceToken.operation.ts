import { sleep, type INodeProperties } from 'n8n-workflow';

import { readFieldServiceCredential } from '../n8n/fieldServiceCredential';
import { tokenFields, withFields } from '../n8n/output';
import { n8nTransport } from '../n8n/transport';
import {
	fieldServiceAssertionGrant,
	fieldServiceClientCredentialsGrant,
	signingKey,
	statelessAccessToken,
	type StatelessGrant,
} from '../oauth';
import { optionsCollection, textParameter, type Operation } from './common';
import { grantTokenCache } from './getClientCredentialsToken.operation';
import { grantOptions, type GrantOptions } from './grantOptions';

const show = { show: { operation: ['getFieldServiceToken'] } };
const showForAssertion = { show: { operation: ['getFieldServiceToken'], fieldServiceGrant: ['jwtAssertion'] } };

export const properties: INodeProperties[] = [
	{
		displayName: 'Authenticate Using',
		name: 'fieldServiceGrant',
		type: 'options',
		displayOptions: show,
		options: [
			{
				name: 'Client ID and Secret',
				value: 'clientCredentials',
				description: "The application's client ID and secret (grant_type=client_credentials)",
			},
			{
				name: 'JWT Assertion',
				value: 'jwtAssertion',
				description: "An assertion signed with the credential's private key: as the application, or as an OFS user",
			},
		],
		default: 'clientCredentials',
		description: "How the application proves itself to Field Service's token service",
	},
	{
		displayName: 'Act As',
		name: 'actAs',
		type: 'options',
		displayOptions: showForAssertion,
		options: [
			{
				name: 'The Application',
				value: 'application',
				description: 'Sub = ofsc:&lt;instance&gt;:&lt;application ID&gt;',
			},
			{ name: 'An OFS User', value: 'user', description: "Sub = the user's login" },
		],
		default: 'application',
	},
	{
		displayName: 'User Login',
		name: 'userLogin',
		type: 'string',
		displayOptions: { show: { ...showForAssertion.show, actAs: ['user'] } },
		default: '',
		required: true,
		description: 'The login of the OFS user the token acts for; map it per item',
	},
	optionsCollection(show, [
		...grantOptions('', "Field Service's token service").filter((option) => option.name !== 'scope'),
		{
			displayName: 'Dynamic Scope',
			name: 'dynamicScope',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://<instance>.fs.ocs.oraclecloud.com/rest/ofscCore/v1/activities/4225375',
			description:
				"Limit the token to these Field Service REST requests: one or more request URLs, query parameters allowed, separated by spaces (sent as ofsc_dynamic_scope). Empty: the application's own permissions.",
		},
	]),
];

export const execute: Operation = async ({ ctx, itemIndex, json, secrets }) => {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as GrantOptions & { dynamicScope?: string };
	const credential = await readFieldServiceCredential(ctx, itemIndex);
	secrets.push(credential.clientSecret, credential.signingPrivateKey);
	const application = {
		instanceUrl: credential.instanceUrl,
		instance: credential.instance,
		dynamicScope: String(options.dynamicScope ?? ''),
		timeoutMs: Number(options.timeoutSeconds ?? 30) * 1000,
	};
	let grant: StatelessGrant;
	if (ctx.getNodeParameter('fieldServiceGrant', itemIndex, 'clientCredentials') === 'jwtAssertion') {
		const actAsUser = ctx.getNodeParameter('actAs', itemIndex, 'application') === 'user';
		const userLogin = actAsUser ? textParameter(ctx, 'userLogin', itemIndex) : '';
		grant = fieldServiceAssertionGrant({
			...application,
			applicationId: credential.applicationId,
			userLogin,
			actAsUser,
			signingKey: signingKey({ privateKey: credential.signingPrivateKey, keyNameRequired: false }),
		});
	} else {
		grant = fieldServiceClientCredentialsGrant({
			...application,
			clientId: credential.clientId,
			clientSecret: credential.clientSecret,
		});
	}
	const result = await statelessAccessToken(
		grant,
		{ enabled: options.reuseToken !== false, marginSeconds: Math.max(0, options.expiryMarginSeconds ?? 60) },
		{ transport: n8nTransport(ctx.helpers), sleep, cache: grantTokenCache },
	);
	return withFields(json, tokenFields(result), options.outputField ?? '');
};
