import { generateKeyPairSync, verify, X509Certificate } from 'crypto';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { FieldServiceToken } from '../../nodes/FieldServiceToken/FieldServiceToken.node';
import { grantTokenCache } from '../../nodes/FieldServiceToken/operations/getClientCredentialsToken.operation';
import { tokenCache } from '../../nodes/FieldServiceToken/operations/refreshAccessToken.operation';
import { decodeJwt, grantClients, registeredKeys, tokenRequestsOf, type RegisteredKey } from '../support/grantClients';
import { callOfsApi, issuer, mintRefreshToken, RESOURCE_SCOPE } from '../support/localIdcs';
import { credentialStore, runNode } from '../support/n8nExecution';
import { selfSignedCertificate } from '../support/selfSignedCertificate';

// Client Assertion (private_key_jwt) for every IDCS grant of the node, in n8n-core's real execution
// context, against the local IDCS, which verifies what IDCS verifies.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { authorizeHeadlessly } = require('../local-idcs/authorize.js') as {
	authorizeHeadlessly: (url: string) => Promise<{ code: string }>;
};

const node = new FieldServiceToken();
const client = grantClients.signed;
const REDIRECT_URI = 'https://field-service.example.com/plugin-auth-redirect/';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
let key: RegisteredKey;

beforeAll(async () => {
	[key] = (await registeredKeys()).signed;
});
beforeEach(() => {
	grantTokenCache.clear();
	tokenCache.clear();
});

function credentialFor(signing: IDataObject = {}, extra: IDataObject = {}) {
	return credentialStore({
		domainUrl: issuer,
		clientId: client.clientId,
		clientSecret: '',
		resourceScope: RESOURCE_SCOPE,
		signingPrivateKey: key.privateKey,
		signingKeyId: key.alias,
		...signing,
		...extra,
	});
}

async function run(parameters: INodeParameters, signing: IDataObject = {}, continueOnFail = false) {
	const [[item]] = await runNode({
		nodeType: node,
		parameters: { clientAuthentication: 'clientAssertion', ...parameters },
		credential: credentialFor(signing),
		continueOnFail,
	});
	return item.json;
}

const clientCredentials = (signing: IDataObject = {}, options: INodeParameters = {}) =>
	run({ operation: 'getClientCredentialsToken', options }, signing);

/** This file's requests: other files use the same client for the user assertion grant at the same time. */
async function ownRequests() {
	return (await tokenRequestsOf(client.clientId)).filter((request) => request.grantType !== JWT_BEARER);
}

async function lastRequests(count: number) {
	return (await ownRequests()).slice(-count);
}

/** A code for the signed client, from the local IDCS's sign-in driven headlessly. */
async function authorizationCode() {
	const authorize = new URL(`${issuer}/oauth2/v1/authorize`);
	authorize.search = new URLSearchParams({
		response_type: 'code',
		client_id: client.clientId,
		redirect_uri: REDIRECT_URI,
		scope: `${RESOURCE_SCOPE} offline_access`,
		state: 'assertion-state',
	}).toString();
	return (await authorizeHeadlessly(authorize.href)).code;
}

