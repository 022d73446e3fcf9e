// Tokens go to workflow steps, never to a language model. In real n8n, an AI Agent whose chat model is
// a local OpenAI-compatible stand-in that records everything it is sent: the agent calls the OFS API
// through n8n's HTTP Request tool with the package's client credentials credential (the way the README
// shows for agents), and neither the access token nor the client secret reaches the model. The Field
// Service Token node itself is not offered as a tool (package.e2e.js: n8n loads no Tool variant of it).
// The Field Service node is: as the agent's tool it gets its token itself, and the model receives
// Field Service's data only.
const { n8n, prepared, expectSuccess, findSecrets } = require('./helpers');
const { startChatModel } = require('./chatModel');
const { WORKFLOW_ID, FIELD_SERVICE_WORKFLOW_ID, AGENT } = require('./fixtures/aiAgent');

let idcs;
let model;
let folder;

beforeAll(async () => {
	let ports;
	({ idcs, folder, ports } = prepared('aiAgent'));
	model = await startChatModel(ports.chatModel);
});

afterAll(async () => {
	await model?.stop();
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
