/**
 * Runs a node's `execute()` inside a real n8n-core `ExecuteContext`.
 *
 * Real: parameter and expression resolution, `getCredentials` (defaults of the credential type and
 * its `extends` chain, hidden `={{ $self... }}` fields resolved as n8n's CredentialsHelper does),
 * `continueOnFail()`, `helpers.httpRequest` (OutboundHttp from @n8n/backend-network, over the
 * network) and `helpers.refreshOAuth2Token` (@n8n/client-oauth2, SingleFlightLease over the real
 * in-process LockService, write-back through `updateCredentialsOauthTokenData`).
 *
 * Stand-ins, because they are infrastructure: a silent Logger, an InstanceSettings that touches no
 * files (the real one creates ~/.n8n/config), and a credential store in memory instead of the
 * encrypted database (JSON round trips stand for encryption, so no object is shared with the node).
 */
import { LockService, Logger } from '@n8n/backend-common';
import { OutboundHttp } from '@n8n/backend-network';
import { Container } from '@n8n/di';
import { ExecuteContext, InstanceSettings, getAdditionalKeys } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	UserError,
	Workflow,
	createRunExecutionData,
	isNodeClassInstance,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialsExpressionResolveValues,
	type ICredentialType,
	type IExecuteData,
	type IHttpRequestHelper,
	type INode,
	type INodeCredentialsDetails,
	type INodeExecutionData,
	type INodeParameters,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { IdcsClientCredentialsOAuth2Api } from '../../credentials/IdcsClientCredentialsOAuth2Api.credentials';
import { IdcsOAuth2Api } from '../../credentials/IdcsOAuth2Api.credentials';
import { OracleFieldServiceApi } from '../../credentials/OracleFieldServiceApi.credentials';

/** The id and name of a credential unless the test gives its own. */
export const CREDENTIAL_ID = 'cred-1';
export const CREDENTIAL_NAME = 'IDCS account';
export const INPUT_NODE_NAME = 'Input';
export const NODE_NAME = 'Node under test';

/** One stored credential: its id and name as a node refers to it, the stored (decrypted) data, incl.
 * oauthTokenData; `updates` counts n8n's write-backs, `reads` its decryptions (each one a database
 * read in n8n). Stores with different ids are different credentials, so executions run at once with
 * them are two credentials at work side by side. `afterRead(n)` runs after the n-th read was served,
 * before the reader gets it: another n8n process changing the credential meanwhile. */
export interface CredentialStore {
	readonly id: string;
	readonly name: string;
	data: Record<string, unknown>;
	updates: number;
	reads: number;
	afterRead?: (read: number) => void | Promise<void>;
}

export function credentialStore(
	data: Record<string, unknown>,
	{ id = CREDENTIAL_ID, name = CREDENTIAL_NAME }: { id?: string; name?: string } = {},
): CredentialStore {
	return { id, name, data: roundTrip(data), updates: 0, reads: 0 };
}

