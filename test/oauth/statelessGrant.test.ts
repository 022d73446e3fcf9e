import { createHash } from 'crypto';

import {
	IDCS,
	AccessTokenCache,
	clientCredentialsGrant,
	clientCredentialsGrantRequest,
	clientSecretBasic,
	clientSecretPost,
	FORM_CONTENT_TYPE,
	statelessAccessToken,
	type ClientAuthentication,
} from '../../nodes/FieldServiceToken/oauth';
import { json, scriptedTransport, tokenAnswer } from '../support/fakeTransport';

const tokenEndpoint = 'https://idcs-abc.identity.oraclecloud.com/oauth2/v1/token';
const T0 = Date.parse('2026-11-26T10:00:00Z');
const scope = 'urn:opc:resource:consumer::all';

function harness(...answers: Parameters<typeof scriptedTransport>) {
	const scripted = scriptedTransport(...answers);
	const cache = new AccessTokenCache();
	let now = T0;
	const token = (overrides: { endpoint?: string; auth?: ClientAuthentication; scope?: string; margin?: number } = {}) =>
		statelessAccessToken(
			clientCredentialsGrant({
				tokenEndpoint: overrides.endpoint ?? tokenEndpoint,
				scope: overrides.scope ?? scope,
				clientAuthentication: overrides.auth ?? clientSecretBasic('client', 'secret'),
			}),
			{ enabled: true, marginSeconds: overrides.margin ?? 60 },
			{ transport: scripted.transport, sleep: async () => {}, cache, now: () => now },
		);
	return { token, requests: scripted.requests, cache, advance: (seconds: number) => (now += seconds * 1000) };
}

describe('the client credentials grant request', () => {
	it('is grant_type=client_credentials with the scope, and the client authentication chosen', () => {
		expect(
			clientCredentialsGrantRequest({
				tokenEndpoint,
				scope: ` ${scope} `,
				clientAuthentication: clientSecretPost('client', 'secret'),
			}),
		).toEqual({
			method: 'POST',
			url: tokenEndpoint,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8' },
			body: 'grant_type=client_credentials&scope=urn%3Aopc%3Aresource%3Aconsumer%3A%3Aall&client_id=client&client_secret=secret',
			timeoutMs: 30_000,
			maxResponseBytes: 1_048_576,
			server: IDCS,
		});
		expect(FORM_CONTENT_TYPE).toBe('application/x-www-form-urlencoded;charset=UTF-8');
	});

	it('refuses a plain-http endpoint before anything is sent', () => {
		expect(() =>
			clientCredentialsGrant({
				tokenEndpoint: 'http://idcs-abc.identity.oraclecloud.com/oauth2/v1/token',
				scope,
				clientAuthentication: clientSecretBasic('client', 'secret'),
			}),
		).toThrow(
			'Refusing to send credentials to the IDCS token endpoint over plain http://idcs-abc.identity.oraclecloud.com',
		);
	});
});

