import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import { createServer as createHttpsServer } from 'https';
import type { AddressInfo } from 'net';

import { FieldServiceToken } from '../../nodes/FieldServiceToken/FieldServiceToken.node';
import { credentialStore, runNode } from '../support/n8nExecution';
import { selfSignedCertificate } from '../support/selfSignedCertificate';

// The node's error table, end to end through n8n-core's request helper, against token endpoints on
// 127.0.0.1 that misbehave on purpose. Every answer quotes the secrets, to prove none comes back.

const CLIENT_SECRET = 'client-secret-4711';
const REFRESH_TOKEN = 'refresh-token-0815';
const ACCESS_TOKEN = 'access-token-2342';
const SECRETS = [CLIENT_SECRET, REFRESH_TOKEN, ACCESS_TOKEN, Buffer.from(`client:${CLIENT_SECRET}`).toString('base64')];

type Handler = (request: IncomingMessage, response: ServerResponse) => void;
const routes: Record<string, Handler> = {
	'/html': (_, res) =>
		res.writeHead(502, { 'content-type': 'text/html' }).end(`<html>${CLIENT_SECRET} ${REFRESH_TOKEN}</html>`),
	'/login': (_, res) =>
		res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><title>Sign In</title>'),
	'/no-token': (_, res) =>
		res
			.writeHead(200, { 'content-type': 'application/json' })
			.end(JSON.stringify({ token_type: 'Bearer', expires_in: 3600, refresh_token: REFRESH_TOKEN })),
	'/bad-expiry': (_, res) =>
		res
			.writeHead(200, { 'content-type': 'application/json' })
			.end(JSON.stringify({ access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 'soon' })),
	'/scope': (_, res) =>
		res
			.writeHead(400, { 'content-type': 'application/json' })
			.end(JSON.stringify({ error: 'invalid_scope', error_description: `scope rejected for ${REFRESH_TOKEN}/scope` })),
	'/unauthorized': (_, res) =>
		res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unauthorized_client' })),
	'/client': (_, res) =>
		res
			.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic' })
			.end(JSON.stringify({ error: 'invalid_client', error_description: 'client authentication failed' })),
	'/slow': () => undefined,
	'/busy': (_, res) => {
		busyCalls += 1;
		if (busyCalls === 1) res.writeHead(503, { 'retry-after': '0' }).end();
		else
			res
				.writeHead(200, { 'content-type': 'application/json' })
				.end(JSON.stringify({ access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 3600 }));
	},
};
let busyCalls = 0;
const requestsSeen: string[] = [];

// The credential keeps only the domain's origin, so the scenario travels in the refresh token: <token><route>.
function handle(req: IncomingMessage, res: ServerResponse) {
	let body = '';
	req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
	req.on('end', () => {
		const route = (new URLSearchParams(body).get('refresh_token') ?? '').replace(REFRESH_TOKEN, '');
		requestsSeen.push(route);
		(routes[route] ?? ((_, r) => r.writeHead(404).end()))(req, res);
	});
}

let http: Server;
let https: Server;
let httpOrigin: string;
let httpsOrigin: string;
let closedOrigin: string;

async function listen(server: Server): Promise<number> {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
	http = createHttpServer(handle);
	httpOrigin = `http://127.0.0.1:${await listen(http)}`;
	https = createHttpsServer(selfSignedCertificate(), handle);
	httpsOrigin = `https://127.0.0.1:${await listen(https)}`;
	const closed = createHttpServer();
	closedOrigin = `http://127.0.0.1:${await listen(closed)}`;
	await new Promise((resolve) => closed.close(resolve));
});

afterAll(async () => {
	for (const server of [http, https]) {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	}
});

const node = new FieldServiceToken();

/** One item per refresh token, each with its own scenario. */
async function refreshAgainst(
	domainUrl: string,
	options: Record<string, unknown> = {},
	refreshTokens: string | string[] = REFRESH_TOKEN,
	continueOnFail = false,
) {
	return runNode({
		nodeType: node,
		parameters: {
			operation: 'refreshAccessToken',
			refreshTokenSource: 'parameter',
			refreshToken: '={{ $json.rt }}',
			clientAuthentication: 'basic',
			options: { reuseToken: false, ...options },
		},
		credential: credentialStore({
			domainUrl,
			clientId: 'client',
			clientSecret: CLIENT_SECRET,
			resourceScope: '',
			authentication: 'header',
		}),
		items: [refreshTokens].flat().map((rt) => ({ json: { rt } })),
		continueOnFail,
	});
}

async function failure(
	domainUrl: string,
	options: Record<string, unknown> = {},
	refreshTokens: string | string[] = REFRESH_TOKEN,
) {
	const error = await refreshAgainst(domainUrl, options, refreshTokens).then(
		() => undefined,
		(e: unknown) => e as Error & { description?: string; httpCode?: string | null; context?: { itemIndex?: number } },
	);
	if (!error) throw new Error('expected the node to fail');
	return error;
}

