import {
	NodeConnectionTypes,
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { CREDENTIAL_TYPE, credentialSecrets, readCredential, type IdcsCredential } from './n8n/credential';
import { errorItem, toNodeError } from './n8n/errors';
import { FIELD_SERVICE_CREDENTIAL_TYPE } from './n8n/fieldServiceCredential';
import * as buildAuthorizationRequest from './operations/buildAuthorizationRequest.operation';
import type { Operation } from './operations/common';
import * as exchangeAuthorizationCode from './operations/exchangeAuthorizationCode.operation';
import * as getClientCredentialsToken from './operations/getClientCredentialsToken.operation';
import * as getFieldServiceToken from './operations/getFieldServiceToken.operation';
import * as getUserAssertionToken from './operations/getUserAssertionToken.operation';
import * as refreshAccessToken from './operations/refreshAccessToken.operation';

const operations: Record<string, Operation> = {
	refreshAccessToken: refreshAccessToken.execute,
	exchangeAuthorizationCode: exchangeAuthorizationCode.execute,
	buildAuthorizationRequest: buildAuthorizationRequest.execute,
	getClientCredentialsToken: getClientCredentialsToken.execute,
	getUserAssertionToken: getUserAssertionToken.execute,
	getFieldServiceToken: getFieldServiceToken.execute,
};

export class FieldServiceToken implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Field Service Token',
		name: 'fieldServiceToken',
		icon: { light: 'file:fieldServiceToken.svg', dark: 'file:fieldServiceToken.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ { refreshAccessToken: "Refresh Access Token", exchangeAuthorizationCode: "Exchange Authorization Code", buildAuthorizationRequest: "Build Authorization Request", getClientCredentialsToken: "Get Client Credentials Token", getUserAssertionToken: "Get User Assertion Token", getFieldServiceToken: "Get Field Service Token" }[$parameter["operation"]] }}',
		description: 'Get an Oracle IDCS access token for Oracle Field Service and Fusion REST APIs',
		defaults: { name: 'Field Service Token' },
		// Not an AI tool, on purpose (n8n types this property as true or absent; undefined says "no" and
		// keeps the decision visible): a tool's output goes to the language model's provider, and this
		// node's output is an access token. Agents call OFS with the HTTP Request tool and a credential
		// of this package instead: n8n adds the token to the request, and the model sees only the answer.
		usableAsTool: undefined,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: CREDENTIAL_TYPE, required: true, displayOptions: { hide: { operation: ['getFieldServiceToken'] } } },
			{
				name: FIELD_SERVICE_CREDENTIAL_TYPE,
				required: true,
				displayOptions: { show: { operation: ['getFieldServiceToken'] } },
			},
		],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Build Authorization Request',
						value: 'buildAuthorizationRequest',
						action: 'Build an authorization request',
						description: 'Make the IDCS authorize URL and the Plugin API getAuthorizationCode message',
					},
					{
						name: 'Exchange Authorization Code',
						value: 'exchangeAuthorizationCode',
						action: 'Exchange an authorization code',
						description: 'Turn the code from getAuthorizationCode into an access token and a refresh token',
					},
					{
						name: 'Get Client Credentials Token',
						value: 'getClientCredentialsToken',
						action: 'Get a client credentials token',
						description:
							'Get an access token for the application itself (client credentials grant), as Fusion Field Service requires',
					},
					{
						name: 'Get Field Service Token',
						value: 'getFieldServiceToken',
						action: 'Get a field service token',
						description:
							"Get an access token from Field Service's own token service, with the Oracle Field Service API credential",
					},
					{
						name: 'Get User Assertion Token',
						value: 'getUserAssertionToken',
						action: 'Get a user assertion token',
						description:
							'Get an access token that acts for a named user, with a JWT signed by the application (no password, no refresh token)',
					},
					{
						name: 'Refresh Access Token',
						value: 'refreshAccessToken',
						action: 'Refresh an access token',
						description: 'Turn a refresh token into a fresh access token, reusing a valid one',
					},
				],
				// Listed alphabetically, as n8n lists options; refreshing stays the default.
				default: 'refreshAccessToken',
			},
			...refreshAccessToken.properties,
			...exchangeAuthorizationCode.properties,
			...buildAuthorizationRequest.properties,
			...getClientCredentialsToken.properties,
			...getUserAssertionToken.properties,
			...getFieldServiceToken.properties,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const returnData: INodeExecutionData[] = [];
		let credential: Promise<IdcsCredential> | undefined;
		let credentialRead: IdcsCredential | undefined;
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			// Whatever an item's error says is redacted for these: the item's own secrets, and the
			// credential's as they were when the item read it and as they are when it fails.
			const secrets: string[] = [];
			const readCredentialOnce = async () => {
				credential ??= readCredential(this, itemIndex).then((read) => (credentialRead = read));
				const read = await credential;
				secrets.push(...credentialSecrets(read));
				return read;
			};
			try {
				const operation = this.getNodeParameter('operation', itemIndex) as string;
				const run = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
				if (!run) {
					// n8n offers "Custom API Call" on nodes whose credential extends oAuth2Api.
					throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not one of this node's`, {
						description:
							'Choose Refresh Access Token, Exchange Authorization Code, Build Authorization Request, Get Client Credentials Token, Get User Assertion Token or Get Field Service Token. To call an OFS or Fusion REST API, use an HTTP Request node with Authorization = {{ $json.authorization }}, or with the Oracle IDCS OAuth2 API credential as predefined credential type.',
						itemIndex,
					});
				}
				const json = await run({
					ctx: this,
					itemIndex,
					json: items[itemIndex].json,
					secrets,
					readCredential: readCredentialOnce,
				});
				returnData.push({ json, pairedItem: { item: itemIndex } });
			} catch (error) {
				const known = [...secrets, ...(credentialRead ? credentialSecrets(credentialRead) : [])];
				const nodeError = toNodeError(this.getNode(), error, itemIndex, known);
				if (this.continueOnFail()) {
					returnData.push(errorItem(nodeError, itemIndex));
					continue;
				}
				throw nodeError;
			}
		}
		return [returnData];
	}
}
