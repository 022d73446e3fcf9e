import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { FieldServiceToken } from '../../nodes/FieldServiceToken/FieldServiceToken.node';
import {
	callOfsApi,
	clients,
	issuer,
	mintRefreshToken,
	refreshAtIdcs,
	revokeRefreshToken,
	tokenRequestsWith,
	type LocalClient,
	subjectOf,
} from '../support/localIdcs';
import { credentialStore, runNode } from '../support/n8nExecution';

// The node, in n8n-core's real execution context and request helper, against the local IDCS
// (oidc-provider on 127.0.0.1 with IDCS's paths, single-use refresh tokens, enforced client methods).

const node = new FieldServiceToken();

function credentialFor(client: LocalClient, extra: IDataObject = {}, id?: string) {
	return credentialStore(
		{
			domainUrl: `${issuer}/`,
			clientId: client.clientId,
			clientSecret: client.clientSecret ?? '',
			resourceScope: 'urn:opc:resource:consumer::all',
			authentication: 'header',
			...extra,
		},
		id ? { id, name: `IDCS ${id}` } : {},
	);
}

async function refreshFromField(client: LocalClient, refreshToken: string, parameters: INodeParameters = {}) {
	const [[item]] = await runNode({
		nodeType: node,
		parameters: {
			operation: 'refreshAccessToken',
			refreshTokenSource: 'parameter',
			refreshToken: '={{ $json.refreshToken }}',
			...parameters,
		},
		credential: credentialFor(client),
		items: [{ json: { refreshToken } }],
	});
	return item.json;
}

