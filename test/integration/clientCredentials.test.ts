import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { FieldServiceToken } from '../../nodes/FieldServiceToken/FieldServiceToken.node';
import { grantTokenCache } from '../../nodes/FieldServiceToken/operations/getClientCredentialsToken.operation';
import { grantClients, tokenRequestsOf, type GrantClient } from '../support/grantClients';
import { callOfsApi, clients, issuer } from '../support/localIdcs';
import { credentialStore, runNode } from '../support/n8nExecution';
import { selfSignedCertificate } from '../support/selfSignedCertificate';

// Get Client Credentials Token in n8n-core's real execution context, against the local IDCS. Requests
// are counted by client and grant: other test files use the same clients for other grants at the same time.

const node = new FieldServiceToken();
const RESOURCE_SCOPE = 'urn:opc:resource:consumer::all';
const FUSION_SCOPE = 'urn:opc:resource:fusion:dev:field-service-common/use';

function credentialFor(client: Pick<GrantClient, 'clientId' | 'clientSecret'>, extra: IDataObject = {}) {
	return credentialStore({
		domainUrl: issuer,
		clientId: client.clientId,
		clientSecret: client.clientSecret ?? '',
		resourceScope: RESOURCE_SCOPE,
		authentication: 'header',
		...extra,
	});
}

async function clientCredentialsToken(
	client: Pick<GrantClient, 'clientId' | 'clientSecret'>,
	parameters: INodeParameters = {},
	extra: IDataObject = {},
) {
	const [[item]] = await runNode({
		nodeType: node,
		parameters: { operation: 'getClientCredentialsToken', ...parameters },
		credential: credentialFor(client, extra),
	});
	return item.json;
}

beforeEach(() => grantTokenCache.clear());

