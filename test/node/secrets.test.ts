import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

import { NodeOperationError, type IExecuteFunctions, type INode } from 'n8n-workflow';

import { FieldServiceToken } from '../../nodes/FieldServiceToken/FieldServiceToken.node';
import { toNodeError } from '../../nodes/FieldServiceToken/n8n/errors';
import { credentialStore, runNode } from '../support/n8nExecution';
import { selfSignedCertificate } from '../support/selfSignedCertificate';

// A token endpoint that quotes the request it got (its Authorization header, its body, and the
// body's decoded values) in its error, driven through the node in n8n-core's real context: every
// form in which the request carried a secret must come out as [redacted], on both refresh paths.
// The secrets have a space and !~'(), so their form encoding (URLSearchParams: the field source's
// body) and percent encoding (querystring: n8n's own OAuth2 client's body) differ.

const CLIENT_ID = 'client-1';
const CLIENT_SECRET = "client secret (4711)!~'";
const REFRESH_TOKEN = "refresh token (0815)!~'";
const STORED_ACCESS_TOKEN = "access token (2342)!~'";
const base64 = (value: string) => Buffer.from(value, 'utf8').toString('base64');
const formEncoded = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
const BASIC = base64(`${CLIENT_ID}:${CLIENT_SECRET}`);

/** Each secret in each form a request may carry it. */
const SECRET_FORMS = [
	BASIC,
	...[CLIENT_SECRET, REFRESH_TOKEN, STORED_ACCESS_TOKEN].flatMap((secret) => [
		secret,
		formEncoded(secret),
		encodeURIComponent(secret),
		base64(secret),
	]),
];

function leakedForms(value: unknown): string[] {
	const text = JSON.stringify(value, Object.getOwnPropertyNames(value as object));
	return SECRET_FORMS.filter((form) => text.includes(form));
}

type Answer = 'error' | 'code' | 'description' | 'text';
let answer: Answer = 'error';
const received: string[] = [];

function echo(request: IncomingMessage, body: string): string {
	const values = [...new URLSearchParams(body).values()].join(' ');
	return `authorization=${request.headers.authorization ?? 'none'} body=${body} values=${values}`;
}

function echoingTokenEndpoint(request: IncomingMessage, response: ServerResponse) {
	let body = '';
	request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
	request.on('end', () => {
		const quoted = echo(request, body);
		received.push(quoted);
		const json = (value: unknown) =>
			response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(value));
		if (answer === 'error') json({ error: 'invalid_request', error_description: quoted });
		else if (answer === 'code') json({ error: quoted });
		else if (answer === 'description') json({ error_description: quoted });
		else response.writeHead(400, { 'content-type': 'text/plain' }).end(quoted);
	});
}

let server: Server;
let origin: string;

