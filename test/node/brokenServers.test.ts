import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

import type { INodeParameters } from 'n8n-workflow';

import { FieldServiceToken } from '../../nodes/FieldServiceToken/FieldServiceToken.node';
import { credentialStore, runNode } from '../support/n8nExecution';

// Token endpoints on 127.0.0.1 that answer, but badly: a body that never ends, one that trickles, a
// 50 MB token, absurd expiries, a rotated refresh token beside a rejected access token. Each runs the
// node in n8n-core's real execution context, over n8n's real request helper.

const CLIENT_SECRET = 'client-secret-4711';
const REFRESH_TOKEN = 'refresh-token-0815';
const ACCESS_TOKEN = 'access-token-2342';
const MiB = 1024 * 1024;

/** What the server saw of one answer: bytes the socket took, and when the client went away. */
interface Sent {
	bytes: number;
	closed: Promise<number>;
}
const sent: Record<string, Sent> = {};
/** The refresh tokens the token endpoint was presented with, in order. */
const presented: string[] = [];

const okJson = (res: ServerResponse, body: unknown) =>
	res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));

/**
 * Writes `chunks()` as fast as the client takes them (waiting for 'drain'), every `intervalMs` if given,
 * and stops when the client closes the connection or the chunks run out.
 */
function stream(
	route: string,
	res: ServerResponse,
	headers: Record<string, string | number>,
	chunks: Iterator<Buffer>,
	intervalMs = 0,
) {
	const record: Sent = { bytes: 0, closed: new Promise((resolve) => res.on('close', () => resolve(Date.now()))) };
	sent[route] = record;
	let open = true;
	res.on('close', () => (open = false));
	res.writeHead(200, { 'content-type': 'application/json', ...headers });
	const next = () => {
		while (open) {
			const { value, done } = chunks.next();
			if (done) return void res.end();
			record.bytes += value.length;
			if (intervalMs) return void setTimeout(() => res.write(value) && next(), intervalMs).unref();
			if (!res.write(value)) return void res.once('drain', next);
		}
	};
	next();
}

function* bytes(head: string, filler: Buffer, total: number, tail = ''): Iterator<Buffer> {
	yield Buffer.from(head);
	for (let written = 0; written < total; written += filler.length) yield filler;
	yield Buffer.from(tail);
}

const FIFTY_MB = 50 * 1000 * 1000;
const CHUNK = Buffer.alloc(64 * 1024, 'a');
/** A safety net, so that a client that never stops reading cannot fill the machine's memory. */
const ENDLESS_LIMIT = 128 * MiB;

const routes: Record<string, (res: ServerResponse) => void> = {
	// Never ends (up to the safety net): JSON that keeps going, chunked, no Content-Length.
	'/endless': (res) => stream('/endless', res, {}, bytes('{"access_token":"', CHUNK, ENDLESS_LIMIT)),
	// One byte every 300 ms: never idle long enough for a socket timeout.
	'/trickle': (res) => stream('/trickle', res, {}, bytes('{', Buffer.from(' '), 40), 300),
	// The status line, then the headers a byte every 300 ms: the answer never even starts.
	'/trickle-headers': (res) => {
		const socket = res.socket!;
		const record: Sent = { bytes: 0, closed: new Promise((resolve) => socket.on('close', () => resolve(Date.now()))) };
		sent['/trickle-headers'] = record;
		socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: ');
		const timer = setInterval(() => {
			if (socket.destroyed || record.bytes >= 40) return void clearInterval(timer);
			record.bytes += 1;
			socket.write('a');
		}, 300).unref();
	},
	// A 50 MB access token in an otherwise proper answer, with and without Content-Length.
	'/fifty-mb': (res) => {
		const head = '{"access_token":"';
		const tail = `","token_type":"Bearer","expires_in":3600}`;
		const length = head.length + Math.ceil(FIFTY_MB / CHUNK.length) * CHUNK.length + tail.length;
		stream('/fifty-mb', res, { 'content-length': length }, bytes(head, CHUNK, FIFTY_MB, tail));
	},
	'/fifty-mb-chunked': (res) =>
		stream(
			'/fifty-mb-chunked',
			res,
			{},
			bytes('{"access_token":"', CHUNK, FIFTY_MB, `","token_type":"Bearer","expires_in":3600}`),
		),
	'/expires-9e12': (res) =>
		okJson(res, {
			access_token: ACCESS_TOKEN,
			token_type: 'Bearer',
			expires_in: 9e12,
			refresh_token: `${REFRESH_TOKEN}/rotated-9e12`,
		}),
	// 1e308 seconds is a finite JSON number, and 1e311 ms after now is Infinity.
	'/expires-1e308': (res) =>
		okJson(res, {
			access_token: ACCESS_TOKEN,
			token_type: 'Bearer',
			expires_in: 1e308,
			refresh_token: `${REFRESH_TOKEN}/rotated-1e308`,
		}),
	'/rotated-1e308': (res) =>
		okJson(res, {
			access_token: ACCESS_TOKEN,
			token_type: 'Bearer',
			expires_in: 1e308,
			refresh_token: `${REFRESH_TOKEN}/rotated-1e308`,
		}),
	// A new refresh token beside an access token the node must reject.
	'/blank-access-token': (res) =>
		okJson(res, {
			access_token: '    ',
			token_type: 'Bearer',
			expires_in: 3600,
			refresh_token: `${REFRESH_TOKEN}/next`,
		}),
	'/no-access-token': (res) =>
		okJson(res, { token_type: 'Bearer', expires_in: 3600, refresh_token: `${REFRESH_TOKEN}/next` }),
	'/bad-expiry': (res) =>
		okJson(res, {
			access_token: ACCESS_TOKEN,
			token_type: 'Bearer',
			expires_in: 'soon',
			refresh_token: `${REFRESH_TOKEN}/next`,
		}),
	'/crlf-access-token': (res) =>
		okJson(res, {
			access_token: `${ACCESS_TOKEN}\r\nX-Injected: 1`,
			token_type: 'Bearer',
			expires_in: 3600,
			refresh_token: `${REFRESH_TOKEN}/next`,
		}),
	'/next': (res) =>
		okJson(res, { access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 3600, refresh_token: REFRESH_TOKEN }),
	'/ok': (res) => okJson(res, { access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 3600 }),
};

