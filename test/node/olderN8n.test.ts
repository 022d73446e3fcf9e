import { NodeOperationError, type IExecuteFunctions, type INode } from 'n8n-workflow';

import { FieldServiceToken } from '../../nodes/FieldServiceToken/FieldServiceToken.node';
import { MINIMUM_N8N_FOR_CREDENTIAL_SOURCE } from '../../nodes/FieldServiceToken/n8n/credentialToken';

// A unit test with a hand-made context: an n8n older than 1.119.2 has no helpers.refreshOAuth2Token,
// which no real n8n-core of this package's tests can show.
function olderN8nContext(continueOnFail: boolean): IExecuteFunctions {
	const node: INode = {
		id: '1',
		name: 'Field Service Token',
		type: 'fieldServiceToken',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const parameters: Record<string, unknown> = {
		operation: 'refreshAccessToken',
		refreshTokenSource: 'credential',
		options: { reuseToken: false },
	};
	let requests = 0;
	return {
		getInputData: () => [{ json: {} }],
		getNode: () => node,
		getNodeParameter: (name: string, _index: number, fallback?: unknown) => parameters[name] ?? fallback,
		getCredentials: async () => ({
			domainUrl: 'https://idcs-a.identity.oraclecloud.com',
			clientId: 'client',
			clientSecret: 'secret-value',
			accessTokenUrl: 'https://idcs-a.identity.oraclecloud.com/oauth2/v1/token',
			oauthTokenData: {
				access_token: 'at',
				refresh_token: 'rt-value',
				expires_in: 3600,
				n8n_expires_at: String(Date.now() - 1),
			},
		}),
		continueOnFail: () => continueOnFail,
		helpers: {
			httpRequest: async () => {
				requests += 1;
				throw new Error(`no request expected, got ${requests}`);
			},
		},
	} as unknown as IExecuteFunctions;
}

describe('an operation the node does not have', () => {
	// Names inherited by every object ("constructor", "toString", "__proto__") name no operation either.
	it.each(['__CUSTOM_API_CALL__', 'constructor', 'toString', '__proto__', 'hasOwnProperty'])(
		'says which operations there are and how to call an API instead: %s',
		async (operation) => {
			const context = olderN8nContext(false);
			const getNodeParameter = context.getNodeParameter;
			context.getNodeParameter = ((name: string, index: number, fallback?: unknown) =>
				name === 'operation'
					? operation
					: getNodeParameter(name, index, fallback)) as IExecuteFunctions['getNodeParameter'];
			const error = await new FieldServiceToken().execute.call(context).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error).toMatchObject({
				message: `The operation "${operation}" is not one of this node's`,
				description: expect.stringContaining('use an HTTP Request node'),
			});
		},
	);
});

describe('the credential source on an n8n without helpers.refreshOAuth2Token', () => {
	it('names the minimum n8n release', () => {
		expect(MINIMUM_N8N_FOR_CREDENTIAL_SOURCE).toBe('1.119.2');
	});

	it('fails clearly instead of refreshing in a way that would lose the rotated refresh token', async () => {
		const error = await new FieldServiceToken().execute.call(olderN8nContext(false)).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error).toMatchObject({
			message: 'Refreshing from the credential needs n8n 1.119.2 or later',
			description: expect.stringContaining('choose Refresh Token Source "From a Field"'),
		});
	});

	it('becomes an error item with continueOnFail', async () => {
		const [[item]] = await new FieldServiceToken().execute.call(olderN8nContext(true));
		expect(item).toEqual({
			json: { error: 'Refreshing from the credential needs n8n 1.119.2 or later', details: expect.any(String) },
			pairedItem: { item: 0 },
		});
		expect(JSON.stringify(item)).not.toMatch(/secret-value|rt-value/);
	});
});
