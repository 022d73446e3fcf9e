// A stand-in for an OpenAI-compatible chat model provider on 127.0.0.1, for the AI Agent test: it
// records every request n8n sends it (what a real provider would receive) and plays a model that calls
// the first tool it is offered, then answers with text once the tool's result is in.
const http = require('http');

/** A chat completion: a call of `tool`, or the final answer. */
function completion(model, message) {
	return {
		id: `chatcmpl-local-${Date.now()}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model,
		choices: [{ index: 0, message, finish_reason: message.tool_calls ? 'tool_calls' : 'stop' }],
		usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
	};
}

/** The same answer as server-sent events, for a request with `stream: true`. */
function streamed(response, body) {
	const { message, finish_reason: finishReason } = body.choices[0];
	const chunk = (delta, finish = null) =>
		`data: ${JSON.stringify({ ...body, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
	response.writeHead(200, { 'content-type': 'text/event-stream' });
	const delta = message.tool_calls
		? { role: 'assistant', tool_calls: message.tool_calls.map((call, index) => ({ index, ...call })) }
		: { role: 'assistant', content: message.content };
	response.write(chunk(delta));
	response.write(chunk({}, finishReason));
	response.end('data: [DONE]\n\n');
}

async function startChatModel(port = 0) {
	const received = [];
	const server = http.createServer((request, response) => {
		let text = '';
		request.on('data', (chunk) => (text += chunk));
		request.on('end', () => {
			received.push({ method: request.method, url: request.url, headers: request.headers, body: text });
			if (request.method !== 'POST' || !request.url.endsWith('/chat/completions')) {
				response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not here"}}');
				return;
			}
			const body = JSON.parse(text);
			const toolResult = body.messages.some((message) => message.role === 'tool');
			const [tool] = body.tools ?? [];
			const message =
				tool && !toolResult
					? {
							role: 'assistant',
							content: null,
							tool_calls: [
								{ id: 'call_local_1', type: 'function', function: { name: tool.function.name, arguments: '{}' } },
							],
						}
					: { role: 'assistant', content: 'Two resources: Dispatcher Demo and Field Technician 42.' };
			const answer = completion(body.model, message);
			if (body.stream) streamed(response, answer);
			else response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
		});
	});
	await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${server.address().port}`;
	return {
		url,
		/** Everything n8n sent, as the provider would have it. */
		received: () => [...received],
		stop: () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))),
	};
}

module.exports = { startChatModel };