describe('Client Assertion against the local IDCS', () => {
	it('gets a client credentials token with a JWT signed by the key, named by its alias (kid), and no secret', async () => {
		const output = await clientCredentials();
		expect(output).toEqual({
			access_token: expect.any(String),
			token_type: 'Bearer',
			expires_in: expect.any(Number),
			expires_at: expect.any(String),
			authorization: `Bearer ${output.access_token}`,
			scope: RESOURCE_SCOPE,
			from_cache: false,
		});
		expect(await callOfsApi(output.authorization as string)).toBe(200);

		const [request] = await lastRequests(1);
		expect(request.status).toBe(200);
		expect(request.headers.authorization).toBeUndefined();
		expect(Object.keys(request.body!).sort()).toEqual([
			'client_assertion',
			'client_assertion_type',
			'grant_type',
			'scope',
		]);
		expect(request.body!.client_assertion_type).toBe(CLIENT_ASSERTION_TYPE);
		const assertion = request.body!.client_assertion;
		const { header, payload } = decodeJwt(assertion);
		expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: key.alias });
		expect(payload).toEqual({
			iss: client.clientId,
			sub: client.clientId,
			aud: ['https://identity.oraclecloud.com/', issuer, `${issuer}/`],
			iat: expect.any(Number),
			exp: (payload.iat as number) + 300,
			jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
		});
		expect(Math.abs((payload.iat as number) - Date.now() / 1000)).toBeLessThan(30);
		const [signingInput, signature] = [assertion.split('.').slice(0, 2).join('.'), assertion.split('.')[2]];
		expect(
			verify(
				'sha256',
				Buffer.from(signingInput),
				new X509Certificate(key.certificate).publicKey,
				Buffer.from(signature, 'base64url'),
			),
		).toBe(true);
	});

	it('names the key by the certificate thumbprint (x5t) when no key ID is given', async () => {
		const output = await clientCredentials({ signingKeyId: '', publicCertificate: key.certificate });
		expect(output.from_cache).toBe(false);
		const [request] = await lastRequests(1);
		expect(decodeJwt(request.body!.client_assertion).header).toEqual({ alg: 'RS256', typ: 'JWT', x5t: key.x5t });
	});

	it('signs a new assertion for every call, so none is presented twice', async () => {
		await clientCredentials({}, { reuseToken: false });
		await clientCredentials({}, { reuseToken: false });
		const requests = await lastRequests(2);
		expect(requests.map((r) => r.status)).toEqual([200, 200]);
		const [a, b] = requests.map((r) => decodeJwt(r.body!.client_assertion).payload);
		expect(a.jti).not.toBe(b.jti);
	});

	it('reuses the token only for the same private key: another key makes a real call, which IDCS refuses', async () => {
		const first = await clientCredentials();
		expect((await clientCredentials()).from_cache).toBe(true);
		const otherKey = selfSignedCertificate().key;
		const [[item]] = await runNode({
			nodeType: node,
			parameters: { operation: 'getClientCredentialsToken', clientAuthentication: 'clientAssertion' },
			credential: credentialFor({ signingPrivateKey: otherKey }),
			continueOnFail: true,
		});
		expect(item.json).toEqual({
			error: 'IDCS did not accept the client assertion (invalid_client)',
			details: expect.stringMatching(
				/^Check that the certificate of this private key is uploaded to the application .* IDCS said: "client authentication failed: signature verification failed"$/,
			),
		});
		const serialized = JSON.stringify(item);
		expect(serialized).not.toContain(otherKey.split('\n')[1]);
		const [request] = await lastRequests(1);
		expect(serialized).not.toContain(request.body!.client_assertion);
		expect(first.access_token).toBeDefined();
	});

	it('refreshes a refresh token given by field, the client proving itself with an assertion', async () => {
		const refreshToken = await mintRefreshToken('signed' as never);
		const output = await run({
			operation: 'refreshAccessToken',
			refreshTokenSource: 'parameter',
			refreshToken,
		});
		expect(output).toMatchObject({ from_cache: false, refresh_token_rotated: true, token_type: 'Bearer' });
		expect(await callOfsApi(output.authorization as string)).toBe(200);
		const [request] = await lastRequests(1);
		expect(request.body).toEqual({
			grant_type: 'refresh_token',
			refresh_token: refreshToken,
			client_assertion_type: CLIENT_ASSERTION_TYPE,
			client_assertion: expect.any(String),
		});

		// The reused token goes only to a caller with the same private key.
		const again = await run({ operation: 'refreshAccessToken', refreshTokenSource: 'parameter', refreshToken });
		expect(again.from_cache).toBe(true);
		await expect(
			run(
				{ operation: 'refreshAccessToken', refreshTokenSource: 'parameter', refreshToken },
				{ signingPrivateKey: selfSignedCertificate().key },
			),
		).rejects.toMatchObject({ message: 'IDCS did not accept the client assertion (invalid_client)' });
	});

	it('exchanges an authorization code, the client proving itself with an assertion', async () => {
		const code = await authorizationCode();
		const output = await run({
			operation: 'exchangeAuthorizationCode',
			authorizationCode: code,
			redirectUri: REDIRECT_URI,
		});
		expect(output).toMatchObject({ token_type: 'Bearer', refresh_token: expect.any(String), from_cache: false });
		const [request] = await lastRequests(1);
		expect(request.body).toMatchObject({
			grant_type: 'authorization_code',
			client_assertion_type: CLIENT_ASSERTION_TYPE,
		});
		expect(request.body).not.toHaveProperty('client_secret');
	});
});

