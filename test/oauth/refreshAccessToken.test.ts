import { createHash } from 'crypto';

import {
	clientSecretBasic,
	KEY_LIFETIME_MS,
	LOST_ANSWER_RETRY_MS,
	OAuthError,
	refreshAccessToken,
	TokenCache,
	type HttpResponse,
	type TokenContext,
} from '../../nodes/FieldServiceToken/oauth';
import { json, scriptedTransport, tokenAnswer } from '../support/fakeTransport';

const tokenEndpoint = 'https://idcs-abc.identity.oraclecloud.com/oauth2/v1/token';
const T0 = Date.parse('2026-11-26T10:00:00Z');

function harness(...answers: Parameters<typeof scriptedTransport>) {
	const scripted = scriptedTransport(...answers);
	const cache = new TokenCache();
	let now = T0;
	const refresh = (
		refreshToken: string,
		overrides: {
			secret?: string;
			margin?: number;
			reuse?: boolean;
			scope?: string;
			clientId?: string;
			tokenEndpoint?: string;
			retryWindowMs?: number;
		} = {},
	) =>
		refreshAccessToken(
			{
				tokenEndpoint: overrides.tokenEndpoint ?? tokenEndpoint,
				refreshToken,
				scope: overrides.scope,
				clientAuthentication: clientSecretBasic(overrides.clientId ?? 'client', overrides.secret ?? 'secret'),
				clientSecret: overrides.secret ?? 'secret',
				reuse: { enabled: overrides.reuse ?? true, marginSeconds: overrides.margin ?? 60 },
				rotatedAway: overrides.retryWindowMs === undefined ? undefined : { retryWindowMs: overrides.retryWindowMs },
			},
			{ transport: scripted.transport, sleep: async () => {}, cache, now: () => now },
		);
	const sentRefreshTokens = () => scripted.requests.map((r) => new URLSearchParams(r.body).get('refresh_token'));
	return {
		refresh,
		requests: scripted.requests,
		sentRefreshTokens,
		advance: (seconds: number) => (now += seconds * 1000),
		now: () => now,
		cache,
	};
}

