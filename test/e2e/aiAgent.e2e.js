// Tokens go to workflow steps, never to a language model. In real n8n, an AI Agent whose chat model is
// a local OpenAI-compatible stand-in that records everything it is sent: the agent calls the OFS API
// through n8n's HTTP Request tool with the package's client credentials credential (the way the README
// shows for agents), and neither the access token nor the client secret reaches the model. The Field
// Service Token node itself is not offered as a tool (package.e2e.js: n8n loads no Tool variant of it).
// The Field Service node is: as the agent's tool it gets its token itself, and the model receives
// Field Service's data only.
const { n8n, local, newUserFolder, expectSuccess, findSecrets } = require('./helpers');
const { startChatModel } = require('./chatModel');

const RESOURCE_SCOPE = 'urn:opc:resource:consumer::all';
const WORKFLOW_ID = 'aiAgentOfs000001';
const AGENT = 'AI Agent';
const TOOL = 'OFS resources';
const CHAT_MODEL = 'OpenAI Chat Model';

let idcs;
let model;
let folder;

const FIELD_SERVICE_WORKFLOW_ID = 'aiAgentFsNode001';
const FIELD_SERVICE_TOOL = 'Field Service resources';

/** The same agent with the Field Service node as its tool (IDCS client credentials, the `service` application). */
function fieldServiceAgentWorkflow() {
	const workflow = agentWorkflow();
	workflow.id = FIELD_SERVICE_WORKFLOW_ID;
	workflow.name = 'e2e AI Agent with the Field Service tool';
	const tool = workflow.nodes.find((node) => node.name === TOOL);
	Object.assign(tool, {
		name: FIELD_SERVICE_TOOL,
		type: `${n8n.PACKAGE_NAME}.fieldServiceTool`,
		typeVersion: 1,
		parameters: {
			toolDescription: 'Lists the resources (technicians, buckets) of Oracle Field Service',
			authentication: 'idcsClientCredentials',
			instanceUrl: idcs.ofsBaseUrl,
			resource: 'resource',
			operation: 'getMany',
			returnAll: true,
		},
		credentials: { [n8n.CREDENTIAL_TYPE]: { id: 'aiIdcsNodeCred01', name: 'local service (IDCS)' } },
	});
	delete workflow.connections[TOOL];
	workflow.connections[FIELD_SERVICE_TOOL] = { ai_tool: [[{ node: AGENT, type: 'ai_tool', index: 0 }]] };
	return workflow;
}

function agentWorkflow() {
	const trigger = 'Manual Trigger';
	return {
		id: WORKFLOW_ID,
		name: 'e2e AI Agent with the HTTP Request tool',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'ai-trigger',
				name: trigger,
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'ai-agent',
				name: AGENT,
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3,
				position: [240, 0],
				parameters: { promptType: 'define', text: 'Which Field Service resources are there?', options: {} },
			},
			{
				id: 'ai-model',
				name: CHAT_MODEL,
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.2,
				position: [160, 220],
				parameters: { model: { __rl: true, mode: 'id', value: 'gpt-4o-mini' }, options: {} },
				credentials: { openAiApi: { id: 'aiLocalModel0001', name: 'local chat model' } },
			},
			{
				id: 'ai-tool',
				name: TOOL,
				type: 'n8n-nodes-base.httpRequestTool',
				typeVersion: 4.2,
				position: [360, 220],
				parameters: {
					toolDescription: 'Lists the resources (technicians, buckets) of Oracle Field Service',
					method: 'GET',
					url: `${idcs.ofsBaseUrl}/rest/ofscCore/v1/resources`,
					authentication: 'predefinedCredentialType',
					nodeCredentialType: 'idcsClientCredentialsOAuth2Api',
					options: {},
				},
				credentials: { idcsClientCredentialsOAuth2Api: { id: 'aiIdcsService001', name: 'local service' } },
			},
		],
		connections: {
			[trigger]: { main: [[{ node: AGENT, type: 'main', index: 0 }]] },
			[CHAT_MODEL]: { ai_languageModel: [[{ node: AGENT, type: 'ai_languageModel', index: 0 }]] },
			[TOOL]: { ai_tool: [[{ node: AGENT, type: 'ai_tool', index: 0 }]] },
		},
	};
}