describe('a credential with a private key and no secret', () => {
	async function viaDefault(parameters: INodeParameters) {
		const [[item]] = await runNode({
			nodeType: node,
			// Client Authentication left at its default, "As Set in the Credential".
			parameters,
			credential: credentialFor(),
		});
		const [request] = await lastRequests(1);
		return { output: item.json, request };
	}

	it.each([
		['Get Client Credentials Token', { operation: 'getClientCredentialsToken' }, 'client_credentials'],
		[
			'Refresh Access Token from a field',
			{ operation: 'refreshAccessToken', refreshTokenSource: 'parameter' },
			'refresh_token',
		],
	])('signs a client assertion by default: %s', async (_what, parameters, grantType) => {
		const refreshToken = await mintRefreshToken('signed' as never);
		const { output, request } = await viaDefault({ ...parameters, refreshToken, options: { reuseToken: false } });
		expect(output).toMatchObject({ token_type: 'Bearer', from_cache: false });
		expect(request).toMatchObject({ grantType, status: 200, clientAuth: 'client_assertion' });
		expect(request.body!.client_assertion_type).toBe(CLIENT_ASSERTION_TYPE);
		expect(request.headers.authorization).toBeUndefined();
	});

	it('signs a client assertion by default: Get User Assertion Token', async () => {
		const before = (await tokenRequestsOf(client.clientId, JWT_BEARER)).length;
		const [[item]] = await runNode({
			nodeType: node,
			parameters: { operation: 'getUserAssertionToken', userName: 'ofs.dispatcher', options: { reuseToken: false } },
			credential: credentialFor(),
		});
		const [request] = (await tokenRequestsOf(client.clientId, JWT_BEARER)).slice(before);
		expect(item.json).toMatchObject({ token_type: 'Bearer', from_cache: false });
		expect(request).toMatchObject({ status: 200, clientAuth: 'client_assertion' });
		expect(Object.keys(request.body!)).toEqual([
			'grant_type',
			'assertion',
			'scope',
			'client_assertion_type',
			'client_assertion',
		]);
	});

	it('signs a client assertion by default: Exchange Authorization Code', async () => {
		const code = await authorizationCode();
		const { output, request } = await viaDefault({
			operation: 'exchangeAuthorizationCode',
			authorizationCode: code,
			redirectUri: REDIRECT_URI,
		});
		expect(output).toMatchObject({ token_type: 'Bearer', refresh_token: expect.any(String) });
		expect(request).toMatchObject({ grantType: 'authorization_code', status: 200, clientAuth: 'client_assertion' });
	});

	it('chosen explicitly as Basic, says the key is there and which choice uses it', async () => {
		const before = (await ownRequests()).length;
		const [[item]] = await runNode({
			nodeType: node,
			parameters: { operation: 'getClientCredentialsToken', clientAuthentication: 'basic' },
			credential: credentialFor(),
			continueOnFail: true,
		});
		expect(item.json).toEqual({
			error: 'The credential has no client secret',
			details:
				'Basic header and body fields both send the client secret. The credential holds a private key: choose Client Authentication "Client Assertion (Private Key)" or "As Set in the Credential", or fill in the Client Secret.',
		});
		expect((await ownRequests()).length).toBe(before);
	});
});

describe('Client Assertion on a credential that also holds a secret', () => {
	it.each(['header', 'body'])(
		'sends the assertion alone: no secret in the body, no Basic header (credential authentication %s)',
		async (authentication) => {
			const [[item]] = await runNode({
				nodeType: node,
				parameters: {
					operation: 'getClientCredentialsToken',
					clientAuthentication: 'clientAssertion',
					options: { reuseToken: false },
				},
				credential: credentialFor({}, { clientSecret: 'a-secret-that-stays-home', authentication }),
			});
			const [request] = await lastRequests(1);
			expect(item.json).toMatchObject({ token_type: 'Bearer', from_cache: false });
			expect(Object.keys(request.body!)).toEqual(['grant_type', 'scope', 'client_assertion_type', 'client_assertion']);
			expect(request.headers.authorization).toBeUndefined();
			expect(request.status).toBe(200);
		},
	);
});

describe('Client Assertion refuses bad keys before anything is sent', () => {
	const encrypted = generateKeyPairSync('rsa', {
		modulusLength: 2048,
		privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'passphrase' },
		publicKeyEncoding: { type: 'spki', format: 'pem' },
	}).privateKey;
	const ecKey = generateKeyPairSync('ec', {
		namedCurve: 'P-256',
		privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
		publicKeyEncoding: { type: 'spki', format: 'pem' },
	}).privateKey;
	it.each([
		['no private key', { signingPrivateKey: '' }, 'No private key to sign the assertion with'],
		[
			'a certificate instead of a key',
			() => ({ signingPrivateKey: key.certificate }),
			'The private key is not a PEM private key',
		],
		[
			'a truncated PEM',
			() => ({ signingPrivateKey: key.privateKey.slice(0, 200) + '\n-----END PRIVATE KEY-----' }),
			'The private key could not be read',
		],
		['an encrypted PEM', { signingPrivateKey: encrypted }, 'The private key is encrypted with a passphrase'],
		['an EC key', { signingPrivateKey: ecKey }, 'The private key is EC, not an RSA key'],
		[
			'neither key ID nor certificate',
			{ signingKeyId: '', publicCertificate: '' },
			'The assertion needs a key ID or a certificate',
		],
		[
			"another key's certificate",
			() => ({ signingKeyId: '', publicCertificate: selfSignedCertificate().cert }),
			'The certificate does not belong to the private key',
		],
		[
			'a certificate that is not one',
			{ signingKeyId: '', publicCertificate: 'not a certificate' },
			'The certificate could not be read',
		],
	])('%s', async (_what, signing, message) => {
		const before = (await ownRequests()).length;
		const given: IDataObject = typeof signing === 'function' ? signing() : signing;
		for (const operation of ['getClientCredentialsToken', 'refreshAccessToken', 'exchangeAuthorizationCode']) {
			const output = await run(
				{
					operation,
					refreshTokenSource: 'parameter',
					refreshToken: 'rt',
					authorizationCode: 'code',
					redirectUri: REDIRECT_URI,
				},
				given,
				true,
			);
			expect(output).toEqual({ error: message, details: expect.any(String) });
			if (typeof given.signingPrivateKey === 'string' && given.signingPrivateKey.length > 100) {
				expect(JSON.stringify(output)).not.toContain(given.signingPrivateKey.split('\n')[1]);
			}
		}
		expect((await ownRequests()).length).toBe(before);
	});
});
