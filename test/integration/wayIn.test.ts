import { FieldServiceToken } from '../../nodes/FieldServiceToken/FieldServiceToken.node';
import { clients, issuer, RESOURCE_SCOPE, tokenRequestsWith, type LocalClient } from '../support/localIdcs';
import { credentialStore, runNode } from '../support/n8nExecution';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { authorizeHeadlessly } = require('../local-idcs/authorize.js') as {
	authorizeHeadlessly: (url: string) => Promise<{ code: string; state: string; redirectUri: string }>;
};

const node = new FieldServiceToken();
const REDIRECT_URI = 'https://field-service.example.com/plugin-auth-redirect/';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const credentialFor = (client: LocalClient) =>
	credentialStore({
		domainUrl: `${issuer}/oauth2/v1/authorize`,
		clientId: client.clientId,
		clientSecret: client.clientSecret ?? '',
		resourceScope: RESOURCE_SCOPE,
		authentication: 'body',
	});

async function run(client: LocalClient, parameters: Record<string, unknown>, items = [{ json: {} }]) {
	const [output] = await runNode({
		nodeType: node,
		parameters: parameters as never,
		credential: credentialFor(client),
		items,
	});
	return output.map((item) => item.json);
}

describe('Build Authorization Request', () => {
	it('outputs the authorize URL with offline_access and the Plugin API message, with a new callId per item', async () => {
		const items = await run(
			clients.basic,
			{ operation: 'buildAuthorizationRequest', redirectUri: REDIRECT_URI, state: 'fixed-state' },
			[{ json: { visit: 1 } }, { json: { visit: 2 } }],
		);
		const expectedUrl =
			`${issuer}/oauth2/v1/authorize?response_type=code&client_id=${clients.basic.clientId}` +
			'&redirect_uri=https%3A%2F%2Ffield-service.example.com%2Fplugin-auth-redirect%2F' +
			'&scope=urn%3Aopc%3Aresource%3Aconsumer%3A%3Aall%20offline_access&state=fixed-state';
		expect(items[0]).toEqual({
			visit: 1,
			url: expectedUrl,
			state: 'fixed-state',
			pluginMessage: {
				apiVersion: 1,
				method: 'callProcedure',
				procedure: 'getAuthorizationCode',
				callId: expect.stringMatching(UUID),
				params: { url: expectedUrl },
			},
		});
		expect(items[1].visit).toBe(2);
		expect((items[0].pluginMessage as { callId: string }).callId).not.toBe(
			(items[1].pluginMessage as { callId: string }).callId,
		);
	});

	it('needs no network: it works for an identity domain that cannot be reached', async () => {
		const [output] = await runNode({
			nodeType: node,
			parameters: { operation: 'buildAuthorizationRequest', redirectUri: REDIRECT_URI, pkce: true },
			credential: credentialStore({
				domainUrl: 'https://idcs-unreachable.invalid',
				clientId: 'c1',
				clientSecret: '',
				resourceScope: '',
			}),
		});
		const { url, code_verifier } = output[0].json as { url: string; code_verifier: string };
		expect(
			url.startsWith('https://idcs-unreachable.invalid/oauth2/v1/authorize?response_type=code&client_id=c1&'),
		).toBe(true);
		expect(new URL(url).searchParams.get('scope')).toBe('offline_access');
		expect(code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
	});
});

describe('the whole way in: authorize, exchange the code, refresh with the returned refresh token', () => {
	it.each([
		['basic', 'basic', false],
		['body', 'post', false],
		['none', 'mobile', true],
	] as const)(
		'with %s client authentication for the %s client (PKCE: %s)',
		async (clientAuthentication, clientName, pkce) => {
			const client = clients[clientName];
			const [request] = await run(client, { operation: 'buildAuthorizationRequest', redirectUri: REDIRECT_URI, pkce });
			expect(new URL(request.url as string).searchParams.get('scope')).toBe(`${RESOURCE_SCOPE} offline_access`);

			const { code, state } = await authorizeHeadlessly(request.url as string);
			expect(state).toBe(request.state);

			const [tokens] = await run(client, {
				operation: 'exchangeAuthorizationCode',
				authorizationCode: code,
				redirectUri: REDIRECT_URI,
				codeVerifier: (request.code_verifier as string | undefined) ?? '',
				clientAuthentication,
			});
			expect(tokens).toEqual({
				access_token: expect.any(String),
				token_type: 'Bearer',
				expires_in: expect.any(Number),
				expires_at: expect.any(String),
				authorization: `Bearer ${tokens.access_token}`,
				scope: `${RESOURCE_SCOPE} offline_access`,
				refresh_token: expect.any(String),
				refresh_token_rotated: false,
				from_cache: false,
			});
			const [exchange] = await tokenRequestsWith('code', code);
			expect(exchange.grantType).toBe('authorization_code');
			expect(exchange.clientAuth).toBe(client.authMethod);
			expect(exchange.body?.redirect_uri).toBe(REDIRECT_URI);
			expect(exchange.body?.code_verifier).toBe(pkce ? request.code_verifier : undefined);

			const [refreshed] = await run(
				client,
				{
					operation: 'refreshAccessToken',
					refreshTokenSource: 'parameter',
					refreshToken: '={{ $json.rt }}',
					clientAuthentication,
					options: { reuseToken: false },
				},
				[{ json: { rt: tokens.refresh_token } }],
			);
			expect(refreshed).toMatchObject({ from_cache: false, refresh_token_rotated: true });
			expect(refreshed.access_token).not.toBe(tokens.access_token);
		},
	);

	it('says why when the code is answered without a refresh token (no offline_access)', async () => {
		const url =
			`${issuer}/oauth2/v1/authorize?response_type=code&client_id=${clients.basic.clientId}` +
			`&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&scope=${encodeURIComponent(RESOURCE_SCOPE)}&state=s1`;
		const { code } = await authorizeHeadlessly(url);
		await expect(
			run(clients.basic, {
				operation: 'exchangeAuthorizationCode',
				authorizationCode: code,
				redirectUri: REDIRECT_URI,
				clientAuthentication: 'basic',
			}),
		).rejects.toMatchObject({
			message: 'IDCS returned an access token but no refresh token',
			description: expect.stringMatching(
				/^The scope lacked offline_access, or the IDCS application does not allow the Refresh Token grant/,
			),
		});
	});

	it('reports a code used twice as invalid_grant', async () => {
		const [request] = await run(clients.basic, { operation: 'buildAuthorizationRequest', redirectUri: REDIRECT_URI });
		const { code } = await authorizeHeadlessly(request.url as string);
		const exchange = {
			operation: 'exchangeAuthorizationCode',
			authorizationCode: code,
			redirectUri: REDIRECT_URI,
			clientAuthentication: 'basic',
		};
		await run(clients.basic, exchange);
		await expect(run(clients.basic, exchange)).rejects.toMatchObject({
			message:
				'The refresh token or authorization code was rejected: it is expired, revoked or already used (invalid_grant)',
		});
	});
});
