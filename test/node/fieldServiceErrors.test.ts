import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

import type { IDataObject } from 'n8n-workflow';

import { FieldServiceToken } from '../../nodes/FieldServiceToken/FieldServiceToken.node';
import { grantTokenCache } from '../../nodes/FieldServiceToken/operations/getClientCredentialsToken.operation';
import { credentialStore, runNode } from '../support/n8nExecution';

// Get Field Service Token's errors name Field Service and the Oracle Field Service API credential's own
// fields, never IDCS or the Identity Domain URL (a field that credential does not have): through
// n8n-core's request helper, against a token service on 127.0.0.1 that misbehaves on purpose.

const CLIENT_SECRET = 'fs-client-secret-4711';
const TOKEN_PATH = '/rest/oauthTokenService/v2/token';

type Handler = (response: ServerResponse) => void;
const json = (status: number, body: unknown) => (response: ServerResponse) =>
	response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const scenarios: Record<string, Handler> = {
	described: json(400, { error: 'invalid_request', error_description: 'the instance rejected the request' }),
	unknownCode: json(400, { error: 'temporarily_closed', error_description: 'maintenance window' }),
	scope: json(400, { error: 'invalid_scope', error_description: 'not a URL of this instance' }),
	busy: (response) => response.writeHead(503, { 'retry-after': '60' }).end(),
	html: (response) => response.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad gateway</html>'),
	login: (response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><title>Sign in'),
	noToken: json(200, { token_type: 'bearer', expires_in: 3600 }),
	redirect: (response) => response.writeHead(302, { location: 'https://login.example.com/' }).end(),
	slow: () => undefined,
};
let scenario = 'described';
const bodies: string[] = [];

let server: Server;
let origin: string;
let closedOrigin: string;

beforeAll(async () => {
	server = createServer((request: IncomingMessage, response: ServerResponse) => {
		let body = '';
		request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
		request.on('end', () => {
			bodies.push(body);
			if (request.url !== TOKEN_PATH) return void response.writeHead(404).end();
			scenarios[scenario](response);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	const closed = createServer();
	await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
	closedOrigin = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
	await new Promise((resolve) => closed.close(resolve));
});
afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => grantTokenCache.clear());

async function run(instanceUrl: string, options: IDataObject = {}) {
	const [[item]] = await runNode({
		nodeType: new FieldServiceToken(),
		parameters: { operation: 'getFieldServiceToken', options: { reuseToken: false, ...options } },
		credential: credentialStore(
			{ instanceUrl, instance: 'localfs', clientId: 'ofs-client', clientSecret: CLIENT_SECRET, applicationId: 'app' },
			{ id: 'fs-cred', name: 'Field Service account' },
		),
		credentialType: 'oracleFieldServiceApi',
		continueOnFail: true,
	});
	return item.json as { error: string; details: string };
}

describe("Get Field Service Token's errors name Field Service and its credential's fields", () => {
	it.each([
		[
			'a server description',
			'described',
			'Field Service rejected the token request (invalid_request)',
			/^Field Service rejected the request as malformed\. Check the Instance URL, Instance Name and Application ID in the Oracle Field Service API credential.* Field Service said: "the instance rejected the request"$/,
		],
		[
			'an error code it has no words for',
			'unknownCode',
			`Field Service's token service answered HTTP 400 with error "temporarily_closed"`,
			/^Check the application in Field Service \(Configuration > Applications\) and the Oracle Field Service API credential, and try again\. Field Service said: "maintenance window"$/,
		],
		[
			'a refused dynamic scope',
			'scope',
			'Field Service did not accept the requested scope (invalid_scope)',
			/^Check the Dynamic Scope option: .* Field Service said: "not a URL of this instance"$/,
		],
		[
			'a busy answer',
			'busy',
			"Field Service's token service is busy (HTTP 503)",
			/^Field Service asked to slow down\./,
		],
		[
			'an HTML error page',
			'html',
			"Field Service's token service answered HTTP 502 with an HTML page (text/html)",
			/^Field Service or a proxy in between failed; try again later\.$/,
		],
		[
			'a login page instead of a token',
			'login',
			"Field Service's token service answered with an HTML page (text/html) instead of a token",
			/^Check that the Instance URL in the Oracle Field Service API credential points at the Field Service instance, and whether a proxy or login page answered instead of Field Service\.$/,
		],
		[
			'an answer without a token',
			'noToken',
			'The Field Service token response has no access_token',
			/^Check that the Instance URL in the Oracle Field Service API credential points at the Field Service instance; if it does, this answer is not one Field Service gives\.$/,
		],
		[
			'a redirect',
			'redirect',
			"Field Service's token service answered with a redirect (HTTP 302) to login.example.com, which was not followed",
			/Set the Instance URL in the Oracle Field Service API credential to the instance's https:\/\/ address, e\.g\. https:\/\/<instance>\.fs\.ocs\.oraclecloud\.com, not one that redirects\.$/,
		],
	])('%s', async (_what, name, message, description) => {
		scenario = name;
		const output = await run(origin);
		expect(output).toEqual({ error: message, details: expect.stringMatching(description) });
		expect(JSON.stringify(output)).not.toMatch(/IDCS|Identity Domain|refresh token/);
		expect(JSON.stringify(output)).not.toContain(CLIENT_SECRET);
	});

	it('a timeout says asking again is safe: no refresh token is spent', async () => {
		scenario = 'slow';
		const output = await run(origin, { timeoutSeconds: 1 });
		expect(output).toEqual({
			error: expect.stringMatching(/^Field Service's token service at 127\.0\.0\.1:\d+ did not answer within 1 s$/),
			details:
				'Try again, or raise the Timeout option. The request was not resent; it spends no refresh token or code, so running the workflow again is safe.',
		});
	});

	it('a refused connection points at the Instance URL', async () => {
		const output = await run(closedOrigin);
		expect(output).toEqual({
			error: expect.stringMatching(/^The connection to 127\.0\.0\.1:\d+ was refused$/),
			details:
				'Check the Instance URL in the Oracle Field Service API credential, and any proxy settings (HTTP_PROXY, HTTPS_PROXY, NO_PROXY) of n8n.',
		});
	});
});

describe('the Dynamic Scope option', () => {
	it('sends ofsc_dynamic_scope with the request URLs separated by single spaces', async () => {
		scenario = 'noToken';
		const before = bodies.length;
		await run(origin, {
			dynamicScope:
				' https://localfs.example.com/rest/ofscCore/v1/activities/1 \n https://localfs.example.com/rest/ofscCore/v1/resources?limit=1 ',
		});
		expect(Object.fromEntries(new URLSearchParams(bodies[before]))).toEqual({
			grant_type: 'client_credentials',
			ofsc_dynamic_scope:
				'https://localfs.example.com/rest/ofscCore/v1/activities/1 https://localfs.example.com/rest/ofscCore/v1/resources?limit=1',
		});
	});

	it('sends no ofsc_dynamic_scope when empty', async () => {
		scenario = 'noToken';
		const before = bodies.length;
		await run(origin, { dynamicScope: '  ' });
		expect(bodies[before]).toBe('grant_type=client_credentials');
	});
});