describe('Get Client Credentials Token against the local IDCS', () => {
	it.each([
		['basic', grantClients.service, 'client_secret_basic'],
		['body', grantClients.servicePost, 'client_secret_post'],
	] as const)(
		'authenticates with %s and asks for the resource scope of the credential, without offline_access',
		async (clientAuthentication, client, method) => {
			const before = (await tokenRequestsOf(client.clientId, 'client_credentials')).length;
			const output = await clientCredentialsToken(client, { clientAuthentication });

			expect(output).toEqual({
				access_token: expect.any(String),
				token_type: 'Bearer',
				expires_in: expect.any(Number),
				expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
				authorization: `Bearer ${output.access_token}`,
				scope: RESOURCE_SCOPE,
				from_cache: false,
			});
			expect(output.expires_in).toBeGreaterThan(3300);
			expect(output.expires_in).toBeLessThanOrEqual(3349);

			const requests = (await tokenRequestsOf(client.clientId, 'client_credentials')).slice(before);
			expect(requests).toHaveLength(1);
			const [request] = requests;
			expect(request.clientAuth).toBe(method);
			expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
			expect(request.body).toEqual(
				clientAuthentication === 'basic'
					? { grant_type: 'client_credentials', scope: RESOURCE_SCOPE }
					: {
							grant_type: 'client_credentials',
							scope: RESOURCE_SCOPE,
							client_id: client.clientId,
							client_secret: client.clientSecret,
						},
			);
			expect(request.headers.authorization).toBe(
				clientAuthentication === 'basic'
					? `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`
					: undefined,
			);
			expect(await callOfsApi(output.authorization as string)).toBe(200);
		},
	);

	it("follows the credential's Client Authentication by default, and drops offline_access from a pasted scope", async () => {
		const before = (await tokenRequestsOf(grantClients.servicePost.clientId, 'client_credentials')).length;
		await clientCredentialsToken(
			grantClients.servicePost,
			{},
			{ authentication: 'body', resourceScope: `${RESOURCE_SCOPE} offline_access` },
		);
		const [request] = (await tokenRequestsOf(grantClients.servicePost.clientId, 'client_credentials')).slice(before);
		expect(request.clientAuth).toBe('client_secret_post');
		expect(request.body?.scope).toBe(RESOURCE_SCOPE);
	});

	it("asks for the Scope option instead of the credential's when one is set", async () => {
		const output = await clientCredentialsToken(grantClients.service, { options: { scope: FUSION_SCOPE } });
		expect(output.scope).toBe(FUSION_SCOPE);
		const [request] = (await tokenRequestsOf(grantClients.service.clientId, 'client_credentials')).slice(-1);
		expect(request.body?.scope).toBe(FUSION_SCOPE);
	});

	it('reuses a valid token across items and executions: one token call for 50 items and a second run', async () => {
		const before = (await tokenRequestsOf(grantClients.service.clientId, 'client_credentials')).length;
		const [items] = await runNode({
			nodeType: node,
			parameters: { operation: 'getClientCredentialsToken' },
			credential: credentialFor(grantClients.service),
			items: Array.from({ length: 50 }, (_, index) => ({ json: { index } })),
		});
		expect(items.map((item) => item.json.from_cache)).toEqual([false, ...Array(49).fill(true)]);
		expect(new Set(items.map((item) => item.json.access_token)).size).toBe(1);
		expect(items.map((item) => item.json.index)).toEqual(Array.from({ length: 50 }, (_, index) => index));

		const again = await clientCredentialsToken(grantClients.service);
		expect(again).toMatchObject({ from_cache: true, access_token: items[0].json.access_token });
		expect((await tokenRequestsOf(grantClients.service.clientId, 'client_credentials')).slice(before)).toHaveLength(1);
	});

	it('makes one token call for 10 concurrent executions asking for one token', async () => {
		const before = (await tokenRequestsOf(grantClients.service.clientId, 'client_credentials')).length;
		const outputs = await Promise.all(
			Array.from({ length: 10 }, () =>
				clientCredentialsToken(grantClients.service, { options: { reuseToken: false } }),
			),
		);
		expect(new Set(outputs.map((output) => output.access_token)).size).toBe(1);
		expect(outputs.filter((output) => output.from_cache === false)).toHaveLength(1);
		expect((await tokenRequestsOf(grantClients.service.clientId, 'client_credentials')).slice(before)).toHaveLength(1);
	});

	it('asks again when the token would expire within the margin, or reuse is off', async () => {
		const first = await clientCredentialsToken(grantClients.service);
		const withinMargin = await clientCredentialsToken(grantClients.service, {
			options: { expiryMarginSeconds: 3400 },
		});
		const noReuse = await clientCredentialsToken(grantClients.service, { options: { reuseToken: false } });
		expect(withinMargin.from_cache).toBe(false);
		expect(noReuse.from_cache).toBe(false);
		expect(new Set([first.access_token, withinMargin.access_token, noReuse.access_token]).size).toBe(3);
	});

	it('never hands a cached token to a caller with another secret, scope or client authentication', async () => {
		const token = await clientCredentialsToken(grantClients.service);

		const otherScope = await clientCredentialsToken(grantClients.service, { options: { scope: FUSION_SCOPE } });
		expect(otherScope.from_cache).toBe(false);
		expect(otherScope.access_token).not.toBe(token.access_token);

		const wrongSecret = { clientId: grantClients.service.clientId, clientSecret: 'not-the-secret-0000' };
		await expect(clientCredentialsToken(wrongSecret)).rejects.toMatchObject({
			message: 'IDCS did not accept the client credentials (invalid_client)',
			httpCode: '401',
		});

		// The service client is registered for Basic: body fields must reach IDCS and be refused there.
		await expect(clientCredentialsToken(grantClients.service, { clientAuthentication: 'body' })).rejects.toMatchObject({
			message: 'IDCS did not accept the client credentials (invalid_client)',
		});
	});

	it('says to allow the grant in IDCS when the application may not use client credentials', async () => {
		const [[item]] = await runNode({
			nodeType: node,
			parameters: { operation: 'getClientCredentialsToken' },
			credential: credentialFor({ clientId: clients.basic.clientId, clientSecret: clients.basic.clientSecret! }),
			continueOnFail: true,
		});
		expect(item.json).toEqual({
			error: 'The IDCS application is not allowed to use the client credentials grant (unauthorized_client)',
			details: expect.stringMatching(/^In the IDCS console, open the application .* tick Client credentials/),
		});
		expect(JSON.stringify(item)).not.toContain(clients.basic.clientSecret);
	});

	it('refuses, before sending anything, a credential without secret or without a scope', async () => {
		const before = (await tokenRequestsOf(grantClients.service.clientId, 'client_credentials')).length;
		await expect(
			clientCredentialsToken({ clientId: grantClients.service.clientId, clientSecret: '' }),
		).rejects.toMatchObject({ message: 'The client credentials grant needs a client secret or a private key' });
		await expect(clientCredentialsToken(grantClients.service, {}, { resourceScope: '' })).rejects.toMatchObject({
			message: 'No scope to ask IDCS for',
		});
		await expect(
			clientCredentialsToken(grantClients.service, {}, { resourceScope: 'offline_access' }),
		).rejects.toMatchObject({ message: 'No scope to ask IDCS for' });
		expect((await tokenRequestsOf(grantClients.service.clientId, 'client_credentials')).slice(before)).toHaveLength(0);
	});

	it('keeps the secret out of the error item when IDCS refuses it', async () => {
		const secret = 'wrong secret with spaces!';
		const [[item]] = await runNode({
			nodeType: node,
			parameters: { operation: 'getClientCredentialsToken', clientAuthentication: 'basic' },
			credential: credentialFor({ clientId: grantClients.service.clientId, clientSecret: secret }),
			continueOnFail: true,
		});
		expect(item.json.error).toBe('IDCS did not accept the client credentials (invalid_client)');
		expect(JSON.stringify(item)).not.toContain(secret);
		expect(JSON.stringify(item)).not.toContain(
			Buffer.from(`${grantClients.service.clientId}:${secret}`).toString('base64'),
		);
	});
});

describe('the Timeout option of the stateless grants', () => {
	const signing = selfSignedCertificate();
	it.each([0, 301, -5])(
		'refuses %s seconds before anything is sent, even while a valid token is cached',
		async (timeoutSeconds) => {
			await clientCredentialsToken(grantClients.service);
			const before = (await tokenRequestsOf(grantClients.service.clientId, 'client_credentials')).length;
			for (const operation of ['getClientCredentialsToken', 'getUserAssertionToken', 'getFieldServiceToken']) {
				const [[item]] = await runNode({
					nodeType: node,
					parameters: { operation, userName: 'ofs.dispatcher', options: { timeoutSeconds } },
					credential: credentialFor(grantClients.service, {
						instanceUrl: issuer,
						instance: 'localfs',
						clientId: grantClients.service.clientId,
						signingPrivateKey: signing.key,
						signingKeyId: 'any',
					}),
					credentialType: operation === 'getFieldServiceToken' ? 'oracleFieldServiceApi' : undefined,
					continueOnFail: true,
				});
				expect(item.json).toEqual({
					error: 'The Timeout option must be between 1 and 300 seconds',
					details: expect.stringMatching(/^Set Options > Timeout \(Seconds\) to a number from 1 to 300/),
				});
			}
			expect((await tokenRequestsOf(grantClients.service.clientId, 'client_credentials')).slice(before)).toHaveLength(
				0,
			);
		},
	);
});