describe('statelessAccessToken', () => {
	it('calls once, reuses while valid beyond the margin, and calls again inside it', async () => {
		const h = harness(tokenAnswer('at-1', undefined, 3600), tokenAnswer('at-2', undefined, 3600));
		expect(await h.token()).toEqual({
			tokenSet: { accessToken: 'at-1', tokenType: 'Bearer', expiresIn: 3600, expiresAt: T0 + 3600_000 },
			fromCache: false,
		});
		h.advance(3539);
		expect(await h.token()).toMatchObject({ fromCache: true, tokenSet: { accessToken: 'at-1' } });
		h.advance(1);
		expect(await h.token()).toMatchObject({ fromCache: false, tokenSet: { accessToken: 'at-2' } });
		expect(h.requests).toHaveLength(2);
	});

	it.each([
		['token endpoint', { endpoint: 'https://idcs-other.identity.oraclecloud.com/oauth2/v1/token' }],
		['client ID', { auth: clientSecretBasic('other-client', 'secret') }],
		['client secret', { auth: clientSecretBasic('client', 'other-secret') }],
		['client authentication', { auth: clientSecretPost('client', 'secret') }],
		['scope', { scope: 'urn:opc:resource:fusion:dev:field-service-common/use' }],
	])('does not reuse a token for another %s', async (_what, overrides) => {
		const h = harness(tokenAnswer('at-1'), tokenAnswer('at-2'));
		await h.token();
		expect(await h.token(overrides)).toMatchObject({ fromCache: false, tokenSet: { accessToken: 'at-2' } });
		expect(h.requests).toHaveLength(2);
	});

	it('makes one call for concurrent requests for one key, and shares its failure too', async () => {
		let answer!: (value: ReturnType<typeof tokenAnswer>) => void;
		const h = harness(() => new Promise((resolve) => (answer = resolve)));
		const all = Promise.all([h.token(), h.token(), h.token()]);
		await new Promise((resolve) => setImmediate(resolve));
		answer(tokenAnswer('at-1'));
		expect((await all).map((r) => [r.tokenSet.accessToken, r.fromCache])).toEqual([
			['at-1', false],
			['at-1', true],
			['at-1', true],
		]);
		expect(h.requests).toHaveLength(1);

		const failing = harness(json(401, { error: 'invalid_client' }));
		const results = await Promise.allSettled([failing.token(), failing.token()]);
		expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
		expect(failing.requests).toHaveLength(1);
	});

	it('says what to change in IDCS, in the words of the grant, when the grant is not allowed', async () => {
		const h = harness(json(400, { error: 'unauthorized_client', error_description: 'not allowed' }));
		await expect(h.token()).rejects.toMatchObject({
			code: 'unauthorized_client',
			message: 'The IDCS application is not allowed to use the client credentials grant (unauthorized_client)',
			hint: expect.stringContaining('tick Client credentials under Allowed grant types'),
			httpStatus: 400,
			serverDescription: 'not allowed',
		});
	});

	it('keeps the secret out of the error when the server echoes it', async () => {
		const h = harness(json(400, { error: 'invalid_client', error_description: 'bad secret s3cr3t-value' }));
		await expect(h.token({ auth: clientSecretBasic('client', 's3cr3t-value') })).rejects.toMatchObject({
			serverDescription: 'bad secret [redacted]',
		});
	});
});

describe('AccessTokenCache', () => {
	it('keys by an HMAC under its own random key, never by the values or their plain hash', () => {
		const parts = ['endpoint', 'client', 'secret'];
		const a = new AccessTokenCache();
		const b = new AccessTokenCache();
		expect(a.key(parts)).toMatch(/^[0-9a-f]{64}$/);
		expect(a.key(parts)).toBe(a.key([...parts]));
		expect(a.key(parts)).not.toBe(b.key(parts));
		expect(a.key(parts)).not.toBe(createHash('sha256').update(JSON.stringify(parts)).digest('hex'));
		expect(a.key(parts)).not.toContain('secret');
	});

	it('drops an expired token when it is looked up, and the oldest beyond its size', () => {
		const cache = new AccessTokenCache(2);
		const tokenSet = (expiresAt: number) => ({ accessToken: 'at', tokenType: 'Bearer', expiresIn: 1, expiresAt });
		cache.store('a', tokenSet(T0 + 1000), T0);
		expect(cache.find('a', T0 + 999)).toBeDefined();
		expect(cache.find('a', T0 + 1000)).toBeUndefined();
		expect(cache.size).toBe(0);

		cache.store('b', tokenSet(T0 + 5000), T0);
		cache.store('c', tokenSet(T0 + 5000), T0);
		cache.store('d', tokenSet(T0 + 5000), T0);
		expect([cache.find('b', T0), cache.find('c', T0), cache.find('d', T0)].map(Boolean)).toEqual([false, true, true]);
	});

	it('makes room by dropping expired tokens before live ones', () => {
		const cache = new AccessTokenCache(2);
		const tokenSet = (expiresAt: number) => ({ accessToken: 'at', tokenType: 'Bearer', expiresIn: 1, expiresAt });
		cache.store('live', tokenSet(T0 + 10_000), T0);
		cache.store('expiring', tokenSet(T0 + 1000), T0);
		cache.store('new', tokenSet(T0 + 10_000), T0 + 2000);
		expect([cache.find('live', T0 + 2000), cache.find('new', T0 + 2000)].map(Boolean)).toEqual([true, true]);
		expect(cache.size).toBe(2);
	});
});
