import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/** What an operation gets for one item; it adds the secrets it handles to `secrets` for redaction. */
export interface OperationContext {
	ctx: IExecuteFunctions;
	itemIndex: number;
	json: IDataObject;
	secrets: string[];
}

export type Operation = (op: OperationContext) => Promise<IDataObject>;

export const clientAuthenticationOptions: INodeProperties['options'] = [
	{
		name: 'As Set in the Credential',
		value: 'credential',
		description: 'Basic header or body fields as the credential says; a credential without secret sends its client ID only',
	},
	{
		name: 'Basic Auth Header',
		value: 'basic',
		description: 'Authorization: Basic with client ID and secret, as curl -u does',
	},
	{
		name: 'Body Fields',
		value: 'body',
		description: 'Client_id and client_secret as form fields',
	},
	{
		name: 'None (Public Client)',
		value: 'none',
		description: 'Client_id only, no secret: an IDCS Mobile Application',
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

export const timeoutOption: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeoutSeconds',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 30,
	description: 'How long to wait for the IDCS token endpoint. A request that timed out is not resent: IDCS may already have used its refresh token.',
};