export interface RunNodeOptions {
	nodeType: INodeType;
	/** Node parameters; '={{ ... }}' expressions see the input items ($json, $input, $('Input')). */
	parameters: INodeParameters;
	/** The node's credential, referred to by the store's id and name. */
	credential: CredentialStore;
	/** The credential's type; 'idcsOAuth2Api' unless given. */
	credentialType?: string;
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Container services n8n-core reaches for; set once per module registry (so once per jest file).

const silentLogger = {
	error() {},
	warn() {},
	info() {},
	debug() {},
	scoped() {
		return silentLogger;
	},
} as unknown as Logger;

Container.set(Logger, silentLogger);
Container.set(InstanceSettings, {
	instanceId: 'test-instance',
	hostId: 'main-test',
	instanceType: 'main',
	hmacSignatureSecret: 'test-hmac-secret',
	encryptionKey: 'test-encryption-key',
	isMultiMain: false,
	isSingleMain: true,
	isWorker: false,
	isLeader: true,
	isFollower: false,
} as unknown as InstanceSettings);
// Real services: OutboundHttp (with its SSRF config from the environment, off by default) and
// LockService (its default provider is the in-process lock, no database). Built now so a missing
// dependency fails here rather than in the middle of a refresh.
Container.get(OutboundHttp);
Container.get(LockService);

// ---------------------------------------------------------------------------------------------
// Credential types: the package's own, and n8n-nodes-base's oAuth2Api (not installed here) as far
// as it shapes what an extending credential resolves to. Fields marked doNotInherit upstream
// (ignoreSSLIssues, tokenExpiredStatusCode, jweEnabled, jwksUri, inlineJwks) never reach a child,
// so they are left out.

const notDcr = { useDynamicClientRegistration: [false] };

class OAuth2Api implements ICredentialType {
	name = 'oAuth2Api';
	displayName = 'OAuth2 API';
	genericAuth = true;
	properties: INodeProperties[] = [
		{
			displayName: 'Use Dynamic Client Registration',
			name: 'useDynamicClientRegistration',
			type: 'hidden',
			default: false,
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'options',
			displayOptions: { show: notDcr },
			options: [
				{ name: 'Authorization Code', value: 'authorizationCode' },
				{ name: 'Client Credentials', value: 'clientCredentials' },
				{ name: 'PKCE', value: 'pkce' },
			],
			default: 'authorizationCode',
		},
		{
			displayName: 'Server URL',
			name: 'serverUrl',
			type: 'string',
			displayOptions: { show: { useDynamicClientRegistration: [true] } },
			default: '',
			required: true,
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'string',
			displayOptions: { show: { grantType: ['authorizationCode', 'pkce'], ...notDcr } },
			default: '',
			required: true,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'string',
			displayOptions: { show: notDcr },
			default: '',
			required: true,
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			displayOptions: { show: notDcr },
			default: '',
			required: true,
		},
		{ displayName: 'Authentication', name: 'clientCredentialType', type: 'hidden', default: 'clientSecret' },
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			displayOptions: { show: notDcr },
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{ displayName: 'Private Key', name: 'privateKey', type: 'hidden', default: '' },
		{ displayName: 'Certificate', name: 'certificate', type: 'hidden', default: '' },
		{ displayName: 'Scope', name: 'scope', type: 'string', displayOptions: { show: notDcr }, default: '' },
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'string',
			displayOptions: { show: { grantType: ['authorizationCode', 'pkce'], ...notDcr } },
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			displayOptions: { show: notDcr },
			options: [
				{ name: 'Body', value: 'body' },
				{ name: 'Header', value: 'header' },
			],
			default: 'header',
		},
		{
			displayName: 'Send Additional Body Properties',
			name: 'sendAdditionalBodyProperties',
			type: 'boolean',
			default: false,
			displayOptions: { show: { grantType: ['clientCredentials'], authentication: ['body'], ...notDcr } },
		},
		{
			displayName: 'Additional Body Properties',
			name: 'additionalBodyProperties',
			type: 'json',
			displayOptions: {
				show: {
					grantType: ['clientCredentials'],
					authentication: ['body'],
					sendAdditionalBodyProperties: [true],
					...notDcr,
				},
			},
			default: '',
		},
	];
}

const credentialTypes: Record<string, ICredentialType> = Object.fromEntries(
	[new OAuth2Api(), new IdcsOAuth2Api(), new IdcsClientCredentialsOAuth2Api(), new OracleFieldServiceApi()].map(
		(type) => [type.name, type],
	),
);

function credentialType(name: string): ICredentialType {
	const type = credentialTypes[name];
	if (!type) throw new UserError(`Unknown credential type "${name}"`);
	return type;
}

/** packages/cli's OAUTH_PINNED_FIELDS: stored values of these are dropped when the type hides them. */
const OAUTH_PINNED_FIELDS = [
	'useDynamicClientRegistration',
	'authUrl',
	'accessTokenUrl',
	'grantType',
	'authentication',
	'usePkce',
	'requestTokenUrl',
	'signatureMethod',
];

const roundTrip = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * packages/cli's CredentialsHelper, reduced to one in-memory credential: no overwrites, no external
 * secrets, no dynamic (per-user) credentials.
 */
class InMemoryCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly store: CredentialStore,
		private readonly storedType: string,
		private readonly nodeTypes: INodeTypes,
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		const parents = credentialType(name).extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: never,
	): Promise<never> {
		const authenticate = credentialType(typeName).authenticate;
		if (typeof authenticate === 'function') return (await authenticate(credentials, requestOptions)) as never;
		return requestOptions;
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const { preAuthentication } = credentialType(typeName);
		if (typeof preAuthentication !== 'function') return undefined;
		return ((await preAuthentication.call(helpers, credentials)) ?? undefined) as
			ICredentialDataDecryptedObject | undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new UserError('The test credential store hands out decrypted data only');
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialTypeData = credentialType(type);
		if (credentialTypeData.extends === undefined) {
			if (['oAuth1Api', 'oAuth2Api'].includes(type)) {
				return [
					...credentialTypeData.properties,
					{ displayName: 'oauthTokenData', name: 'oauthTokenData', type: 'json', required: false, default: {} },
				];
			}
			return credentialTypeData.properties;
		}
		const combined: INodeProperties[] = [];
		for (const parent of credentialTypeData.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialTypeData.properties);
		return combined;
	}

	private stored(nodeCredentials: INodeCredentialsDetails, type: string): Record<string, unknown> {
		if (nodeCredentials.id !== this.store.id || type !== this.storedType) {
			throw new UserError(`Credential with ID "${nodeCredentials.id}" does not exist for type "${type}".`);
		}
		return roundTrip(this.store.data);
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const decryptedDataOriginal = this.stored(nodeCredentials, type) as ICredentialDataDecryptedObject;
		this.store.reads++;
		await this.store.afterRead?.(this.store.reads);
		if (raw === true) return decryptedDataOriginal;
		return await this.applyDefaultsAndOverwrites(
			additionalData,
			decryptedDataOriginal,
			type,
			mode,
			executeData,
			expressionResolveValues,
		);
	}

	/** As packages/cli's CredentialsHelper.applyDefaultsAndOverwrites (2.41), minus overwrites and JSON leaves. */
	private async applyDefaultsAndOverwrites(
		additionalData: IWorkflowExecuteAdditionalData,
		decryptedDataOriginal: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const credentialsProperties = this.getCredentialsProperties(type);
		const storedData = { ...decryptedDataOriginal };
		for (const field of OAUTH_PINNED_FIELDS) {
			if (credentialsProperties.some((p) => p.name === field && p.type === 'hidden')) delete storedData[field];
		}
		let decryptedData = NodeHelpers.getNodeParameters(
			credentialsProperties,
			storedData as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (decryptedDataOriginal.oauthTokenData !== undefined) {
			decryptedData.oauthTokenData = decryptedDataOriginal.oauthTokenData;
		}
		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });
		if (expressionResolveValues) {
			try {
				decryptedData = expressionResolveValues.workflow.expression.getParameterValue(
					decryptedData as INodeParameters,
					expressionResolveValues.runExecutionData,
					expressionResolveValues.runIndex,
					expressionResolveValues.itemIndex,
					expressionResolveValues.node.name,
					expressionResolveValues.connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					decryptedData,
				) as ICredentialDataDecryptedObject;
			} catch (e) {
				(e as Error).message += ' [Error resolving credentials]';
				throw e;
			}
		} else {
			const mockNode: INode = { id: 'mock', name: '', typeVersion: 1, type: 'mock', position: [0, 0], parameters: {} };
			const workflow = new Workflow({ nodes: [mockNode], connections: {}, active: false, nodeTypes: this.nodeTypes });
			await workflow.expression.acquireIsolate();
			try {
				decryptedData = workflow.expression.getComplexParameterValue(
					mockNode,
					decryptedData as INodeParameters,
					mode,
					additionalKeys,
					undefined,
					undefined,
					decryptedData,
				) as ICredentialDataDecryptedObject;
			} finally {
				await workflow.expression.releaseIsolate();
			}
		}
		return decryptedData;
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.stored(nodeCredentials, type);
		this.store.data = roundTrip(data);
		this.store.updates++;
	}

	/** As n8n: only oauthTokenData is merged into the stored (not the resolved) data. */
	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = this.stored(nodeCredentials, type);
		this.store.data = roundTrip({ ...stored, oauthTokenData: data.oauthTokenData });
		this.store.updates++;
	}
}

// ---------------------------------------------------------------------------------------------

const INPUT_NODE_TYPE = 'n8n-nodes-base.manualTrigger';

const inputNodeType: INodeType = {
	description: {
		displayName: 'Input',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Stands for whatever produced the items',
		defaults: { name: INPUT_NODE_NAME },
		inputs: [],
		outputs: ['main'],
		properties: [],
	},
};

