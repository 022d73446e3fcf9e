import type { IExecuteFunctions, INode } from 'n8n-workflow';

import { FieldServiceToken } from '../../nodes/FieldServiceToken/FieldServiceToken.node';

// The credential source hands out a token only once the caller's own credential holds it (one credential
// id can hold several users' tokens, and n8n-core 2.x shares one refresh among a credential id's callers).
// A hand-made context stands for an n8n whose refresh hands back a token it never stores for this
// caller: the node decides once more, then says so, and hands out neither token.

const node: INode = {
	id: 'node-1',
	name: 'Field Service Token',
	type: 'fieldServiceToken',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	credentials: { idcsOAuth2Api: { id: 'cred-shared', name: 'shared' } },
};

it("refreshes twice at most when n8n's refresh returns a token the caller's credential does not hold, then fails", async () => {
	let refreshes = 0;
	const context = {
		getInputData: () => [{ json: {} }],
		getNode: () => node,
		getNodeParameter: (name: string, _index: number, fallback?: unknown) =>
			name === 'operation' ? 'refreshAccessToken' : name === 'refreshTokenSource' ? 'credential' : fallback,
		getCredentials: async () => ({
			domainUrl: 'https://idcs-a.identity.oraclecloud.com',
			clientId: 'client',
			clientSecret: 'client-secret-4711',
			accessTokenUrl: 'https://idcs-a.identity.oraclecloud.com/oauth2/v1/token',
			oauthTokenData: {
				access_token: 'expired-own-token',
				refresh_token: 'own-refresh-token',
				n8n_expires_at: String(Date.now() - 1000),
			},
		}),
		continueOnFail: () => true,
		helpers: {
			refreshOAuth2Token: async () => {
				refreshes += 1;
				return { access_token: `someone-elses-token-${refreshes}`, token_type: 'Bearer', expires_in: 3600 };
			},
		},
	} as unknown as IExecuteFunctions;
	const [[item]] = await new FieldServiceToken().execute.call(context);
	expect(item.json).toEqual({
		error: "n8n's refresh returned a token this credential does not hold",
		details:
			'Run the workflow again. If it persists, connect the credential again; another user of the same credential may be refreshing at the same moment.',
	});
	expect(refreshes).toBe(2);
});
