import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { IdcsCredential } from '../n8n/credential';

/** What an operation gets for one item; it adds the secrets it handles to `secrets` for redaction. */
export interface OperationContext {
	ctx: IExecuteFunctions;
	itemIndex: number;
	json: IDataObject;
	secrets: string[];
	/** The credential, read once per execution: n8n decrypts it from its database on every read. */
	readCredential: () => Promise<IdcsCredential>;
}

export type Operation = (op: OperationContext) => Promise<IDataObject>;

/** A text parameter as resolved; an expression that found nothing (undefined, null) gives '', never "undefined". */
export function textParameter(ctx: IExecuteFunctions, name: string, itemIndex: number): string {
	const value = ctx.getNodeParameter(name, itemIndex, '') as unknown;
	return value === undefined || value === null ? '' : String(value);
}

/**
 * Seal Refresh Token For User as the node sets it: undefined when the option was not added, and ''
 * when it was but its expression found no user, so that such a request is refused, not run unsealed.
 */
export function sealForUserOf(ctx: IExecuteFunctions, options: { sealForUser?: unknown }): unknown {
	const added = (ctx.getNode().parameters.options ?? {}) as IDataObject;
	if (!Object.hasOwn(added, 'sealForUser')) return undefined;
	return options.sealForUser ?? '';
}

const clientAuthenticationOptions: INodeProperties['options'] = [
	{
		name: 'As Set in the Credential',
		value: 'credential',
		description:
			'Basic header or body fields as the credential says; without secret, a client assertion if the credential holds a private key, else the client ID only',
	},
	{
		name: 'Basic Auth Header',
		value: 'basic',
		description: 'Authorization: Basic with client ID and secret, as curl -u does',
	},
	{
		name: 'Body Fields',
		value: 'body',
		description: 'Sends client_id and client_secret as form fields',
	},
	{
		name: 'None (Public Client)',
		value: 'none',
		description: 'Sends client_id only, no secret: an IDCS Mobile Application',
	},
	{
		name: 'Client Assertion (Private Key)',
		value: 'clientAssertion',
		description: "Sends a JWT signed with the credential's private key instead of a secret (private_key_jwt)",
	},
];

export const outputFieldOption: INodeProperties = {
	displayName: 'Put Output in Field',
	name: 'outputField',
	type: 'string',
	default: '',
	placeholder: 'e.g. idcs',
	description: 'Name of a field to hold the result. Empty: the fields are added at the top level of each item.',
};

/** The Timeout option; `spends` names what a request spends once (a refresh token, a code), if anything. */
export const timeoutOption = (server: string, spends?: string): INodeProperties => ({
	displayName: 'Timeout (Seconds)',
	name: 'timeoutSeconds',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 300 },
	default: 30,
	description: spends
		? `How long the whole call to ${server} may take, 1 to 300 seconds. A request that timed out is not resent: IDCS may already have used its ${spends}.`
		: `How long the whole call to ${server} may take, 1 to 300 seconds. A request that timed out is not resent; running the workflow again is safe.`,
});

/** The client authentication choice, shared by the operations that call the token endpoint. */
export const clientAuthenticationParameter = (displayOptions: IDisplayOptions): INodeProperties => ({
	displayName: 'Client Authentication',
	name: 'clientAuthentication',
	type: 'options',
	displayOptions,
	options: clientAuthenticationOptions,
	default: 'credential',
	description: 'How the application proves itself to IDCS: its secret, or a JWT signed with its private key',
});

export const redirectUriParameter = (displayOptions: IDisplayOptions, description: string): INodeProperties => ({
	displayName: 'Redirect URI',
	name: 'redirectUri',
	type: 'string',
	displayOptions,
	default: '',
	required: true,
	placeholder: 'https://<field-service-domain>/plugin-auth-redirect/',
	description,
});

export const optionsCollection = (displayOptions: IDisplayOptions, options: INodeProperties[]): INodeProperties => ({
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	displayOptions,
	default: {},
	options,
});

/** Seal Refresh Token For User: the refresh token leaves and comes back sealed (n8n/sealedRefreshToken.ts). */
export const sealForUserOption: INodeProperties = {
	displayName: 'Seal Refresh Token For User',
	name: 'sealForUser',
	type: 'string',
	default: '',
	placeholder: 'e.g. {{ $json.body.login }}',
	description:
		'For a refresh token kept outside n8n (an OFS plugin keeps it for its signed-in user): the user it belongs to. The refresh token then comes out only as sealed_refresh_token, encrypted with a key from the credential, and goes in only sealed, for the same user.',
};