function nodeTypesFor(typeName: string, nodeType: INodeType): INodeTypes {
	const types: Record<string, INodeType> = { [typeName]: nodeType, [INPUT_NODE_TYPE]: inputNodeType };
	return {
		getByName: (name) => types[name],
		getByNameAndVersion: (name) => types[name],
		getKnownTypes: () => ({}),
	};
}

export async function runNode(options: RunNodeOptions): Promise<INodeExecutionData[][]> {
	const { nodeType, credential } = options;
	// The items as the Input node's output; pairedItem lets $('Input').item find its item.
	const items = roundTrip(options.items ?? [{ json: {} }]).map((item, index) => ({
		pairedItem: { item: index },
		...item,
	}));
	const mode: WorkflowExecuteMode = 'manual';
	const typeName = `n8n-nodes-field-service-token.${nodeType.description.name}`;
	const credentialTypeName = options.credentialType ?? new IdcsOAuth2Api().name;
	const nodeTypes = nodeTypesFor(typeName, nodeType);

	const inputNode: INode = {
		id: 'input-node',
		name: INPUT_NODE_NAME,
		type: INPUT_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const node: INode = {
		id: 'node-under-test',
		name: NODE_NAME,
		type: typeName,
		typeVersion: Array.isArray(nodeType.description.version)
			? Math.max(...nodeType.description.version)
			: nodeType.description.version,
		position: [200, 0],
		parameters: roundTrip(options.parameters),
		credentials: { [credentialTypeName]: { id: credential.id, name: credential.name } },
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
	// Like n8n, the Workflow fills in the parameters' defaults.
	const workflow = new Workflow({
		id: 'test-workflow',
		name: 'Test workflow',
		nodes: [inputNode, node],
		connections: { [INPUT_NODE_NAME]: { main: [[{ node: NODE_NAME, type: 'main', index: 0 }]] } },
		active: false,
		nodeTypes,
		settings: {},
	});
	const workflowNode = workflow.getNode(NODE_NAME)!;

	const runExecutionData = createRunExecutionData({
		resultData: {
			runData: {
				[INPUT_NODE_NAME]: [
					{
						startTime: 0,
						executionIndex: 0,
						executionTime: 0,
						source: [],
						executionStatus: 'success',
						data: { main: [items] },
					},
				],
			},
			lastNodeExecuted: INPUT_NODE_NAME,
		},
	});
	const inputData = { main: [items] };
	const executeData: IExecuteData = {
		node: workflowNode,
		data: inputData,
		source: { main: [{ previousNode: INPUT_NODE_NAME, previousNodeOutput: 0, previousNodeRun: 0 }] },
	};

	const additionalData = {
		credentialsHelper: new InMemoryCredentialsHelper(credential, credentialTypeName, nodeTypes),
		executionId: 'test-execution',
		workflowId: workflow.id,
		currentNodeExecutionIndex: 1,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formBaseUrl: 'http://localhost:5678/form',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		formTestBaseUrl: 'http://localhost:5678/form-test',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		mcpBaseUrl: 'http://localhost:5678/mcp',
		mcpTestBaseUrl: 'http://localhost:5678/mcp-test',
		variables: {},
		executeWorkflow: async () => {
			throw new UserError('Sub-workflows are not available in the test harness');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
	} as unknown as IWorkflowExecuteAdditionalData;

	const closeFunctions: Array<() => Promise<void>> = [];
	const context = new ExecuteContext(
		workflow,
		workflowNode,
		additionalData,
		mode,
		runExecutionData,
		0,
		items,
		inputData,
		executeData,
		closeFunctions,
		new AbortController().signal,
	);

	// As WorkflowExecute.initializeExecution/executeNode: the expression isolate (a no-op unless
	// the VM expression engine is on), then execute() with the context as `this`.
	const acquired = await workflow.expression.acquireIsolate();
	try {
		if (!nodeType.execute) throw new UserError('The node type has no execute()');
		const result = isNodeClassInstance(nodeType)
			? await (nodeType.execute as unknown as (ctx: ExecuteContext) => Promise<unknown>)(context)
			: await nodeType.execute.call(context);
		return result as INodeExecutionData[][];
	} finally {
		await Promise.allSettled(closeFunctions.map(async (close) => await close()));
		if (acquired) await workflow.expression.releaseIsolate();
	}
}
