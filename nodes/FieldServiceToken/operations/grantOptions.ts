import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import type { IdcsCredential } from '../n8n/credential';
import { outputFieldOption, timeoutOption } from './common';

/** The options of the operations whose grant keeps no state between calls. */
export interface GrantOptions {
	reuseToken?: boolean;
	expiryMarginSeconds?: number;
	scope?: string;
	timeoutSeconds?: number;
	outputField?: string;
}

export const grantOptions = (scopeDescription: string, server = 'the IDCS token endpoint'): INodeProperties[] => [
	{
		displayName: 'Reuse Valid Token',
		name: 'reuseToken',
		type: 'boolean',
		default: true,
		description:
			'Whether to hand out a token that is still valid instead of asking again. Items and executions presenting the same client, key or secret, subject and scope share it.',
	},
	{
		displayName: 'Expiry Margin (Seconds)',
		name: 'expiryMarginSeconds',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 60,
		description: 'A token that expires sooner than this is not reused',
	},
	{
		displayName: 'Scope',
		name: 'scope',
		type: 'string',
		default: '',
		placeholder: 'urn:opc:resource:consumer::all',
		description: scopeDescription,
	},
	timeoutOption(server),
	outputFieldOption,
];

/**
 * The scope to ask IDCS for: the option, else the credential's resource scope, never with
 * offline_access (no refresh token comes with these grants).
 */
export function resourceScope(
	ctx: IExecuteFunctions,
	options: GrantOptions,
	credential: IdcsCredential,
	itemIndex: number,
): string {
	const scope = (options.scope?.trim() || credential.resourceScope)
		.split(/\s+/)
		.filter((value) => value && value !== 'offline_access')
		.join(' ');
	if (!scope) {
		throw new NodeOperationError(ctx.getNode(), 'No scope to ask IDCS for', {
			description:
				"Set the Resource Scope in the credential (e.g. urn:opc:resource:consumer::all, as listed among the application's resources), or the Scope option.",
			itemIndex,
		});
	}
	return scope;
}