beforeAll(async () => {
	idcs = await local.startIdcs();
	model = await startChatModel();
	folder = newUserFolder();
	const { service } = idcs.clients;
	await n8n.importCredentials(folder, [
		{
			id: 'aiLocalModel0001',
			name: 'local chat model',
			type: 'openAiApi',
			data: { apiKey: 'sk-local-model-key', url: `${model.url}/v1` },
		},
		{
			id: 'aiIdcsService001',
			name: 'local service',
			type: 'idcsClientCredentialsOAuth2Api',
			data: {
				domainUrl: idcs.issuer,
				clientId: service.clientId,
				clientSecret: service.clientSecret,
				resourceScope: RESOURCE_SCOPE,
				authentication: 'header',
			},
		},
		local.credential('aiIdcsNodeCred01', 'local service (IDCS)', {
			domainUrl: idcs.issuer,
			clientId: service.clientId,
			clientSecret: service.clientSecret,
			resourceScope: RESOURCE_SCOPE,
			authentication: 'header',
		}),
	]);
	await n8n.importWorkflows(folder, [agentWorkflow(), fieldServiceAgentWorkflow()]);
});

afterAll(async () => {
	await model?.stop();
	await idcs?.stop();
});

test('an AI Agent calls OFS through the HTTP Request tool and the credential; the model never receives a token or secret', async () => {
	const result = await n8n.executeWorkflow(folder, WORKFLOW_ID);
	expectSuccess(result);
	expect(result.output(AGENT)).toEqual([{ output: 'Two resources: Dispatcher Demo and Field Technician 42.' }]);

	// The model was asked, offered the tool, asked for it, and got its result: what OFS answered.
	const received = model.received();
	expect(received.map((r) => `${r.method} ${r.url}`)).toEqual([
		'POST /v1/chat/completions',
		'POST /v1/chat/completions',
	]);
	const [first, second] = received.map((r) => JSON.parse(r.body));
	expect(first.tools.map((tool) => tool.function.name)).toEqual(['OFS_resources']);
	const toolResult = second.messages.find((message) => message.role === 'tool');
	expect(toolResult.content).toContain('Field Technician 42');

	// n8n got a token from IDCS (client credentials) and sent it to OFS only.
	const tokenRequests = (await idcs.tokenRequests()).filter((r) => r.clientId === idcs.clients.service.clientId);
	expect(tokenRequests.map((r) => [r.grantType, r.status])).toEqual([['client_credentials', 200]]);
	const { clientId, clientSecret } = idcs.clients.service;
	const secrets = [
		tokenRequests[0].response.access_token,
		clientSecret,
		Buffer.from(`${clientId}:${clientSecret}`).toString('base64'),
	];
	// (findSecrets looks for values of 8 characters or more: these are.)
	expect(secrets.map((secret) => secret.length >= 8)).toEqual([true, true, true]);
	const texts = Object.fromEntries(received.map((request, index) => [`request ${index + 1}`, JSON.stringify(request)]));
	expect(findSecrets(secrets, { texts })).toEqual([]);
});

test('an AI Agent calls the Field Service node as its tool; the model gets the resources, never the token or the secret', async () => {
	const before = model.received().length;
	await idcs.clearRequests();
	const result = await n8n.executeWorkflow(folder, FIELD_SERVICE_WORKFLOW_ID);
	expectSuccess(result);
	expect(result.output(AGENT)).toEqual([{ output: 'Two resources: Dispatcher Demo and Field Technician 42.' }]);

	const received = model.received().slice(before);
	expect(received).toHaveLength(2);
	const [first, second] = received.map((r) => JSON.parse(r.body));
	expect(first.tools.map((tool) => tool.function.name)).toEqual(['Field_Service_resources']);
	const toolResult = second.messages.find((message) => message.role === 'tool');
	expect(toolResult.content).toContain('FS-DISPATCH-01');
	expect(toolResult.content).toContain('Field Technician 42');

	// The node got its token from IDCS (client credentials) and sent it to Field Service only.
	const tokenRequests = await idcs.tokenRequests();
	expect(tokenRequests.map((r) => [r.grantType, r.clientId, r.status])).toEqual([
		['client_credentials', idcs.clients.service.clientId, 200],
	]);
	expect((await idcs.ofsRequests()).map((e) => [e.path, e.status, e.token])).toEqual([
		['/rest/ofscCore/v1/resources', 200, 1],
	]);
	const { clientId, clientSecret } = idcs.clients.service;
	const secrets = [
		tokenRequests[0].response.access_token,
		clientSecret,
		Buffer.from(`${clientId}:${clientSecret}`).toString('base64'),
	];
	const texts = Object.fromEntries(received.map((request, index) => [`request ${index + 1}`, JSON.stringify(request)]));
	expect(findSecrets(secrets, { texts })).toEqual([]);
	// What the model is sent holds no Authorization value of the node's (the headers carry the model's own API key).
	expect(received.map((request) => request.body).join('\n')).not.toMatch(/Bearer |Basic /);
});