describe('Refresh Access Token with a refresh token from a field, against the local IDCS', () => {
	it.each([
		['basic', 'basic', 'client_secret_basic'],
		['body', 'post', 'client_secret_post'],
		['none', 'mobile', 'none'],
	] as const)('authenticates the client with %s as the seed does', async (clientAuthentication, clientName, method) => {
		const client = clients[clientName];
		const refreshToken = await mintRefreshToken(clientName);
		const output = await refreshFromField(client, refreshToken, { clientAuthentication });

		expect(output).toEqual({
			refreshToken,
			access_token: expect.any(String),
			token_type: 'Bearer',
			expires_in: expect.any(Number),
			expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
			authorization: `Bearer ${output.access_token}`,
			scope: 'urn:opc:resource:consumer::all offline_access',
			refresh_token: expect.any(String),
			refresh_token_rotated: true,
			from_cache: false,
		});
		expect(output.refresh_token).not.toBe(refreshToken);
		expect(output.expires_in).toBeGreaterThan(3300);
		expect(output.expires_in).toBeLessThanOrEqual(3349);

		const [request] = await tokenRequestsWith('refresh_token', refreshToken);
		expect(request.clientAuth).toBe(method);
		expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
		const expectedBody: Record<string, string> = { grant_type: 'refresh_token', refresh_token: refreshToken };
		if (clientAuthentication === 'body')
			Object.assign(expectedBody, { client_id: client.clientId, client_secret: client.clientSecret });
		if (clientAuthentication === 'none') Object.assign(expectedBody, { client_id: client.clientId });
		expect(request.body).toEqual(expectedBody);
		if (clientAuthentication === 'basic') {
			expect(request.headers.authorization).toBe(
				`Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
			);
		} else {
			expect(request.headers.authorization).toBeUndefined();
		}
		expect(await callOfsApi(output.authorization as string)).toBe(200);
	});

	it('"As Set in the Credential" follows the credential: Basic header, or client_id alone without a secret', async () => {
		const basicToken = await mintRefreshToken('basic');
		await refreshFromField(clients.basic, basicToken);
		expect((await tokenRequestsWith('refresh_token', basicToken))[0].clientAuth).toBe('client_secret_basic');

		const mobileToken = await mintRefreshToken('mobile');
		await refreshFromField(clients.mobile, mobileToken);
		expect((await tokenRequestsWith('refresh_token', mobileToken))[0].clientAuth).toBe('none');
	});

	it.each([
		['body', 'basic'],
		['basic', 'post'],
	] as const)(
		'fails with the invalid_client message when %s is sent for a client registered otherwise',
		async (clientAuthentication, clientName) => {
			const refreshToken = await mintRefreshToken(clientName);
			await expect(refreshFromField(clients[clientName], refreshToken, { clientAuthentication })).rejects.toMatchObject(
				{
					message: 'IDCS did not accept the client credentials (invalid_client)',
					httpCode: '401',
				},
			);
		},
	);

	it('survives 20 consecutive refreshes with single-use refresh tokens, each time with the rotated one', async () => {
		let refreshToken = await mintRefreshToken('basic');
		const seen = new Set<string>([refreshToken]);
		for (let run = 0; run < 20; run++) {
			const output = await refreshFromField(clients.basic, refreshToken, { options: { reuseToken: false } });
			expect(output).toMatchObject({ from_cache: false, refresh_token_rotated: true });
			refreshToken = output.refresh_token as string;
			expect(seen.has(refreshToken)).toBe(false);
			seen.add(refreshToken);
			expect(await callOfsApi(output.authorization as string)).toBe(200);
		}
		expect(seen.size).toBe(21);
	});

	it('reuses a valid token without asking IDCS, also for the rotated refresh token that came with it', async () => {
		const first = await mintRefreshToken('post');
		const fresh = await refreshFromField(clients.post, first, { clientAuthentication: 'body' });
		const again = await refreshFromField(clients.post, first, { clientAuthentication: 'body' });
		const rotated = await refreshFromField(clients.post, fresh.refresh_token as string, {
			clientAuthentication: 'body',
		});

		expect(again).toMatchObject({
			from_cache: true,
			access_token: fresh.access_token,
			refresh_token: fresh.refresh_token,
		});
		expect(rotated).toMatchObject({
			from_cache: true,
			access_token: fresh.access_token,
			refresh_token: fresh.refresh_token,
			refresh_token_rotated: false,
		});
		expect(await tokenRequestsWith('refresh_token', first)).toHaveLength(1);
		expect(await tokenRequestsWith('refresh_token', fresh.refresh_token as string)).toHaveLength(0);
	});

	it('refreshes when the token would expire within the margin', async () => {
		const first = await mintRefreshToken('basic');
		const fresh = await refreshFromField(clients.basic, first);
		const renewed = await refreshFromField(clients.basic, fresh.refresh_token as string, {
			options: { expiryMarginSeconds: 3400 },
		});
		expect(renewed).toMatchObject({ from_cache: false, refresh_token_rotated: true });
		expect(renewed.access_token).not.toBe(fresh.access_token);
	});

	it('makes one token call for 100 items and for 10 concurrent executions asking for one token', async () => {
		const refreshToken = await mintRefreshToken('basic');
		const [items] = await runNode({
			nodeType: node,
			parameters: { operation: 'refreshAccessToken', refreshTokenSource: 'parameter', refreshToken: '={{ $json.rt }}' },
			credential: credentialFor(clients.basic),
			items: Array.from({ length: 100 }, (_, index) => ({ json: { rt: refreshToken, index } })),
		});
		expect(items).toHaveLength(100);
		expect(new Set(items.map((item) => item.json.access_token)).size).toBe(1);
		expect(items.map((item) => item.json.index)).toEqual(Array.from({ length: 100 }, (_, index) => index));
		expect(items.map((item) => item.pairedItem)).toEqual(Array.from({ length: 100 }, (_, item) => ({ item })));

		const concurrentToken = await mintRefreshToken('basic');
		const outputs = await Promise.all(
			Array.from({ length: 10 }, () =>
				refreshFromField(clients.basic, concurrentToken, { options: { reuseToken: false } }),
			),
		);
		expect(new Set(outputs.map((output) => output.access_token)).size).toBe(1);
		expect(outputs.filter((output) => output.from_cache === false)).toHaveLength(1);
		expect(await tokenRequestsWith('refresh_token', concurrentToken)).toHaveLength(1);
	});

	it('gives each item the token its own refresh token stands for', async () => {
		const [a, b] = [await mintRefreshToken('basic'), await mintRefreshToken('basic')];
		const [items] = await runNode({
			nodeType: node,
			parameters: { operation: 'refreshAccessToken', refreshTokenSource: 'parameter', refreshToken: '={{ $json.rt }}' },
			credential: credentialFor(clients.basic),
			items: [{ json: { rt: a } }, { json: { rt: b } }, { json: { rt: a } }],
		});
		expect(items[0].json.access_token).toBe(items[2].json.access_token);
		expect(items[0].json.access_token).not.toBe(items[1].json.access_token);
	});

	it('reports a revoked refresh token as invalid_grant with what to do, and continueOnFail makes it an error item', async () => {
		const refreshToken = await mintRefreshToken('basic');
		await revokeRefreshToken(refreshToken);
		const [[item]] = await runNode({
			nodeType: node,
			parameters: { operation: 'refreshAccessToken', refreshTokenSource: 'parameter', refreshToken: '={{ $json.rt }}' },
			credential: credentialFor(clients.basic),
			items: [{ json: { rt: refreshToken } }],
			continueOnFail: true,
		});
		expect(item.json).toEqual({
			error:
				'The refresh token or authorization code was rejected: it is expired, revoked or already used (invalid_grant)',
			details: expect.stringMatching(/^Authorize again with offline_access in the scope/),
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(JSON.stringify(item)).not.toContain(refreshToken);
		expect(JSON.stringify(item)).not.toContain(clients.basic.clientSecret);
	});
});

describe('A refresh token from a field that IDCS rejected (several n8n processes sharing one)', () => {
	const INVALID_GRANT =
		'The refresh token or authorization code was rejected: it is expired, revoked or already used (invalid_grant)';
	const DESCRIPTION =
		'Authorize again with offline_access in the scope to get a new refresh token (connect the credential again, or run getAuthorizationCode again from the plugin). ' +
		'IDCS refresh tokens are single use and expire (7 days by default, set per application), so a workflow that runs less often than that needs a new one. ' +
		'With several n8n processes (queue mode: a main process and workers), executions running at the same time must not refresh one refresh token from a field: ' +
		'each process keeps its own, IDCS takes the first and revokes the grant on the second. There, use Refresh Token Source "Credential", ' +
		'whose refresh n8n coordinates across processes (n8n 2.30 or later), or an operation that keeps no refresh token: Get Client Credentials Token, Get User Assertion Token or Get Field Service Token.';

	const fromField = (refreshToken: string, options: INodeParameters = {}) =>
		runNode({
			nodeType: node,
			parameters: {
				operation: 'refreshAccessToken',
				refreshTokenSource: 'parameter',
				refreshToken: '={{ $json.rt }}',
				options,
			},
			credential: credentialFor(clients.basic),
			items: [{ json: { rt: refreshToken } }],
			continueOnFail: true,
		}).then(([[item]]) => item.json);

	it('says what is safe with several n8n processes, and later executions holding it fail at once, without a call', async () => {
		const refreshToken = await mintRefreshToken('basic');
		await revokeRefreshToken(refreshToken);

		expect(await fromField(refreshToken)).toEqual({
			error: INVALID_GRANT,
			details: `${DESCRIPTION} IDCS said: "grant request is invalid"`,
		});
		expect(await tokenRequestsWith('refresh_token', refreshToken)).toHaveLength(1);

		for (let run = 0; run < 3; run++)
			expect(await fromField(refreshToken)).toEqual({ error: INVALID_GRANT, details: DESCRIPTION });
		expect(await tokenRequestsWith('refresh_token', refreshToken)).toHaveLength(1);
	});

	it('drops the cached token of a lineage whose refresh IDCS rejected, and presents none of its refresh tokens again', async () => {
		const first = await mintRefreshToken('basic');
		const issued = await fromField(first);
		expect(issued).toMatchObject({ from_cache: false, refresh_token_rotated: true });
		const second = issued.refresh_token as string;
		// Another n8n process presents `first` too: IDCS takes it for a replay and revokes the grant.
		await expect(refreshAtIdcs('basic', first)).rejects.toThrow(/invalid_grant/);
		expect(await callOfsApi(issued.authorization as string)).toBe(401);

		// A margin longer than the token's life makes this process refresh the lineage: with `second`.
		expect(await fromField(first, { expiryMarginSeconds: 4000 })).toMatchObject({ error: INVALID_GRANT });
		// The revoked access token, still valid by its expiry, is not handed out again, and neither
		// refresh token of the lineage is presented again.
		expect(await fromField(first)).toEqual({ error: INVALID_GRANT, details: DESCRIPTION });
		expect(await fromField(second)).toEqual({ error: INVALID_GRANT, details: DESCRIPTION });
		expect(await tokenRequestsWith('refresh_token', first)).toHaveLength(2);
		expect(await tokenRequestsWith('refresh_token', second)).toHaveLength(1);
	});

	it('still tries again after a failure that is not a rejection of the refresh token', async () => {
		const refreshToken = await mintRefreshToken('basic');
		const wrongSecret = credentialStore({ ...credentialFor(clients.basic).data, clientSecret: 'not-the-secret' });
		const run = (credential: ReturnType<typeof credentialStore>) =>
			runNode({
				nodeType: node,
				parameters: {
					operation: 'refreshAccessToken',
					refreshTokenSource: 'parameter',
					refreshToken: '={{ $json.rt }}',
				},
				credential,
				items: [{ json: { rt: refreshToken } }],
				continueOnFail: true,
			}).then(([[item]]) => item.json);
		expect(await run(wrongSecret)).toMatchObject({
			error: 'IDCS did not accept the client credentials (invalid_client)',
		});
		expect(await run(credentialFor(clients.basic))).toMatchObject({ from_cache: false, token_type: 'Bearer' });
		expect(await tokenRequestsWith('refresh_token', refreshToken)).toHaveLength(2);
	});
});

describe("Refresh Access Token from the connected credential, through n8n's own credential refresh", () => {
	async function connectedCredential(client: 'basic' | 'post' = 'basic', id?: string, user?: string) {
		const refreshToken = await mintRefreshToken(client, undefined, user);
		return {
			refreshToken,
			store: credentialFor(
				clients[client],
				{
					authentication: client === 'post' ? 'body' : 'header',
					oauthTokenData: {
						access_token: 'expired-at',
						token_type: 'Bearer',
						expires_in: 3349,
						refresh_token: refreshToken,
						n8n_expires_at: String(Date.now() - 1000),
					},
				},
				id,
			),
		};
	}

	const fromCredential = (store: ReturnType<typeof credentialStore>, options: INodeParameters = {}) =>
		runNode({ nodeType: node, parameters: { operation: 'refreshAccessToken', options }, credential: store }).then(
			([[item]]) => item.json,
		);

	it('writes every rotated refresh token back into the credential, 10 refreshes in a row, then reuses', async () => {
		const { refreshToken, store } = await connectedCredential();
		const stored = [refreshToken];
		for (let run = 0; run < 10; run++) {
			const output = await fromCredential(store, { reuseToken: false });
			expect(output).toMatchObject({ from_cache: false, refresh_token_rotated: true, token_type: 'Bearer' });
			expect(output).not.toHaveProperty('refresh_token');
			const tokenData = store.data.oauthTokenData as IDataObject;
			expect(tokenData.access_token).toBe(output.access_token);
			expect(stored).not.toContain(tokenData.refresh_token);
			stored.push(tokenData.refresh_token as string);
			expect(await callOfsApi(output.authorization as string)).toBe(200);
		}
		expect(store.updates).toBe(10);

		const reused = await fromCredential(store);
		expect(reused).toMatchObject({
			from_cache: true,
			refresh_token_rotated: false,
			access_token: (store.data.oauthTokenData as IDataObject).access_token,
		});
		expect(store.updates).toBe(10);
		expect(await tokenRequestsWith('refresh_token', stored[10])).toHaveLength(0);
	});

	it('reads the credential once per execution however many items, and refreshes once for all of them', async () => {
		const { refreshToken, store } = await connectedCredential();
		const [items] = await runNode({
			nodeType: node,
			parameters: { operation: 'refreshAccessToken' },
			credential: store,
			items: Array.from({ length: 50 }, (_, index) => ({ json: { index } })),
		});
		expect(items.map((item) => item.json.from_cache)).toEqual([false, ...Array(49).fill(true)]);
		expect(new Set(items.map((item) => item.json.access_token)).size).toBe(1);
		expect(await tokenRequestsWith('refresh_token', refreshToken)).toHaveLength(1);
		// One read by the node; n8n's refresh reads twice (its getCredentials, and again under its lock);
		// then the node reads once more, to hand out only a token the credential now holds.
		expect(store.reads).toBe(4);
	});

	it('makes one refresh for concurrent executions of one credential', async () => {
		const { refreshToken, store } = await connectedCredential();
		const outputs = await Promise.all(Array.from({ length: 5 }, () => fromCredential(store, { reuseToken: false })));
		expect(new Set(outputs.map((output) => output.access_token)).size).toBe(1);
		expect(await tokenRequestsWith('refresh_token', refreshToken)).toHaveLength(1);
		expect(store.updates).toBe(1);
	});

	it('refreshes each of two credentials used at once for itself: one flight per credential, never shared', async () => {
		const a = await connectedCredential('basic', 'cred-a');
		const b = await connectedCredential('post', 'cred-b');
		const runs = [a, b, a, b, a, b];
		const outputs = await Promise.all(runs.map(({ store }) => fromCredential(store, { reuseToken: false })));

		const tokenOf = ({ store }: typeof a) => (store.data.oauthTokenData as IDataObject).access_token;
		expect(tokenOf(a)).not.toBe(tokenOf(b));
		expect(outputs.map((output) => output.access_token)).toEqual(runs.map(tokenOf));
		expect(outputs.map((output) => output.from_cache)).toEqual([false, false, true, true, true, true]);
		for (const { store, refreshToken } of [a, b]) {
			expect(store.updates).toBe(1);
			expect(await tokenRequestsWith('refresh_token', refreshToken)).toHaveLength(1);
		}
		const [requestA] = await tokenRequestsWith('refresh_token', a.refreshToken);
		const [requestB] = await tokenRequestsWith('refresh_token', b.refreshToken);
		expect([requestA.clientAuth, requestB.clientAuth]).toEqual(['client_secret_basic', 'client_secret_post']);
		expect(await callOfsApi(`Bearer ${tokenOf(a)}`)).toBe(200);
		expect(await callOfsApi(`Bearer ${tokenOf(b)}`)).toBe(200);
	});

	// n8n's end-user credentials: one credential id, each user's own connected account.
	it("hands each user of one credential id their own refreshed token, never another user's", async () => {
		const dispatcher = await connectedCredential('basic', 'cred-shared', 'ofs.dispatcher');
		const technician = await connectedCredential('basic', 'cred-shared', 'ofs.technician');
		const runs = [dispatcher, technician, dispatcher, technician];
		const outputs = await Promise.all(runs.map(({ store }) => fromCredential(store, { reuseToken: false })));

		const tokenOf = ({ store }: typeof dispatcher) => (store.data.oauthTokenData as IDataObject).access_token;
		expect(outputs.map((output) => output.access_token)).toEqual(runs.map(tokenOf));
		expect(tokenOf(dispatcher)).not.toBe(tokenOf(technician));
		expect(outputs.map((output) => output.from_cache)).toEqual([false, false, true, true]);
		for (const { store, refreshToken } of [dispatcher, technician]) {
			expect(store.updates).toBe(1);
			expect(await tokenRequestsWith('refresh_token', refreshToken)).toHaveLength(1);
		}
		expect(await subjectOf(tokenOf(dispatcher) as string)).toBe('ofs.dispatcher');
		expect(await subjectOf(tokenOf(technician) as string)).toBe('ofs.technician');
	});

	it('refreshes a credential that holds a refresh token but no access token yet', async () => {
		const refreshToken = await mintRefreshToken('basic');
		const store = credentialFor(clients.basic, {
			oauthTokenData: { refresh_token: refreshToken, token_type: 'Bearer' },
		});
		const output = await fromCredential(store);
		expect(output).toMatchObject({ from_cache: false, refresh_token_rotated: true });
		expect((store.data.oauthTokenData as IDataObject).access_token).toBe(output.access_token);
	});

	// n8n 1.x records no expiry; n8n 2.30 to 2.32 keep the replaced token's record with a refreshed one,
	// which another process (a queue-mode worker) reads with the new token.
	it.each([
		['records no expiry (1.x)', {}],
		["keeps the replaced token's past expiry record (2.30 to 2.32)", { n8n_expires_at: String(Date.now() - 60_000) }],
	])('on an n8n that %s, dates the token by the IDCS JWT access token itself', async (_, record) => {
		const jwt = (exp: number) =>
			['{"alg":"RS256"}', JSON.stringify({ sub: 'ofs.dispatcher', exp })]
				.map((part) => Buffer.from(part).toString('base64url'))
				.join('.') + '.signature';
		const validFor = async (seconds: number) => {
			const refreshToken = await mintRefreshToken('basic');
			const store = credentialFor(clients.basic, {
				oauthTokenData: {
					access_token: jwt(Math.floor(Date.now() / 1000) + seconds),
					token_type: 'Bearer',
					expires_in: 3600,
					refresh_token: refreshToken,
					...record,
				},
			});
			return {
				output: await fromCredential(store),
				calls: (await tokenRequestsWith('refresh_token', refreshToken)).length,
			};
		};
		const valid = await validFor(1800);
		expect(valid).toMatchObject({ calls: 0, output: { from_cache: true } });
		expect(valid.output.expires_in).toBeGreaterThan(1790);
		expect(await validFor(30)).toMatchObject({ calls: 1, output: { from_cache: false } });
	});

	it('refreshes a stored token whose expiry it cannot know (no n8n record, not a JWT), and then reuses the new one', async () => {
		const refreshToken = await mintRefreshToken('basic');
		const store = credentialFor(clients.basic, {
			oauthTokenData: {
				access_token: 'opaque-token',
				token_type: 'Bearer',
				expires_in: 3349,
				refresh_token: refreshToken,
			},
		});
		const [items] = await runNode({
			nodeType: node,
			parameters: { operation: 'refreshAccessToken' },
			credential: store,
			items: [{ json: {} }, { json: {} }],
		});
		expect(items.map((item) => item.json.from_cache)).toEqual([false, true]);
		expect(items[1].json.expires_in).toBeGreaterThan(3300);
		expect(await tokenRequestsWith('refresh_token', refreshToken)).toHaveLength(1);
	});

	it('uses the token another n8n process stored after this execution read the credential, without a call', async () => {
		const { refreshToken, store } = await connectedCredential();
		let stored: { access_token: string; refresh_token: string } | undefined;
		store.afterRead = async (read) => {
			// Right after the node's own read (expired token): another worker refreshes and stores.
			if (read !== 1) return;
			const token = await refreshAtIdcs('basic', refreshToken);
			stored = token;
			store.data = {
				...store.data,
				oauthTokenData: {
					...token,
					token_type: 'Bearer',
					n8n_expires_at: String(Date.now() + token.expires_in * 1000),
				},
			};
		};
		const output = await fromCredential(store);
		expect(output).toMatchObject({ access_token: stored?.access_token, from_cache: true });
		expect(await callOfsApi(output.authorization as string)).toBe(200);
		expect(await tokenRequestsWith('refresh_token', stored!.refresh_token)).toHaveLength(0);
		expect(store.updates).toBe(0);
	});

	it("hands n8n's refresh the token it decided to replace, so n8n refreshes only if that one is still stored", async () => {
		const { refreshToken, store } = await connectedCredential();
		let stored: { access_token: string; refresh_token: string } | undefined;
		store.afterRead = async (read) => {
			// After the node's second look (still the expired token), before n8n's refresh: another
			// worker refreshes and stores. n8n's lease then finds a different token stored.
			if (read !== 2) return;
			const token = await refreshAtIdcs('basic', refreshToken);
			stored = token;
			store.data = {
				...store.data,
				oauthTokenData: {
					...token,
					token_type: 'Bearer',
					n8n_expires_at: String(Date.now() + token.expires_in * 1000),
				},
			};
		};
		const output = await fromCredential(store);
		expect(output).toMatchObject({ access_token: stored?.access_token });
		expect(await callOfsApi(output.authorization as string)).toBe(200);
		expect(await tokenRequestsWith('refresh_token', stored!.refresh_token)).toHaveLength(0);
		expect(store.updates).toBe(0);
		// The node's two reads, n8n's read under its lease (n8n did not read the credential itself), and the
		// node's check that the credential holds the token it hands out.
		expect(store.reads).toBe(4);
	});

	it.each([
		['keeps the expiry record of the token it replaced', (expired: unknown) => ({ n8n_expires_at: expired })],
		['has no expiry record at all', () => ({})],
	])('on n8n 1.x, whose refreshed credential %s, dates the token it refreshed and reuses it', async (_, record1x) => {
		const { refreshToken, store } = await connectedCredential();
		const expired = (store.data.oauthTokenData as IDataObject).n8n_expires_at;
		const refreshed = await fromCredential(store);
		expect(refreshed).toMatchObject({ from_cache: false });
		expect(refreshed.expires_in).toBeGreaterThan(3300);
		// What n8n 1.x writes back: the old token data with the response merged over it, no new record.
		const { n8n_expires_at: recorded, ...response } = store.data.oauthTokenData as IDataObject;
		expect(Number(recorded)).toBeGreaterThan(Date.now());
		store.data = { ...store.data, oauthTokenData: { ...response, ...record1x(expired) } };

		const reused = await fromCredential(store);
		expect(reused).toMatchObject({ from_cache: true, access_token: refreshed.access_token });
		expect(reused.expires_at).toBe(refreshed.expires_at);
		expect(await tokenRequestsWith('refresh_token', refreshToken)).toHaveLength(1);
		expect(await tokenRequestsWith('refresh_token', response.refresh_token as string)).toHaveLength(0);
	});

	it('says how to connect when the credential has no token yet', async () => {
		await expect(fromCredential(credentialFor(clients.basic))).rejects.toMatchObject({
			message: 'The credential is not connected to IDCS yet',
		});
	});

	it('reports a revoked grant as invalid_grant without the refresh token or secret', async () => {
		const { refreshToken, store } = await connectedCredential();
		await revokeRefreshToken(refreshToken);
		const [[item]] = await runNode({
			nodeType: node,
			parameters: { operation: 'refreshAccessToken' },
			credential: store,
			continueOnFail: true,
		});
		expect(item.json.error).toBe(
			'The refresh token or authorization code was rejected: it is expired, revoked or already used (invalid_grant)',
		);
		expect(JSON.stringify(item)).not.toContain(refreshToken);
		expect(JSON.stringify(item)).not.toContain(clients.basic.clientSecret);
	});
});