beforeAll(async () => {
	server = createServer(echoingTokenEndpoint);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

const node = new FieldServiceToken();

function fromField(clientAuthentication: 'basic' | 'body', continueOnFail: boolean) {
	return runNode({
		nodeType: node,
		parameters: {
			operation: 'refreshAccessToken',
			refreshTokenSource: 'parameter',
			refreshToken: '={{ $json.rt }}',
			clientAuthentication,
			options: { reuseToken: false },
		},
		credential: credentialStore({ domainUrl: origin, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }),
		items: [{ json: { rt: REFRESH_TOKEN } }],
		continueOnFail,
	});
}

function fromCredential(authentication: 'header' | 'body', continueOnFail: boolean) {
	return runNode({
		nodeType: node,
		parameters: { operation: 'refreshAccessToken', refreshTokenSource: 'credential' },
		credential: credentialStore({
			domainUrl: origin,
			clientId: CLIENT_ID,
			clientSecret: CLIENT_SECRET,
			authentication,
			oauthTokenData: {
				access_token: STORED_ACCESS_TOKEN,
				token_type: 'Bearer',
				expires_in: 3600,
				refresh_token: REFRESH_TOKEN,
				n8n_expires_at: String(Date.now() - 1000),
			},
		}),
		continueOnFail,
	});
}

// What the server quoted, as it must come back: the Basic value, and the secrets in the body.
const FIELD_BASIC = `authorization=Basic [redacted] body=grant_type=refresh_token&refresh_token=[redacted] values=refresh_token [redacted]`;
const FIELD_BODY = `authorization=none body=grant_type=refresh_token&refresh_token=[redacted]&client_id=${CLIENT_ID}&client_secret=[redacted] values=refresh_token [redacted] ${CLIENT_ID} [redacted]`;
const CREDENTIAL_HEADER = `authorization=Basic [redacted] body=refresh_token=[redacted]&grant_type=refresh_token values=[redacted] refresh_token`;
const CREDENTIAL_BODY = `authorization=none body=refresh_token=[redacted]&grant_type=refresh_token&client_id=${CLIENT_ID}&client_secret=[redacted] values=[redacted] refresh_token ${CLIENT_ID} [redacted]`;
const INVALID_REQUEST = 'IDCS rejected the token request (invalid_request)';
const INVALID_REQUEST_HINT = /^IDCS rejected the request as malformed\./;
const said = (quoted: string) => ` IDCS said: "${quoted}"`;

describe('a token endpoint that quotes the request in its error gets every secret back as [redacted]', () => {
	it.each([
		{
			path: 'field source, Basic header',
			run: (cof: boolean) => fromField('basic', cof),
			answer: 'error',
			carried: [BASIC, formEncoded(REFRESH_TOKEN)],
			message: INVALID_REQUEST,
			description: [INVALID_REQUEST_HINT, said(FIELD_BASIC)],
		},
		{
			path: 'field source, Body Fields',
			run: (cof: boolean) => fromField('body', cof),
			answer: 'error',
			carried: [formEncoded(REFRESH_TOKEN), formEncoded(CLIENT_SECRET)],
			message: INVALID_REQUEST,
			description: [INVALID_REQUEST_HINT, said(FIELD_BODY)],
		},
		{
			path: 'field source, Basic header, quoted as the error code',
			run: (cof: boolean) => fromField('basic', cof),
			answer: 'code',
			carried: [BASIC, formEncoded(REFRESH_TOKEN)],
			message: `The IDCS token endpoint answered HTTP 400 with error "${FIELD_BASIC.slice(0, 80)}"`,
			description: [/^Check the IDCS application configuration/, /look for the request in the IDCS audit log\.$/],
		},
		{
			path: 'credential source, header',
			run: (cof: boolean) => fromCredential('header', cof),
			answer: 'error',
			carried: [BASIC, encodeURIComponent(REFRESH_TOKEN)],
			message: INVALID_REQUEST,
			description: [INVALID_REQUEST_HINT, said(CREDENTIAL_HEADER)],
		},
		{
			path: 'credential source, body',
			run: (cof: boolean) => fromCredential('body', cof),
			answer: 'error',
			carried: [encodeURIComponent(REFRESH_TOKEN), encodeURIComponent(CLIENT_SECRET)],
			message: INVALID_REQUEST,
			description: [INVALID_REQUEST_HINT, said(CREDENTIAL_BODY)],
		},
		{
			path: 'credential source, header, quoted as the error code',
			run: (cof: boolean) => fromCredential('header', cof),
			answer: 'code',
			carried: [BASIC, encodeURIComponent(REFRESH_TOKEN)],
			message: `The IDCS token endpoint answered HTTP 400 with error "${CREDENTIAL_HEADER.slice(0, 80)}"`,
			description: [/^Check the IDCS application configuration/, /look for the request in the IDCS audit log\.$/],
		},
		{
			path: "credential source, header, quoted as a description without error code (n8n's client makes it its message)",
			run: (cof: boolean) => fromCredential('header', cof),
			answer: 'description',
			carried: [BASIC, encodeURIComponent(REFRESH_TOKEN)],
			message: `Refreshing the credential's token failed: ${CREDENTIAL_HEADER}`,
			description: [/^Check the network path from n8n to the identity domain/, /proxy settings\.$/],
		},
		{
			path: 'credential source, body, quoted as a description without error code',
			run: (cof: boolean) => fromCredential('body', cof),
			answer: 'description',
			carried: [encodeURIComponent(REFRESH_TOKEN), encodeURIComponent(CLIENT_SECRET)],
			message: `Refreshing the credential's token failed: ${CREDENTIAL_BODY}`,
			description: [/^Check the network path from n8n to the identity domain/, /proxy settings\.$/],
		},
		{
			path: 'credential source, header, quoted in a plain-text answer (never quoted back, even cut short)',
			run: (cof: boolean) => fromCredential('header', cof),
			answer: 'text',
			carried: [BASIC, encodeURIComponent(REFRESH_TOKEN)],
			message: 'The IDCS token endpoint answered HTTP 400 with a non-JSON body',
			description: [/^Check that the domain URL points at the IDCS identity domain/, /answered instead of IDCS\.$/],
		},
	] as const)('$path', async ({ run, answer: mode, carried, message, description }) => {
		answer = mode;
		received.length = 0;
		const error = await run(false).then(
			() => undefined,
			(e: unknown) => e as Error & { description?: string },
		);
		// The request really carried the secrets in these forms, and the server quoted them.
		expect(received).toHaveLength(1);
		for (const form of carried) expect(received[0]).toContain(form);

		expect(error?.message).toBe(message);
		for (const part of description) expect(error?.description).toMatch(part);
		expect(leakedForms(error)).toEqual([]);

		const [[item]] = await run(true);
		expect(item).toEqual({ json: { error: message, details: error?.description }, pairedItem: { item: 0 } });
		expect(leakedForms(item)).toEqual([]);
		expect(received).toHaveLength(2);
	});
});

describe('the last line of defence: an error the node does not expect', () => {
	const node: INode = {
		id: '1',
		name: 'Field Service Token',
		type: 'fieldServiceToken',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};

	it('is redacted for every form of the secrets it is given', () => {
		const error = toNodeError(node, new Error(`failed: ${SECRET_FORMS.join(' ')}`), 3, [
			CLIENT_SECRET,
			REFRESH_TOKEN,
			STORED_ACCESS_TOKEN,
			BASIC,
		]);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(`failed: ${Array(SECRET_FORMS.length).fill('[redacted]').join(' ')}`);
		expect(error.context.itemIndex).toBe(3);
	});

	// A hand-made context: no real failure of n8n-core quotes a credential's secret, so one stands in
	// for whatever unexpected error an operation may meet once it has read the credential: here a
	// parameter read after the credential throws an error quoting every secret it holds.
	const PRIVATE_KEY = selfSignedCertificate().key;
	const IDCS_CREDENTIAL = {
		domainUrl: 'https://idcs-a.identity.oraclecloud.com',
		clientId: CLIENT_ID,
		clientSecret: CLIENT_SECRET,
		authUrl: 'https://idcs-a.identity.oraclecloud.com/oauth2/v1/authorize',
		accessTokenUrl: 'https://idcs-a.identity.oraclecloud.com/oauth2/v1/token',
		oauthTokenData: { access_token: STORED_ACCESS_TOKEN, refresh_token: REFRESH_TOKEN },
		signingPrivateKey: PRIVATE_KEY,
	};
	const FIELD_SERVICE_CREDENTIAL = {
		instanceUrl: 'https://localfs.fs.ocs.oraclecloud.com',
		instance: 'localfs',
		clientId: CLIENT_ID,
		clientSecret: CLIENT_SECRET,
		applicationId: 'n8n_integration',
		signingPrivateKey: PRIVATE_KEY,
	};
	it.each([
		{
			operation: 'buildAuthorizationRequest',
			failingParameter: 'redirectUri',
			credential: IDCS_CREDENTIAL,
			quoted: `${CLIENT_SECRET} Basic ${BASIC} ${REFRESH_TOKEN} ${STORED_ACCESS_TOKEN} ${PRIVATE_KEY}`,
			expected: 'unexpected: [redacted] Basic [redacted] [redacted] [redacted] [redacted]',
		},
		{
			operation: 'getFieldServiceToken',
			failingParameter: 'fieldServiceGrant',
			credential: FIELD_SERVICE_CREDENTIAL,
			quoted: `${CLIENT_SECRET} ${PRIVATE_KEY}`,
			expected: 'unexpected: [redacted] [redacted]',
		},
	])(
		"is redacted for the credential's secrets, its private key included: $operation",
		async ({ operation, failingParameter, credential, quoted, expected }) => {
			const context = {
				getInputData: () => [{ json: {} }],
				getNode: () => node,
				getNodeParameter: (name: string, _index: number, fallback?: unknown) => {
					if (name === 'operation') return operation;
					if (name === failingParameter) throw new Error(`unexpected: ${quoted}`);
					return fallback;
				},
				getCredentials: async () => credential,
				continueOnFail: () => true,
				helpers: {},
			} as unknown as IExecuteFunctions;
			const [[item]] = await new FieldServiceToken().execute.call(context);
			expect(item).toEqual({ json: { error: expected }, pairedItem: { item: 0 } });
		},
	);
});