function expectNoSecret(value: unknown) {
	const text = typeof value === 'string' ? value : JSON.stringify(value, Object.getOwnPropertyNames(value as object));
	for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe("the node's errors say what went wrong and what to do, and leak nothing", () => {
	it.each([
		[
			'/html',
			'The IDCS token endpoint answered HTTP 502 with an HTML page (text/html)',
			/IDCS or a proxy in between failed/,
			'502',
		],
		[
			'/login',
			'The IDCS token endpoint answered with an HTML page (text/html) instead of a token',
			/whether a proxy or login page answered/,
			'200',
		],
		[
			'/no-token',
			'The IDCS token response has no access_token',
			/Check that the domain URL points at the IDCS identity domain/,
			'200',
		],
		[
			'/bad-expiry',
			'The IDCS token response has no valid expires_in (a positive number of seconds)',
			/domain URL/,
			'200',
		],
		[
			'/scope',
			'IDCS did not accept the requested scope (invalid_scope)',
			/resource scope.*IDCS said: "scope rejected for \[redacted\]"/,
			'400',
		],
		[
			'/unauthorized',
			'The IDCS application is not allowed to use this grant type (unauthorized_client)',
			/allow the Refresh Token and Authorization Code grant types/,
			'400',
		],
		[
			'/client',
			'IDCS did not accept the client credentials (invalid_client)',
			/Check the client ID and secret.*Mobile Application/,
			'401',
		],
	])('%s: %s', async (path, message, description, httpCode) => {
		const error = await failure(httpOrigin, {}, REFRESH_TOKEN + path);
		expect(error.constructor.name).toBe('NodeApiError');
		expect(error.message).toBe(message);
		expect(error.description).toMatch(description);
		expect(error.httpCode).toBe(httpCode);
		expect(error.context?.itemIndex).toBe(0);
		expectNoSecret(error);
	});

	it.each([
		[
			'a timeout',
			() => httpOrigin,
			{ timeoutSeconds: 1 },
			REFRESH_TOKEN + '/slow',
			/^The IDCS token endpoint at 127\.0\.0\.1:\d+ did not answer within 1 s$/,
			/was not resent/,
		],
		[
			'a refused connection',
			() => closedOrigin,
			{},
			REFRESH_TOKEN,
			/^The connection to 127\.0\.0\.1:\d+ was refused$/,
			/Check the Identity Domain URL/,
		],
		[
			'an untrusted certificate',
			() => httpsOrigin,
			{},
			REFRESH_TOKEN,
			/^The TLS connection to 127\.0\.0\.1:\d+ failed \(DEPTH_ZERO_SELF_SIGNED_CERT\)$/,
			/NODE_EXTRA_CA_CERTS/,
		],
		[
			'an empty domain URL',
			() => '',
			{},
			REFRESH_TOKEN,
			/^The IDCS token endpoint URL has no host name$/,
			/Set the Identity Domain URL/,
		],
		[
			'a plain http:// domain that is not this machine',
			() => 'http://idcs-0123.identity.oraclecloud.com',
			{},
			REFRESH_TOKEN,
			/^Refusing to send credentials to the IDCS token endpoint over plain http:\/\/idcs-0123\.identity\.oraclecloud\.com$/,
			/https:\/\//,
		],
	])('%s', async (_, origin, options, refreshToken, message, description) => {
		const error = await failure(origin(), options, refreshToken);
		expect(error.constructor.name).toBe('NodeOperationError');
		expect(error.message).toMatch(message);
		expect(error.description).toMatch(description);
		expect(error.context?.itemIndex).toBe(0);
		expectNoSecret(error);
	});

	it('an empty refresh token fails its own item, before anything is sent', async () => {
		const seen = requestsSeen.length;
		const error = await failure(httpOrigin, {}, '   ');
		expect(error.message).toBe('The refresh token is empty');
		expect(error.description).toMatch(/^Map the refresh token into the Refresh Token field/);
		expect(requestsSeen.length).toBe(seen);
	});

	it('names the failing item, and continueOnFail turns each failure into an error item', async () => {
		const [items] = await refreshAgainst(httpOrigin, {}, ['', REFRESH_TOKEN + '/scope'], true);
		expect(items).toEqual([
			{ json: { error: 'The refresh token is empty', details: expect.any(String) }, pairedItem: { item: 0 } },
			{
				json: {
					error: 'IDCS did not accept the requested scope (invalid_scope)',
					details: expect.stringContaining('[redacted]'),
				},
				pairedItem: { item: 1 },
			},
		]);
		expectNoSecret(items);

		const error = await failure(httpOrigin, {}, [REFRESH_TOKEN + '/scope', '']);
		expect(error.context?.itemIndex).toBe(0);
	});

	it('retries a 503 that carries Retry-After, and succeeds', async () => {
		busyCalls = 0;
		const [[item]] = await refreshAgainst(httpOrigin, {}, REFRESH_TOKEN + '/busy');
		expect(item.json).toMatchObject({
			access_token: ACCESS_TOKEN,
			refresh_token: REFRESH_TOKEN + '/busy',
			refresh_token_rotated: false,
		});
		expect(busyCalls).toBe(2);
	});

	it('asks for a secret when Basic or Body Fields is chosen for a credential without one', async () => {
		const error = await runNode({
			nodeType: node,
			parameters: {
				operation: 'refreshAccessToken',
				refreshTokenSource: 'parameter',
				refreshToken: 'rt',
				clientAuthentication: 'body',
			},
			credential: credentialStore({ domainUrl: httpOrigin, clientId: 'client', clientSecret: '', resourceScope: '' }),
		}).catch((e: Error & { description?: string }) => e);
		expect(error).toMatchObject({
			message: 'The credential has no client secret',
			description: expect.stringMatching(/None \(Public Client\)/),
		});
	});
});
