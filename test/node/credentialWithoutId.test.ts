import type { IExecuteFunctions, INode } from 'n8n-workflow';

import { FieldServiceToken } from '../../nodes/FieldServiceToken/FieldServiceToken.node';

// A node may refer to its credential by name only (n8n types the id `string | null`, as in
// workflows from older n8n). n8n-core 2.x then refuses to refresh ("Found credential with no ID."),
// so its real context cannot show what the node does; a hand-made context stands for an n8n that
// refreshes anyway. Two such credentials refreshing at once must not share one refresh.

const refreshes: string[] = [];

function contextWithoutCredentialId(name: string): IExecuteFunctions {
	const node: INode = {
		id: `node-${name}`,
		name: `Field Service Token ${name}`,
		type: 'fieldServiceToken',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { idcsOAuth2Api: { id: null, name } },
	};
	const parameters: Record<string, unknown> = { operation: 'refreshAccessToken', refreshTokenSource: 'credential' };
	// What n8n stores for the credential; its refresh writes the new token back, as n8n's does.
	let oauthTokenData: Record<string, unknown> = {
		access_token: `expired-${name}`,
		refresh_token: `refresh-${name}`,
		n8n_expires_at: String(Date.now() - 1000),
	};
	return {
		getInputData: () => [{ json: {} }],
		getNode: () => node,
		getNodeParameter: (parameter: string, _index: number, fallback?: unknown) => parameters[parameter] ?? fallback,
		getCredentials: async () => ({
			domainUrl: `https://idcs-${name}.identity.oraclecloud.com`,
			clientId: `client-${name}`,
			clientSecret: `secret-${name}`,
			accessTokenUrl: `https://idcs-${name}.identity.oraclecloud.com/oauth2/v1/token`,
			oauthTokenData,
		}),
		continueOnFail: () => false,
		helpers: {
			// Answers after the other execution has started its own refresh.
			refreshOAuth2Token: async () => {
				refreshes.push(name);
				await new Promise((resolve) => setImmediate(resolve));
				oauthTokenData = {
					access_token: `access-${name}`,
					token_type: 'Bearer',
					expires_in: 3600,
					refresh_token: `refresh-${name}-2`,
				};
				return oauthTokenData;
			},
		},
	} as unknown as IExecuteFunctions;
}

describe('the credential source with a credential that has no id', () => {
	it('refreshes each of two such credentials used at once for itself', async () => {
		const node = new FieldServiceToken();
		const [[[a]], [[b]]] = await Promise.all([
			node.execute.call(contextWithoutCredentialId('a')),
			node.execute.call(contextWithoutCredentialId('b')),
		]);
		expect(refreshes).toEqual(['a', 'b']);
		expect(a.json).toMatchObject({ access_token: 'access-a', from_cache: false, refresh_token_rotated: true });
		expect(b.json).toMatchObject({ access_token: 'access-b', from_cache: false, refresh_token_rotated: true });
	});
});