// The scenario travels in the refresh token: <REFRESH_TOKEN><route>.
function handle(req: IncomingMessage, res: ServerResponse) {
	let body = '';
	req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
	req.on('end', () => {
		const refreshToken = new URLSearchParams(body).get('refresh_token') ?? '';
		presented.push(refreshToken);
		const route = routes[refreshToken.replace(REFRESH_TOKEN, '')];
		if (route) route(res);
		else res.writeHead(404).end();
	});
}

let server: Server;
let origin: string;

beforeAll(async () => {
	server = createServer(handle);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

const node = new FieldServiceToken();

async function refresh(refreshToken: string, options: INodeParameters = {}) {
	const [[item]] = await runNode({
		nodeType: node,
		parameters: {
			operation: 'refreshAccessToken',
			refreshTokenSource: 'parameter',
			refreshToken: '={{ $json.rt }}',
			clientAuthentication: 'basic',
			options,
		},
		credential: credentialStore({
			domainUrl: origin,
			clientId: 'client',
			clientSecret: CLIENT_SECRET,
			resourceScope: '',
			authentication: 'header',
		}),
		items: [{ json: { rt: refreshToken } }],
	});
	return item.json;
}

type NodeError = Error & { description?: string; context?: { itemIndex?: number } };

async function failure(refreshToken: string, options: INodeParameters = {}): Promise<NodeError> {
	const error = await refresh(refreshToken, options).then(
		() => undefined,
		(e: unknown) => e as NodeError,
	);
	if (!error) throw new Error('expected the node to fail');
	const text = JSON.stringify(error, Object.getOwnPropertyNames(error));
	for (const secret of [CLIENT_SECRET, REFRESH_TOKEN, ACCESS_TOKEN]) expect(text).not.toContain(secret);
	return error;
}

const NOT_RESENT =
	'The request was not resent, because IDCS may already have used the refresh token: if the next run says the token was already used, authorize again.';

describe('a token endpoint that answers without end is cut off by size and by time', () => {
	it.each([
		['a body that never ends', '/endless'],
		['a 50 MB access token with Content-Length', '/fifty-mb'],
		['a 50 MB access token, chunked', '/fifty-mb-chunked'],
	])('%s fails at 1 MiB, at once, and the connection is closed', async (_, route) => {
		const started = Date.now();
		const error = await failure(REFRESH_TOKEN + route, { timeoutSeconds: 20, reuseToken: false });
		const elapsed = Date.now() - started;

		expect(error.message).toBe(`The IDCS token endpoint at ${origin.slice(7)} sent an answer larger than 1 MiB`);
		expect(error.description).toContain(NOT_RESENT);
		expect(error.context?.itemIndex).toBe(0);
		// Well inside the 20 s timeout: the size ends it, not the clock.
		expect(elapsed).toBeLessThan(5_000);
		// The client hung up: the server saw the connection close soon after, having sent a small part.
		const closedAt = await sent[route].closed;
		expect(closedAt - started).toBeLessThan(5_000);
		// What the socket took before the close: the client's 1 MiB plus the kernel's socket buffers
		// (3.75 MiB on this machine), against 50 MB or more the server had to send.
		expect(sent[route].bytes).toBeLessThan(16 * MiB);
	});

	it.each([
		['a body that trickles a byte every 300 ms', '/trickle'],
		['headers that trickle a byte every 300 ms', '/trickle-headers'],
	])('%s: the call fails when the timeout is up, not when the answer ends', async (_, route) => {
		const started = Date.now();
		const error = await failure(REFRESH_TOKEN + route, { timeoutSeconds: 2, reuseToken: false });
		const elapsed = Date.now() - started;

		expect(error.message).toBe(`The IDCS token endpoint at ${origin.slice(7)} did not answer within 2 s`);
		expect(error.description).toContain(NOT_RESENT);
		// The whole exchange, connect to last byte, is bounded by the timeout (plus slack for a busy machine).
		expect(elapsed).toBeGreaterThanOrEqual(1_900);
		expect(elapsed).toBeLessThan(2_000 + 2_500);
		const closedAt = await sent[route].closed;
		expect(closedAt - started).toBeLessThan(2_000 + 2_500);
		// 40 bytes at 300 ms take 12 s; the server got to send only the first few.
		expect(sent[route].bytes).toBeLessThan(20);
	});
});

describe('an absurd expires_in is taken as one day, and the rotated refresh token comes out', () => {
	it.each([['/expires-9e12'], ['/expires-1e308']])('field source: %s', async (route) => {
		const before = Date.now();
		const json = await refresh(REFRESH_TOKEN + route, { reuseToken: false });
		const after = Date.now();

		expect(json).toMatchObject({
			access_token: ACCESS_TOKEN,
			expires_in: 86_400,
			refresh_token: `${REFRESH_TOKEN}/rotated-${route.slice('/expires-'.length)}`,
			refresh_token_rotated: true,
			from_cache: false,
		});
		const expiresAt = Date.parse(json.expires_at as string);
		expect(expiresAt).toBeGreaterThanOrEqual(before + 86_400_000);
		expect(expiresAt).toBeLessThanOrEqual(after + 86_400_000);
	});
});

describe("the credential source bounds an absurd expiry the same way (n8n's own refresh)", () => {
	// n8n records the 1e308 one's expiry as "Infinity", which dates nothing; the node dates both by
	// the day it gave them when n8n's refresh handed them over.
	it.each(['/expires-9e12', '/expires-1e308'])('credential source: %s', async (route) => {
		const credential = credentialStore({
			domainUrl: origin,
			clientId: 'client',
			clientSecret: CLIENT_SECRET,
			resourceScope: '',
			authentication: 'header',
			oauthTokenData: { access_token: 'old', refresh_token: REFRESH_TOKEN + route, token_type: 'Bearer' },
		});
		const run = async () => {
			const [[item]] = await runNode({
				nodeType: node,
				parameters: { operation: 'refreshAccessToken', refreshTokenSource: 'credential' },
				credential,
			});
			return item.json;
		};
		expect(await run()).toMatchObject({ access_token: ACCESS_TOKEN, expires_in: 86_400, from_cache: false });
		// n8n kept the rotated refresh token, and the next execution reuses the token without failing.
		expect((credential.data.oauthTokenData as Record<string, unknown>).refresh_token).toBe(
			`${REFRESH_TOKEN}/rotated-${route.slice('/expires-'.length)}`,
		);
		expect(await run()).toMatchObject({ access_token: ACCESS_TOKEN, from_cache: true });
	});
});

describe('a rotated refresh token is never lost, even when its access token is rejected', () => {
	it.each([
		['/blank-access-token', 'The IDCS token response has an access_token with spaces, control or non-ASCII characters'],
		['/crlf-access-token', 'The IDCS token response has an access_token with spaces, control or non-ASCII characters'],
		['/no-access-token', 'The IDCS token response has no access_token'],
		['/bad-expiry', 'The IDCS token response has no valid expires_in (a positive number of seconds)'],
	])('%s: the next call presents the new refresh token', async (route, message) => {
		const old = REFRESH_TOKEN + route;
		const error = await failure(old, { reuseToken: false });
		expect(error.message).toBe(message);

		// The caller still holds the old refresh token, which IDCS has used up: the node sends the new one.
		const json = await refresh(old, { reuseToken: false });
		expect(presented.slice(-2)).toEqual([old, `${REFRESH_TOKEN}/next`]);
		expect(json).toMatchObject({
			access_token: ACCESS_TOKEN,
			refresh_token: REFRESH_TOKEN,
			refresh_token_rotated: true,
		});
	});
});

describe('the Timeout option is bounded to 1-300 s', () => {
	it.each([[0.5], [301], [2_147_484], [1e10], ['=not a number']])(
		'refuses %p before anything is sent',
		async (timeoutSeconds) => {
			const before = presented.length;
			const error = await failure(REFRESH_TOKEN + '/ok', { timeoutSeconds, reuseToken: false });
			expect(error.message).toBe('The Timeout option must be between 1 and 300 seconds');
			expect(error.description).toBe('Set Options > Timeout (Seconds) to a number from 1 to 300; the default is 30.');
			expect(error.context?.itemIndex).toBe(0);
			expect(presented.length).toBe(before);
		},
	);

	it.each([[1], [300]])('accepts %p', async (timeoutSeconds) => {
		const json = await refresh(REFRESH_TOKEN + '/ok', { timeoutSeconds, reuseToken: false });
		expect(json).toMatchObject({ access_token: ACCESS_TOKEN, from_cache: false });
	});
});
