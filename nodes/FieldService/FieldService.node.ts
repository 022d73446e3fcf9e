import {
	NodeConnectionTypes,
	NodeOperationError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../FieldServiceToken/n8n/credential';
import { FIELD_SERVICE_CREDENTIAL_TYPE } from '../FieldServiceToken/n8n/fieldServiceCredential';
import { errorItem } from '../FieldServiceToken/n8n/errors';
import { n8nTransport } from '../FieldServiceToken/n8n/transport';
import { collectionPage, listCollection, sendApiRequest, type ApiRequest } from './api';
import { CLIENT_CREDENTIALS_CREDENTIAL_TYPE, authorize, type Authentication } from './n8n/authorization';
import { toNodeError } from './n8n/errors';
import * as activity from './operations/activity';
import { collectionEntity } from './operations/collectionEntity';
import type { Operation } from './operations/common';
import { OFS_CORE } from './operations/paths';
import * as request from './operations/request';

const resource = collectionEntity({
	resource: 'resource',
	singular: 'resource',
	plural: 'resources',
	path: `${OFS_CORE}/resources`,
	idName: 'resourceId',
	idLabel: 'Resource ID',
	placeholder: 'e.g. FS-TECH-0042',
});
const user = collectionEntity({
	resource: 'user',
	singular: 'user',
	plural: 'users',
	path: `${OFS_CORE}/users`,
	idName: 'login',
	idLabel: 'Login',
	placeholder: 'e.g. ofs.dispatcher',
});

const operations: Record<string, Record<string, Operation>> = {
	activity: activity.execute,
	resource: resource.execute,
	user: user.execute,
	request: request.execute,
};

/** An answer holds far more than a token: Get activities answers up to 20 MB. */
const MAX_RESPONSE_BYTES = 25 * 1024 * 1024;

const IDCS_WAYS: Authentication[] = ['idcsConnected', 'idcsClientCredentials'];
const INSTANCE_URL_WAYS: Authentication[] = [...IDCS_WAYS, 'idcsClientCredentialsApi'];

export class FieldService implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Field Service',
		name: 'fieldService',
		icon: { light: 'file:fieldService.svg', dark: 'file:fieldService.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Call the Oracle Field Service REST API with a token the node gets itself, never shown',
		defaults: { name: 'Field Service' },
		// An AI agent may call it: its output is Field Service's data, never a token or a secret.
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: CREDENTIAL_TYPE, required: true, displayOptions: { show: { authentication: IDCS_WAYS } } },
			{
				name: CLIENT_CREDENTIALS_CREDENTIAL_TYPE,
				required: true,
				displayOptions: { show: { authentication: ['idcsClientCredentialsApi'] } },
			},
			{
				name: FIELD_SERVICE_CREDENTIAL_TYPE,
				required: true,
				displayOptions: { show: { authentication: ['fieldServiceToken', 'fieldServiceBasic'] } },
			},
		],
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Field Service Basic',
						value: 'fieldServiceBasic',
						description:
							'Basic &lt;client ID&gt;@&lt;instance&gt; and the secret of the Oracle Field Service API credential',
					},
					{
						name: 'Field Service Token Service',
						value: 'fieldServiceToken',
						description: "A token from Field Service's own token service, with the Oracle Field Service API credential",
					},
					{
						name: 'IDCS (Connected Account)',
						value: 'idcsConnected',
						description:
							"The Oracle IDCS OAuth2 API credential's refresh token: the user who connected it; each rotated refresh token is kept",
					},
					{
						name: 'IDCS Client Credentials (Client Credentials Credential)',
						value: 'idcsClientCredentialsApi',
						description:
							'The IDCS application itself (client credentials grant), with the Oracle IDCS Client Credentials credential',
					},
					{
						name: 'IDCS Client Credentials (OAuth2 API Credential)',
						value: 'idcsClientCredentials',
						description:
							'The IDCS application itself (client credentials grant), with the Oracle IDCS OAuth2 API credential, as Fusion Field Service requires',
					},
				],
				default: 'idcsConnected',
			},
			{
				displayName: 'Instance URL',
				name: 'instanceUrl',
				type: 'string',
				required: true,
				displayOptions: { show: { authentication: INSTANCE_URL_WAYS } },
				default: '',
				placeholder: 'https://<instance>.fs.ocs.oraclecloud.com',
				description: 'The address of the Field Service instance the IDCS token is for',
			},
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Activity', value: 'activity' },
					{ name: 'Request', value: 'request', description: 'Any REST request under the instance' },
					{ name: 'Resource', value: 'resource', description: 'Technicians, crews, buckets' },
					{ name: 'User', value: 'user' },
				],
				default: 'activity',
			},
			activity.operations,
			resource.operations,
			user.operations,
			request.operations,
			...activity.properties,
			...resource.properties,
			...user.properties,
			...request.properties,
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeoutSeconds',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 600 },
				default: 60,
				description:
					'How long each request to Field Service may take. A request that timed out is not resent: Field Service may have carried it out.',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const returnData: INodeExecutionData[] = [];
		const transport = n8nTransport(this.helpers);
		const reads = new Map<string, Promise<unknown>>();
		const once = <T>(key: string, read: () => Promise<T>): Promise<T> => {
			if (!reads.has(key)) reads.set(key, read());
			return reads.get(key) as Promise<T>;
		};
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			// Every token and secret this item handles, for redaction: filled as they are read or issued.
			const secrets: string[] = [];
			try {
				const resourceName = this.getNodeParameter('resource', itemIndex) as string;
				const operationName = this.getNodeParameter('operation', itemIndex) as string;
				const byResource = Object.hasOwn(operations, resourceName) ? operations[resourceName] : undefined;
				const run = byResource && Object.hasOwn(byResource, operationName) ? byResource[operationName] : undefined;
				if (!run) {
					throw new NodeOperationError(
						this.getNode(),
						`The operation "${operationName}" of "${resourceName}" is not one of this node's`,
						{
							description:
								'Choose Activity, Resource or User and one of their operations; for any other Field Service call, choose Resource "Request".',
							itemIndex,
						},
					);
				}
				const authentication = this.getNodeParameter('authentication', itemIndex) as Authentication;
				const { origin, authorization } = await authorize(this, authentication, itemIndex, {
					instanceUrl: () => String(this.getNodeParameter('instanceUrl', itemIndex, '') ?? ''),
					secrets,
					transport,
					once,
				});
				const options = {
					origin,
					timeoutMs: Number(this.getNodeParameter('timeoutSeconds', itemIndex, 60)) * 1000,
					maxResponseBytes: MAX_RESPONSE_BYTES,
				};
				const deps = { transport, sleep };
				const send = (apiRequest: ApiRequest) => sendApiRequest(apiRequest, authorization, options, deps);
				const list = (path: string, query: ApiRequest['query'], limit: number) =>
					listCollection(
						async (offset, pageSize) =>
							collectionPage(
								(await send({ method: 'GET', path, query: { ...query, offset, limit: pageSize } })).body,
								path,
							),
						limit,
						path,
					);
				const results = await run({ ctx: this, itemIndex, send, list });
				for (const json of results) returnData.push({ json: json as IDataObject, pairedItem: { item: itemIndex } });
			} catch (error) {
				const nodeError = toNodeError(this.getNode(), error, itemIndex, secrets);
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
