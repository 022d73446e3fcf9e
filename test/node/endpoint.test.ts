import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import type { INodeParameters } from 'n8n-workflow';

import { FieldServiceToken } from '../../nodes/FieldServiceToken/FieldServiceToken.node';
import { credentialStore, runNode } from '../support/n8nExecution';

// Where the node sends credentials, through n8n-core's real context and request helper: only to an
// https:// endpoint or this machine's loopback, never to a URL with a user name or password, and
// never on to where a redirect points. Each server records what reaches it, so "refused" means
// that nothing was sent.

const CLIENT_SECRET = 'client-secret-4711';
const REFRESH_TOKEN = 'refresh-token-0815';

interface Recorder {
	server: Server;
	port: number;
	requests: string[];
}

async function recorder(answer: () => { status: number; headers?: Record<string, string> }) {
	const recorded: Recorder = { server: createServer(), port: 0, requests: [] };
	recorded.server.on('request', (request, response) => {
		let body = '';
		request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
		request.on('end', () => {
			recorded.requests.push(`${request.method} ${request.url} ${body}`.trim());
			const { status, headers } = answer();
			response.writeHead(status, headers).end();
		});
	});
	await new Promise<void>((resolve) => recorded.server.listen(0, '127.0.0.1', resolve));
	recorded.port = (recorded.server.address() as AddressInfo).port;
	return recorded;
}

let target: Recorder; // where nothing may arrive: a refused endpoint, or a redirect's target
let redirecting: Recorder; // a token endpoint that redirects to `target`, another origin
let redirectStatus = 307;

beforeAll(async () => {
	target = await recorder(() => ({ status: 500 }));
	redirecting = await recorder(() => ({
		status: redirectStatus,
		headers: { location: `http://127.0.0.1:${target.port}/oauth2/v1/token` },
	}));
});

afterAll(async () => {
	for (const { server } of [target, redirecting]) {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	}
});

beforeEach(() => {
	target.requests.length = 0;
	redirecting.requests.length = 0;
});

const node = new FieldServiceToken();

const credentialData = (domainUrl: string) => ({
	domainUrl,
	clientId: 'client',
	clientSecret: CLIENT_SECRET,
	resourceScope: 'urn:opc:resource:consumer::all',
	authentication: 'body',
	oauthTokenData: {
		access_token: 'stored-access-token',
		token_type: 'Bearer',
		expires_in: 3600,
		refresh_token: REFRESH_TOKEN,
		n8n_expires_at: String(Date.now() - 1000),
	},
});

const SOURCES: Record<string, INodeParameters> = {
	'credential source': { operation: 'refreshAccessToken', refreshTokenSource: 'credential' },
	'field source': {
		operation: 'refreshAccessToken',
		refreshTokenSource: 'parameter',
		refreshToken: REFRESH_TOKEN,
		clientAuthentication: 'body',
	},
	'code exchange': {
		operation: 'exchangeAuthorizationCode',
		authorizationCode: 'code-0815',
		redirectUri: 'https://field-service.example.com/plugin-auth-redirect/',
		clientAuthentication: 'body',
	},
};

async function failure(parameters: INodeParameters, domainUrl: string) {
	const error = await runNode({
		nodeType: node,
		parameters,
		credential: credentialStore(credentialData(domainUrl)),
	}).then(
		() => undefined,
		(e: unknown) => e as Error & { description?: string },
	);
	if (!error) throw new Error('expected the node to fail');
	return error;
}

describe('plain http:// only to this machine, by name or loopback address, from every source', () => {
	const refused = [
		// 0.0.0.0 reaches this machine on Linux, but it is no loopback address: a typo or a trick.
		['http://0.0.0.0:PORT', 'http://0.0.0.0:PORT'],
		// IPv4-mapped IPv6 (WHATWG URL writes it [::ffff:7f00:1]): loopback only by way of IPv4.
		['http://[::ffff:127.0.0.1]:PORT', 'http://[::ffff:7f00:1]:PORT'],
		['http://idcs-0123.identity.oraclecloud.com', 'http://idcs-0123.identity.oraclecloud.com'],
	];
	it.each(Object.keys(SOURCES).flatMap((source) => refused.map(([url, shown]) => [source, url, shown] as const)))(
		'%s refuses %s before anything is sent',
		async (source, url, shown) => {
			const port = String(target.port);
			const error = await failure(SOURCES[source], url.replace('PORT', port));
			expect(error.message).toBe(
				`Refusing to send credentials to the IDCS token endpoint over plain ${shown.replace('PORT', port)}`,
			);
			expect(error.description).toBe(
				'Use the https:// address of the identity domain. Plain http is only accepted for a server on this machine: localhost, 127.x.x.x or [::1].',
			);
			expect(target.requests).toEqual([]);
		},
	);
});