describe('refreshAccessToken', () => {
	it('calls IDCS once, then reuses the token while it is valid beyond the margin', async () => {
		const h = harness(tokenAnswer('at-1', 'rt-2', 3600));
		const first = await h.refresh('rt-1');
		expect(first).toEqual({
			tokenSet: {
				accessToken: 'at-1',
				tokenType: 'Bearer',
				expiresIn: 3600,
				expiresAt: T0 + 3600_000,
				refreshToken: 'rt-2',
			},
			refreshToken: 'rt-2',
			refreshTokenRotated: true,
			fromCache: false,
		});
		h.advance(3539);
		const second = await h.refresh('rt-1');
		expect(second.fromCache).toBe(true);
		expect(second.tokenSet.accessToken).toBe('at-1');
		// The caller who still holds rt-1 learns the refresh token to keep.
		expect(second.refreshToken).toBe('rt-2');
		expect(h.requests).toHaveLength(1);
	});

	it('refreshes once the token is within the margin of its expiry, with the newest refresh token', async () => {
		const h = harness(tokenAnswer('at-1', 'rt-2', 3600), tokenAnswer('at-2', 'rt-3', 3600));
		await h.refresh('rt-1');
		h.advance(3541);
		const result = await h.refresh('rt-2');
		expect(result).toMatchObject({ fromCache: false, refreshToken: 'rt-3', refreshTokenRotated: true });
		expect(result.tokenSet.accessToken).toBe('at-2');
		expect(h.sentRefreshTokens()).toEqual(['rt-1', 'rt-2']);
	});

	it('reuse survives rotation: the refresh token that came back with a token finds that token', async () => {
		const h = harness(tokenAnswer('at-1', 'rt-2'));
		await h.refresh('rt-1');
		const result = await h.refresh('rt-2');
		expect(result).toMatchObject({ fromCache: true, refreshToken: 'rt-2', refreshTokenRotated: false });
		expect(result.tokenSet.accessToken).toBe('at-1');
		expect(h.requests).toHaveLength(1);
	});

	it('with reuse off calls every time, and never presents a refresh token it saw rotated', async () => {
		const h = harness(tokenAnswer('at-1', 'rt-2'), tokenAnswer('at-2', 'rt-3'), tokenAnswer('at-3', 'rt-4'));
		await h.refresh('rt-1', { reuse: false });
		// A caller who did not store rt-2 presents rt-1 again: rt-2 is sent in its place.
		const second = await h.refresh('rt-1', { reuse: false });
		const third = await h.refresh('rt-2', { reuse: false });
		expect(h.sentRefreshTokens()).toEqual(['rt-1', 'rt-2', 'rt-3']);
		expect(second).toMatchObject({ fromCache: false, refreshToken: 'rt-3', refreshTokenRotated: true });
		expect(third).toMatchObject({ fromCache: false, refreshToken: 'rt-4', refreshTokenRotated: true });
	});

	it('keeps the presented refresh token when IDCS does not rotate it', async () => {
		const h = harness(tokenAnswer('at-1'));
		const result = await h.refresh('rt-1');
		expect(result).toMatchObject({ refreshToken: 'rt-1', refreshTokenRotated: false, fromCache: false });
	});

	it('makes exactly one call for concurrent requests for the same token', async () => {
		let release!: (response: HttpResponse) => void;
		const h = harness(() => new Promise<HttpResponse>((resolve) => (release = resolve)));
		const pending = Array.from({ length: 50 }, () => h.refresh('rt-1'));
		await new Promise((resolve) => setImmediate(resolve));
		release(tokenAnswer('at-1', 'rt-2'));
		const results = await Promise.all(pending);
		expect(h.requests).toHaveLength(1);
		expect(new Set(results.map((r) => r.tokenSet.accessToken))).toEqual(new Set(['at-1']));
		expect(results.filter((r) => !r.fromCache)).toHaveLength(1);
		expect(results.every((r) => r.refreshToken === 'rt-2')).toBe(true);
	});

	it('concurrent requests with reuse off still share the one call: a single-use token is never sent twice', async () => {
		let release!: (response: HttpResponse) => void;
		const h = harness(() => new Promise<HttpResponse>((resolve) => (release = resolve)));
		const pending = [h.refresh('rt-1', { reuse: false }), h.refresh('rt-1', { reuse: false })];
		await new Promise((resolve) => setImmediate(resolve));
		release(tokenAnswer('at-1', 'rt-2'));
		await Promise.all(pending);
		expect(h.sentRefreshTokens()).toEqual(['rt-1']);
	});

	it('concurrent callers share a failure too, and a later call tries again', async () => {
		const h = harness(
			{ status: 401, headers: { 'content-type': 'application/json' }, body: '{"error":"invalid_client"}' },
			tokenAnswer('at-1', 'rt-9'),
		);
		const results = await Promise.allSettled([h.refresh('rt-1'), h.refresh('rt-1')]);
		expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
		expect(h.requests).toHaveLength(1);
		await expect(h.refresh('rt-1')).resolves.toMatchObject({ fromCache: false });
	});

	it('never presents a refresh token the server rejected again: later calls fail at once with the same error', async () => {
		const h = harness(
			json(400, { error: 'invalid_grant', error_description: 'grant request is invalid' }),
			json(400, { error: 'invalid_grant' }),
		);
		const results = await Promise.allSettled([h.refresh('rt-1'), h.refresh('rt-1')]);
		expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
		const first = (results[0] as PromiseRejectedResult).reason as OAuthError;
		expect(first).toMatchObject({
			code: 'invalid_grant',
			httpStatus: 400,
			serverDescription: 'grant request is invalid',
		});

		const later = await h.refresh('rt-1').catch((error: OAuthError) => error);
		expect(later).toBeInstanceOf(OAuthError);
		expect(later).toMatchObject({ code: 'invalid_grant', message: first.message, hint: first.hint, httpStatus: 400 });
		expect(h.requests).toHaveLength(1);
		// Another client, or another secret, presenting the same refresh token is a different key.
		await expect(h.refresh('rt-1', { secret: 'other-secret' })).rejects.toMatchObject({ code: 'invalid_grant' });
		expect(h.requests).toHaveLength(2);
	});

	it('drops the cached token of a lineage the server refused to refresh, and rejects each of its refresh tokens', async () => {
		const h = harness(tokenAnswer('at-1', 'rt-2', 3600), json(400, { error: 'invalid_grant' }));
		await h.refresh('rt-1');
		h.advance(3550);
		await expect(h.refresh('rt-1')).rejects.toMatchObject({ code: 'invalid_grant' });
		expect(h.sentRefreshTokens()).toEqual(['rt-1', 'rt-2']);
		// at-1 is still valid for 50 s beyond a margin of 0, yet a replay revoked it with the grant.
		await expect(h.refresh('rt-1', { margin: 0 })).rejects.toMatchObject({ code: 'invalid_grant' });
		await expect(h.refresh('rt-2', { margin: 0 })).rejects.toMatchObject({ code: 'invalid_grant' });
		expect(h.requests).toHaveLength(2);
		expect(h.cache.size).toBe(0);
	});

	it.each([
		['a different client secret', { secret: 'other-secret' }],
		['a different client id', { clientId: 'other-client' }],
		['a different scope', { scope: 'urn:opc:resource:consumer::all' }],
		// Another identity domain: its tokens are no good here, whatever the refresh token.
		['a different token endpoint', { tokenEndpoint: 'https://idcs-other.identity.oraclecloud.com/oauth2/v1/token' }],
	])('hands a cached token only to the same credentials: %s makes its own call', async (_, overrides) => {
		const h = harness(tokenAnswer('at-1', 'rt-2'), tokenAnswer('at-other', 'rt-x'));
		await h.refresh('rt-1');
		const other = await h.refresh('rt-1', overrides);
		expect(other).toMatchObject({ fromCache: false });
		expect(other.tokenSet.accessToken).toBe('at-other');
		expect(h.requests).toHaveLength(2);
	});

	it('items that need different tokens each get their own', async () => {
		const h = harness(tokenAnswer('at-a', 'rt-a2'), tokenAnswer('at-b', 'rt-b2'));
		const [a, b] = await Promise.all([h.refresh('rt-a'), h.refresh('rt-b')]);
		expect(a.tokenSet.accessToken).toBe('at-a');
		expect(b.tokenSet.accessToken).toBe('at-b');
		expect(h.sentRefreshTokens()).toEqual(['rt-a', 'rt-b']);
	});

	it('keeps no secret in the clear as a cache key: keys are HMACs under a key of its own', async () => {
		const h = harness(tokenAnswer('at-1', 'rt-2'));
		await h.refresh('rt-1', { secret: 'very-secret-value' });
		const keys = [...(h.cache as unknown as { entries: Map<string, unknown> }).entries.keys()];
		expect(keys).toHaveLength(2);
		for (const key of keys) {
			expect(key).toMatch(/^[0-9a-f]{64}$/);
		}
		// Keyed: another cache (another n8n process) makes other keys of the same values, so a key
		// cannot be recomputed, or checked against a guessed secret, without this process's key.
		const context: TokenContext = {
			tokenEndpoint,
			clientAuthenticationMethod: 'client_secret_basic',
			clientId: 'client',
			clientSecret: 'very-secret-value',
			scope: '',
		};
		const key = h.cache.key(context, 'rt-1');
		expect(keys).toContain(key);
		expect(new TokenCache().key(context, 'rt-1')).not.toBe(key);
		const parts = [tokenEndpoint, 'client_secret_basic', 'client', 'very-secret-value', '', 'rt-1'];
		expect(key).not.toBe(createHash('sha256').update(JSON.stringify(parts)).digest('hex'));
	});

	it.each([
		['an empty refresh token', '  ', tokenEndpoint, 'invalid_input'],
		[
			'a plain http:// endpoint of another host',
			'rt-1',
			'http://idcs-abc.identity.oraclecloud.com/oauth2/v1/token',
			'insecure_domain_url',
		],
	])(
		'checks its input before it looks into the cache: %s fails though a valid token is cached for it',
		async (_, refreshToken, endpoint, code) => {
			const h = harness();
			const context: TokenContext = {
				tokenEndpoint: endpoint,
				clientAuthenticationMethod: 'client_secret_basic',
				clientId: 'client',
				clientSecret: 'secret',
				scope: '',
			};
			const tokenSet = { accessToken: 'at-cached', tokenType: 'Bearer', expiresIn: 3600, expiresAt: T0 + 3600_000 };
			for (const presented of [refreshToken, refreshToken.trim()]) {
				h.cache.record(context, h.cache.key(context, presented), tokenSet, 'rt-next', T0);
			}
			await expect(h.refresh(refreshToken, { tokenEndpoint: endpoint })).rejects.toMatchObject({ code });
			expect(h.requests).toHaveLength(0);
		},
	);

	it('learns the rotated refresh token of an answer whose access token it rejects, and presents it next', async () => {
		const h = harness(
			json(200, { access_token: '   ', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-2' }),
			tokenAnswer('at-2', 'rt-3'),
		);
		await expect(h.refresh('rt-1')).rejects.toMatchObject({
			code: 'invalid_token_response',
			message: 'The IDCS token response has an access_token with spaces, control or non-ASCII characters',
		});
		const result = await h.refresh('rt-1');
		expect(h.sentRefreshTokens()).toEqual(['rt-1', 'rt-2']);
		expect(result).toMatchObject({ fromCache: false, refreshToken: 'rt-3', refreshTokenRotated: true });
		expect(result.tokenSet.accessToken).toBe('at-2');
	});
});

describe('TokenCache', () => {
	const context: TokenContext = {
		tokenEndpoint: 'e',
		clientAuthenticationMethod: 'none',
		clientId: 'c',
		clientSecret: '',
		scope: '',
	};

	it('remembers rejected refresh tokens by key, forgetting the least recently rejected beyond its bound', () => {
		const cache = new TokenCache(2);
		for (const key of ['k1', 'k2', 'k3']) cache.reject(key, T0);
		expect(['k1', 'k2', 'k3'].map((key) => cache.isRejected(key, T0))).toEqual([false, true, true]);
	});

	it('forgets a rejection after the lifetime of a key (looked for once a minute)', () => {
		const cache = new TokenCache();
		cache.reject('k1', T0);
		expect(cache.isRejected('k1', T0 + KEY_LIFETIME_MS - 1)).toBe(true);
		expect(cache.isRejected('k1', T0 + KEY_LIFETIME_MS + 60_000)).toBe(false);
	});

	it('forgets the least recently used keys beyond its bound', () => {
		const cache = new TokenCache(4);
		const tokenSet = { accessToken: 'a', tokenType: 'Bearer', expiresIn: 3600, expiresAt: T0 + 3600_000 };
		for (let i = 0; i < 4; i++) cache.record(context, cache.key(context, `p${i}`), tokenSet, `n${i}`, T0);
		expect(cache.size).toBe(4);
		expect(cache.find(cache.key(context, 'p0'), T0)).toBeUndefined();
		expect(cache.find(cache.key(context, 'n3'), T0)).toBeDefined();
	});

	it('drops an access token once it expired, and keeps its lineage: an old refresh token still finds the newest', async () => {
		const h = harness(tokenAnswer('at-1', 'rt-2', 3600), tokenAnswer('at-2', 'rt-3', 3600));
		await h.refresh('rt-1');
		const first = h.cache.key(contextOf('client', 'secret'), 'rt-1');
		expect(h.cache.find(first, h.now())?.tokenSet?.accessToken).toBe('at-1');

		h.advance(3600);
		const chain = h.cache.find(first, h.now());
		expect(chain?.tokenSet).toBeUndefined();
		expect(chain?.refreshToken).toBe('rt-2');
		expect(h.cache.size).toBe(2);

		// Days later (within IDCS's 7-day refresh-token lifetime), rt-1 is presented again: rt-2 goes out.
		h.advance(6 * 86_400 - 3600);
		const result = await h.refresh('rt-1');
		expect(h.sentRefreshTokens()).toEqual(['rt-1', 'rt-2']);
		expect(result).toMatchObject({ fromCache: false, refreshToken: 'rt-3' });
	});

	it('forgets a refresh token 7 days after it was last presented or issued', async () => {
		const h = harness(tokenAnswer('at-1', 'rt-2', 3600), tokenAnswer('at-2', 'rt-3', 3600));
		const key = (refreshToken: string) => h.cache.key(contextOf('client', 'secret'), refreshToken);
		await h.refresh('rt-1');
		h.advance(3 * 86_400);
		await h.refresh('rt-2');

		// rt-1 was last seen at the start, rt-2 and rt-3 three days later.
		h.advance(KEY_LIFETIME_MS / 1000 - 3 * 86_400 - 1);
		expect(h.cache.find(key('rt-2'), h.now())?.refreshToken).toBe('rt-3');
		expect(h.cache.size).toBe(3);
		h.advance(61);
		expect(h.cache.find(key('rt-3'), h.now())?.refreshToken).toBe('rt-3');
		expect(h.cache.size).toBe(2);
		expect(h.cache.find(key('rt-1'), h.now())).toBeUndefined();

		h.advance(KEY_LIFETIME_MS / 1000);
		expect(h.cache.find(key('rt-3'), h.now())).toBeUndefined();
		expect(h.cache.size).toBe(0);
	});

	it('keeps a key that keeps being presented, and its lineage with it', async () => {
		const h = harness(tokenAnswer('at-1', 'rt-2', 3600), tokenAnswer('at-2', 'rt-3', 3600));
		const key = (refreshToken: string) => h.cache.key(contextOf('client', 'secret'), refreshToken);
		await h.refresh('rt-1');
		for (let day = 0; day < 10; day++) {
			h.advance(86_400);
			expect(h.cache.find(key('rt-1'), h.now())?.refreshToken).toBe('rt-2');
		}
		// rt-2, issued 10 days ago and never presented, is gone; rt-1 still leads to it.
		expect(h.cache.find(key('rt-2'), h.now())).toBeUndefined();
		await h.refresh('rt-1');
		expect(h.sentRefreshTokens()).toEqual(['rt-1', 'rt-2']);
	});
});

describe('refreshAccessToken with a retry window for rotated-away refresh tokens (sealed for a plugin user)', () => {
	const WINDOW = { retryWindowMs: LOST_ANSWER_RETRY_MS };

	it('is one minute', () => {
		expect(LOST_ANSWER_RETRY_MS).toBe(60_000);
	});

	it('answers a rotated-away refresh token once within the window, with the cached token and the newest refresh token', async () => {
		const h = harness(tokenAnswer('at-1', 'rt-2', 3600), json(400, { error: 'invalid_grant' }));
		await h.refresh('rt-1', WINDOW);
		h.advance(59);
		// The answer was lost; the retry with rt-1 learns rt-2 without a call.
		const retry = await h.refresh('rt-1', WINDOW);
		expect(retry).toMatchObject({ fromCache: true, refreshToken: 'rt-2', refreshTokenRotated: true });
		expect(retry.tokenSet.accessToken).toBe('at-1');
		expect(h.requests).toHaveLength(1);
		// A second presentation of rt-1 is a replay: it goes to IDCS as it is, so IDCS sees the reuse.
		await expect(h.refresh('rt-1', WINDOW)).rejects.toMatchObject({ code: 'invalid_grant' });
		expect(h.sentRefreshTokens()).toEqual(['rt-1', 'rt-1']);
	});

	it('within the window, a retry whose lineage needs a refresh presents the newest refresh token', async () => {
		const h = harness(tokenAnswer('at-1', 'rt-2', 3600), tokenAnswer('at-2', 'rt-3', 3600));
		await h.refresh('rt-1', { ...WINDOW, reuse: false });
		h.advance(30);
		const retry = await h.refresh('rt-1', { ...WINDOW, reuse: false });
		expect(retry).toMatchObject({ fromCache: false, refreshToken: 'rt-3' });
		expect(h.sentRefreshTokens()).toEqual(['rt-1', 'rt-2']);
	});

	it("after the window, a rotated-away refresh token goes to IDCS as it is; its refusal drops the lineage's access token", async () => {
		const h = harness(
			tokenAnswer('at-1', 'rt-2', 3600),
			json(400, { error: 'invalid_grant', error_description: 'The token has already been consumed.' }),
			tokenAnswer('at-3', 'rt-4', 3600),
		);
		await h.refresh('rt-1', WINDOW);
		h.advance(61);
		await expect(h.refresh('rt-1', WINDOW)).rejects.toMatchObject({ code: 'invalid_grant' });
		expect(h.sentRefreshTokens()).toEqual(['rt-1', 'rt-1']);
		// rt-1 is rejected from now on, without a call.
		await expect(h.refresh('rt-1', WINDOW)).rejects.toMatchObject({ code: 'invalid_grant' });
		expect(h.requests).toHaveLength(2);
		// The holder of the newest refresh token gets no cached at-1 (IDCS may have revoked the grant): rt-2 is presented.
		const newest = await h.refresh('rt-2', WINDOW);
		expect(newest).toMatchObject({ fromCache: false, refreshToken: 'rt-4' });
		expect(h.sentRefreshTokens()).toEqual(['rt-1', 'rt-1', 'rt-2']);
	});

	it('the newest refresh token of a lineage keeps finding its token, however often and however late', async () => {
		const h = harness(tokenAnswer('at-1', 'rt-2', 3600));
		await h.refresh('rt-1', WINDOW);
		for (let i = 0; i < 3; i++) {
			h.advance(600);
			await expect(h.refresh('rt-2', WINDOW)).resolves.toMatchObject({ fromCache: true, refreshToken: 'rt-2' });
		}
		expect(h.requests).toHaveLength(1);
	});

	it('each rotation starts the window of the refresh token it rotated away', async () => {
		const h = harness(tokenAnswer('at-1', 'rt-2', 3600), tokenAnswer('at-2', 'rt-3', 3600));
		await h.refresh('rt-1', WINDOW);
		h.advance(3600);
		await h.refresh('rt-2', WINDOW);
		h.advance(10);
		// rt-2 was rotated away 10 s ago: its retry is answered; rt-1, an hour ago, is not.
		await expect(h.refresh('rt-2', WINDOW)).resolves.toMatchObject({ fromCache: true, refreshToken: 'rt-3' });
		expect(h.cache.supersededAt(h.cache.key(contextOf('client', 'secret'), 'rt-1'))).toBe(T0);
		expect(h.cache.supersededAt(h.cache.key(contextOf('client', 'secret'), 'rt-2'))).toBe(T0 + 3600_000);
		expect(h.cache.supersededAt(h.cache.key(contextOf('client', 'secret'), 'rt-3'))).toBeUndefined();
	});
});

function contextOf(clientId: string, secret: string): TokenContext {
	return {
		tokenEndpoint,
		clientAuthenticationMethod: 'client_secret_basic',
		clientId,
		clientSecret: secret,
		scope: '',
	};
}
