import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IExecuteFunctions, INodeType } from 'n8n-workflow';

import { FieldServiceToken } from '../../nodes/FieldServiceToken/FieldServiceToken.node';
import { credentialStore, runNode } from './n8nExecution';

interface Recorded {
	method?: string;
	url?: string;
	headers: Record<string, unknown>;
	body: URLSearchParams;
}

describe('n8nExecution harness', () => {
	let server: Server;
	let origin: string;
	const requests: Recorded[] = [];

	beforeAll(async () => {
		server = createServer((req, res) => {
			let raw = '';
			req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
			req.on('end', () => {
				requests.push({ method: req.method, url: req.url, headers: req.headers, body: new URLSearchParams(raw) });
				if (req.method !== 'POST' || req.url !== '/oauth2/v1/token') {
					res.writeHead(404).end();
					return;
				}
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(
					JSON.stringify({
						access_token: `at-${requests.length}`,
						token_type: 'Bearer',
						expires_in: 60,
						refresh_token: 'rt-next',
					}),
				);
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});

	afterAll(async () => {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	});

	it('refreshes a refresh token given by field, with expressions, over the network', async () => {
		requests.length = 0;
		const credential = credentialStore({
			domainUrl: origin,
			clientId: 'id',
			clientSecret: 'secret',
			resourceScope: '',
			authentication: 'header',
		});
		const [[item]] = await runNode({
			nodeType: new FieldServiceToken(),
			parameters: {
				operation: 'refreshAccessToken',
				refreshTokenSource: 'parameter',
				refreshToken: '={{ $json.rt }}',
				clientAuthentication: 'body',
			},
			credential,
			items: [{ json: { rt: 'rt-1' } }],
		});
		expect(item.json).toMatchObject({
			rt: 'rt-1',
			access_token: 'at-1',
			token_type: 'Bearer',
			refresh_token: 'rt-next',
			refresh_token_rotated: true,
		});
		expect(requests).toHaveLength(1);
		const [request] = requests;
		expect(request.method).toBe('POST');
		expect(request.url).toBe('/oauth2/v1/token');
		expect(Object.fromEntries(request.body)).toMatchObject({
			grant_type: 'refresh_token',
			refresh_token: 'rt-1',
			client_id: 'id',
			client_secret: 'secret',
		});
		expect(credential.updates).toBe(0);
	});

	it("refreshes the credential's own token through n8n and persists the rotated one", async () => {
		requests.length = 0;
		const credential = credentialStore({
			domainUrl: origin,
			clientId: 'id',
			clientSecret: 'secret',
			resourceScope: '',
			authentication: 'header',
			oauthTokenData: { access_token: 'old', refresh_token: 'rt-1', token_type: 'Bearer', expires_in: 60 },
		});
		const [[item]] = await runNode({
			nodeType: new FieldServiceToken(),
			parameters: { operation: 'refreshAccessToken', refreshTokenSource: 'credential' },
			credential,
		});
		expect(item.json).toMatchObject({ access_token: 'at-1', refresh_token_rotated: true, from_cache: false });
		expect(requests).toHaveLength(1);
		expect(Object.fromEntries(requests[0].body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-1' });
		expect(requests[0].headers.authorization).toBe(`Basic ${Buffer.from('id:secret').toString('base64')}`);
		expect(credential.updates).toBe(1);
		const tokenData = credential.data.oauthTokenData as Record<string, unknown>;
		expect(tokenData.refresh_token).toBe('rt-next');
		expect(tokenData.access_token).toBe('at-1');
		expect(Number(tokenData.n8n_expires_at)).toBeGreaterThan(Date.now());
		// Only oauthTokenData was written back; the stored fields stay as they were.
		expect(credential.data).toMatchObject({ domainUrl: origin, clientId: 'id', authentication: 'header' });
		expect(credential.data).not.toHaveProperty('accessTokenUrl');

		// A later execution sees the rotated refresh token (the stored token expires within the margin).
		await runNode({
			nodeType: new FieldServiceToken(),
			parameters: { operation: 'refreshAccessToken', refreshTokenSource: 'credential' },
			credential,
		});
		expect(requests).toHaveLength(2);
		expect(requests[1].body.get('refresh_token')).toBe('rt-next');
		expect(credential.updates).toBe(2);
	});

	it('hands out the credential as n8n resolves it', async () => {
		const probe: INodeType = {
			description: {
				displayName: 'Probe',
				name: 'probe',
				group: ['transform'],
				version: 1,
				description: 'Returns the credential',
				defaults: { name: 'Probe' },
				inputs: ['main'],
				outputs: ['main'],
				credentials: [{ name: 'idcsOAuth2Api', required: true }],
				properties: [],
			},
			async execute(this: IExecuteFunctions) {
				return [[{ json: await this.getCredentials('idcsOAuth2Api', 0) }]];
			},
		};
		const oauthTokenData = { access_token: 'a', refresh_token: 'r', n8n_expires_at: '1' };
		const [[item]] = await runNode({
			nodeType: probe,
			parameters: {},
			credential: credentialStore({
				domainUrl: ' idcs-1.identity.oraclecloud.com/ui/v1/adminconsole ',
				clientId: 'id',
				resourceScope: 'urn:opc:resource:consumer::all',
				accessTokenUrl: 'https://stale.example/token',
				oauthTokenData,
			}),
		});
		expect(item.json).toEqual({
			grantType: 'authorizationCode',
			authUrl: 'https://idcs-1.identity.oraclecloud.com/oauth2/v1/authorize',
			assertionAudience: '',
			accessTokenUrl: 'https://idcs-1.identity.oraclecloud.com/oauth2/v1/token',
			clientId: 'id',
			clientCredentialType: 'clientSecret',
			clientSecret: '',
			privateKey: '',
			publicCertificate: '',
			signingKeyId: '',
			signingPrivateKey: '',
			certificate: '',
			scope: 'urn:opc:resource:consumer::all offline_access',
			authQueryParameters: '',
			authentication: 'header',
			useDynamicClientRegistration: false,
			domainUrl: ' idcs-1.identity.oraclecloud.com/ui/v1/adminconsole ',
			resourceScope: 'urn:opc:resource:consumer::all',
			oauthTokenData,
		});
	});

	it('honours continueOnFail', async () => {
		const credential = credentialStore({ domainUrl: origin, clientId: '', clientSecret: 'secret' });
		const parameters = { operation: 'refreshAccessToken', refreshTokenSource: 'parameter', refreshToken: 'rt-1' };
		await expect(runNode({ nodeType: new FieldServiceToken(), parameters, credential })).rejects.toThrow(
			'The credential has no client ID',
		);
		const [[item]] = await runNode({ nodeType: new FieldServiceToken(), parameters, credential, continueOnFail: true });
		expect(item.json.error).toBe('The credential has no client ID');
	});
});