describe('a domain URL with a user name or password is refused, for every source and the authorize URL', () => {
	const urls = [
		// As typed, the part before @ would become a Basic header of its own.
		'http://user:pass@127.0.0.1:PORT',
		// Reads as example.com, but goes to 127.0.0.1.
		'http://example.com@127.0.0.1:PORT',
		'https://user@idcs-0123.identity.oraclecloud.com',
	];
	const MESSAGE = (what: string) =>
		`The IDCS ${what} URL must not contain a user name or password (an @ before the host)`;
	const HINT =
		'Remove the part up to and including @ from the Identity Domain URL in the credential: give the Domain URL as the OCI console shows it, e.g. https://idcs-0123456789abcdef.identity.oraclecloud.com';

	it.each(Object.keys(SOURCES).flatMap((source) => urls.map((url) => [source, url] as const)))(
		'%s refuses %s before anything is sent',
		async (source, url) => {
			const error = await failure(SOURCES[source], url.replace('PORT', String(target.port)));
			expect(error.message).toBe(MESSAGE('token endpoint'));
			expect(error.description).toBe(HINT);
			expect(target.requests).toEqual([]);
		},
	);

	it.each(urls)('Build Authorization Request refuses %s', async (url) => {
		const error = await failure(
			{
				operation: 'buildAuthorizationRequest',
				redirectUri: 'https://field-service.example.com/plugin-auth-redirect/',
			},
			url.replace('PORT', String(target.port)),
		);
		expect(error.message).toBe(MESSAGE('authorization endpoint'));
		expect(error.description).toBe(HINT);
	});
});

describe('a redirect from the token endpoint is never followed: the secrets go nowhere else', () => {
	it.each([
		['field source', 307],
		['field source', 308],
		['code exchange', 307],
		['code exchange', 308],
	] as const)('%s, HTTP %d to another origin', async (source, status) => {
		redirectStatus = status;
		const error = await failure(SOURCES[source], `http://127.0.0.1:${redirecting.port}`);
		expect(target.requests).toEqual([]);
		expect(error.message).toBe(
			`The IDCS token endpoint answered with a redirect (HTTP ${status}) to 127.0.0.1:${target.port}, which was not followed`,
		);
		expect(error.description).toBe(
			'A token request carries what proves the client (its secret or a signed assertion), so it is never sent on to another address. Set the Identity Domain URL in the credential to the address the OCI console shows as Domain URL, e.g. https://idcs-0123456789abcdef.identity.oraclecloud.com, not one that redirects.',
		);
		expect(redirecting.requests).toHaveLength(1);
		expect(redirecting.requests[0]).toMatch(/^POST \/oauth2\/v1\/token grant_type=/);
	});
});

describe("the credential source refreshes through n8n's own OAuth2 client, which the node cannot stop from following a redirect", () => {
	// What docs/security.md says: a 307/308 from the token endpoint makes n8n's client
	// post the refresh token (and, with Body authentication, the client secret) to the target.
	it.each([307, 308])(
		'HTTP %d: n8n posts the refresh token and the client secret again, to the target',
		async (status) => {
			redirectStatus = status;
			await failure(SOURCES['credential source'], `http://127.0.0.1:${redirecting.port}`);
			expect(redirecting.requests).toHaveLength(1);
			expect(target.requests).toEqual([
				`POST /oauth2/v1/token ${new URLSearchParams({
					refresh_token: REFRESH_TOKEN,
					grant_type: 'refresh_token',
					client_id: 'client',
					client_secret: CLIENT_SECRET,
				})}`,
			]);
		},
	);
});
