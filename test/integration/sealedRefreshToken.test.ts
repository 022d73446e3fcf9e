import {
	openSealedRefreshToken,
	sealRefreshToken,
	type SealingKeyMaterial,
} from '../../nodes/FieldServiceToken/n8n/sealedRefreshToken';
import type { IDataObject } from 'n8n-workflow';

import { FieldServiceToken } from '../../nodes/FieldServiceToken/FieldServiceToken.node';
import { clients, issuer, RESOURCE_SCOPE, tokenRequestsWith } from '../support/localIdcs';
import { credentialStore, runNode } from '../support/n8nExecution';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { authorizeHeadlessly } = require('../local-idcs/authorize.js') as {
	authorizeHeadlessly: (url: string) => Promise<{ code: string; state: string; redirectUri: string }>;
};

// A refresh token kept outside n8n (by an OFS plugin, for its user) leaves and comes back sealed: unreadable
// to whoever holds it, opened only by the same credential and for the same user.

const KEY: SealingKeyMaterial = {
	secret: 'the-client-secret',
	clientId: 'c1',
	tokenEndpoint: 'https://idcs.example.com/oauth2/v1/token',
};

describe('sealRefreshToken and openSealedRefreshToken', () => {
	it('seal to fst1.<base64url>, unreadable, with a new IV each time; open gives the token back for the same user', () => {
		const sealed = sealRefreshToken('AgAgRefreshToken==', 'tech.one', KEY);
		expect(sealed).toMatch(/^fst1\.[A-Za-z0-9_-]+$/);
		expect(Buffer.from(sealed.slice(5), 'base64url').toString('latin1')).not.toContain('AgAgRefreshToken');
		expect(sealRefreshToken('AgAgRefreshToken==', 'tech.one', KEY)).not.toBe(sealed);
		expect(openSealedRefreshToken(sealed, 'tech.one', KEY)).toBe('AgAgRefreshToken==');
		expect(openSealedRefreshToken(` ${sealed}\n`, ' tech.one ', KEY)).toBe('AgAgRefreshToken==');
	});

	const DOES_NOT_OPEN =
		'The sealed refresh token does not open: it was sealed for another user, by another credential (or before its client secret changed), or it was altered. The user signs in again.';

	it.each([
		['another user', 'tech.two', KEY],
		['another client secret', 'tech.one', { ...KEY, secret: 'rotated-secret' }],
		['another client', 'tech.one', { ...KEY, clientId: 'c2' }],
		['another token endpoint', 'tech.one', { ...KEY, tokenEndpoint: 'https://idcs-other.example.com/oauth2/v1/token' }],
	])('does not open for %s', (_what, user, key) => {
		const sealed = sealRefreshToken('rt-1', 'tech.one', KEY);
		expect(() => openSealedRefreshToken(sealed, user as string, key as SealingKeyMaterial)).toThrow(DOES_NOT_OPEN);
	});

	it('does not open when altered, cut short, or not sealed at all; says what to do', () => {
		const sealed = sealRefreshToken('rt-1', 'tech.one', KEY);
		const bytes = Buffer.from(sealed.slice(5), 'base64url');
		bytes[14] ^= 1;
		expect(() => openSealedRefreshToken(`fst1.${bytes.toString('base64url')}`, 'tech.one', KEY)).toThrow(DOES_NOT_OPEN);
		expect(() => openSealedRefreshToken('fst1.AAAA', 'tech.one', KEY)).toThrow('The sealed refresh token is cut short');
		expect(() => openSealedRefreshToken('AgAgPlainRefreshToken', 'tech.one', KEY)).toThrow(
			'The refresh token is not a sealed one: with Seal Refresh Token For User set, map the sealed_refresh_token this node returned before',
		);
	});

	it('needs a secret to seal with, and a user', () => {
		expect(() => sealRefreshToken('rt-1', 'tech.one', { ...KEY, secret: '' })).toThrow(
			'Sealing a refresh token needs a client secret or a private key in the credential: a public client (client ID only) has nothing to seal with',
		);
		expect(() => sealRefreshToken('rt-1', '  ', KEY)).toThrow(
			'Seal Refresh Token For User is empty: name the user the token belongs to',
		);
	});
});

describe('the node with Seal Refresh Token For User, against the local IDCS', () => {
	const node = new FieldServiceToken();
	const REDIRECT_URI = 'https://field-service.example.com/plugin-auth-redirect/';
	const credential = () =>
		credentialStore({
			domainUrl: issuer,
			clientId: clients.basic.clientId,
			clientSecret: clients.basic.clientSecret ?? '',
			resourceScope: RESOURCE_SCOPE,
			authentication: 'header',
		});
	const run = async (parameters: Record<string, unknown>, json: IDataObject = {}, continueOnFail = false) =>
		(
			await runNode({
				nodeType: node,
				parameters: parameters as never,
				credential: credential(),
				items: [{ json }],
				continueOnFail,
			})
		)[0].map((item) => item.json);

	const key: SealingKeyMaterial = {
		secret: clients.basic.clientSecret ?? '',
		clientId: clients.basic.clientId,
		tokenEndpoint: `${issuer}/oauth2/v1/token`,
	};

	/** The way in with sealing: what the code exchange outputs, and the refresh token inside its seal. */
	async function signIn(user: string) {
		const [request] = await run({ operation: 'buildAuthorizationRequest', redirectUri: REDIRECT_URI, pkce: true });
		const { code } = await authorizeHeadlessly(request.url as string);
		const [tokens] = await run({
			operation: 'exchangeAuthorizationCode',
			authorizationCode: code,
			redirectUri: REDIRECT_URI,
			codeVerifier: request.code_verifier,
			options: { sealForUser: user },
		});
		expect((await tokenRequestsWith('code', code)).map((r) => r.status)).toEqual([200]);
		return { tokens, refreshToken: openSealedRefreshToken(tokens.sealed_refresh_token as string, user, key) };
	}

	const refresh = (sealed: IDataObject[string], user: string, continueOnFail = false) =>
		run(
			{
				operation: 'refreshAccessToken',
				refreshTokenSource: 'parameter',
				refreshToken: '={{ $json.sealed }}',
				options: { sealForUser: '={{ $json.login }}', reuseToken: false },
			},
			{ sealed, login: user },
			continueOnFail,
		);

	it('the code exchange hands out the refresh token only sealed, and the refresh takes it sealed and rotates it sealed', async () => {
		const { tokens, refreshToken } = await signIn('tech.one');
		expect(Object.keys(tokens).sort()).toEqual(
			[
				'access_token',
				'authorization',
				'expires_at',
				'expires_in',
				'from_cache',
				'refresh_token_rotated',
				'scope',
				'sealed_refresh_token',
				'token_type',
			].sort(),
		);
		expect(typeof refreshToken).toBe('string');
		expect(tokens.sealed_refresh_token).toMatch(/^fst1\./);
		expect(JSON.stringify(tokens)).not.toContain(refreshToken);

		const [refreshed] = await refresh(tokens.sealed_refresh_token, 'tech.one');
		expect(refreshed).toMatchObject({ from_cache: false, refresh_token_rotated: true });
		expect(refreshed.refresh_token).toBeUndefined();
		// IDCS got the refresh token itself, and the one it rotated to comes out sealed.
		expect((await tokenRequestsWith('refresh_token', refreshToken)).map((r) => r.status)).toEqual([200]);
		const rotated = openSealedRefreshToken(refreshed.sealed_refresh_token as string, 'tech.one', key);
		expect(rotated).not.toBe(refreshToken);
		expect(JSON.stringify(refreshed)).not.toContain(rotated);

		// The next request with the rotated, sealed token works too.
		const [again] = await refresh(refreshed.sealed_refresh_token, 'tech.one');
		expect(again).toMatchObject({ from_cache: false, refresh_token_rotated: true });
		expect((await tokenRequestsWith('refresh_token', rotated)).map((r) => r.status)).toEqual([200]);
	});

	it("another user's sealed token is refused before anything is sent to IDCS; continueOnFail makes it an error item", async () => {
		const { tokens, refreshToken } = await signIn('tech.one');
		const [item] = await refresh(tokens.sealed_refresh_token, 'tech.two', true);
		expect(item.error).toBe(
			'The sealed refresh token does not open: it was sealed for another user, by another credential (or before its client secret changed), or it was altered. The user signs in again.',
		);
		expect(await tokenRequestsWith('refresh_token', refreshToken)).toEqual([]);
	});

	it.each([
		['empty', { login: '' }],
		['missing (the expression finds nothing)', {}],
	])('a request whose user is %s spends nothing and gets nothing back unsealed', async (_what, who: IDataObject) => {
		const [request] = await run({ operation: 'buildAuthorizationRequest', redirectUri: REDIRECT_URI });
		const { code } = await authorizeHeadlessly(request.url as string);
		const [item] = await run(
			{
				operation: 'exchangeAuthorizationCode',
				authorizationCode: code,
				redirectUri: REDIRECT_URI,
				options: { sealForUser: '={{ $json.login }}' },
			},
			who,
			true,
		);
		expect(item).toEqual({ error: 'Seal Refresh Token For User is empty: name the user the token belongs to' });
		expect(await tokenRequestsWith('code', code)).toEqual([]);

		const { tokens, refreshToken } = await signIn('tech.one');
		const [refreshed] = await run(
			{
				operation: 'refreshAccessToken',
				refreshTokenSource: 'parameter',
				refreshToken: '={{ $json.sealed }}',
				options: { sealForUser: '={{ $json.login }}' },
			},
			{ sealed: tokens.sealed_refresh_token, ...who },
			true,
		);
		expect(refreshed).toEqual({ error: 'Seal Refresh Token For User is empty: name the user the token belongs to' });
		expect(await tokenRequestsWith('refresh_token', refreshToken)).toEqual([]);
	});

	it('a missing code or sealed token is refused before any request, never sent as the text "undefined"', async () => {
		const exchange = await run(
			{
				operation: 'exchangeAuthorizationCode',
				authorizationCode: '={{ $json.code }}',
				redirectUri: REDIRECT_URI,
				options: { sealForUser: 'tech.one' },
			},
			{},
			true,
		);
		expect(exchange[0].error).toBe('The authorization code is empty');
		const [missing] = await refresh(undefined, 'tech.one', true);
		expect(missing.error).toBe(
			'The sealed refresh token is empty: map the sealed_refresh_token this node returned before (the expression found nothing)',
		);
		for (const text of ['undefined', 'null']) {
			expect(
				(await tokenRequestsWith('refresh_token', text)).length + (await tokenRequestsWith('code', text)).length,
			).toBe(0);
		}
	});

	it('a sealed token given without Seal Refresh Token For User is refused, never sent to IDCS as a refresh token', async () => {
		const { tokens } = await signIn('tech.one');
		const [item] = await run(
			{ operation: 'refreshAccessToken', refreshTokenSource: 'parameter', refreshToken: '={{ $json.sealed }}' },
			{ sealed: tokens.sealed_refresh_token },
			true,
		);
		expect(item).toEqual({
			error:
				'The refresh token is a sealed one (sealed_refresh_token): set Seal Refresh Token For User to the user it was sealed for',
		});
		expect(await tokenRequestsWith('refresh_token', tokens.sealed_refresh_token as string)).toEqual([]);
	});

	describe('a sealed token that was rotated away', () => {
		afterEach(() => jest.useRealTimers());

		it("answers once within a minute (a lost answer's retry) with the newest; presented again, IDCS sees it as it is", async () => {
			const { tokens, refreshToken } = await signIn('tech.one');
			const [first] = await refresh(tokens.sealed_refresh_token, 'tech.one');
			const rotated = openSealedRefreshToken(first.sealed_refresh_token as string, 'tech.one', key);
			// The answer was lost: the plugin presents the old sealed token again.
			const [retry] = await refresh(tokens.sealed_refresh_token, 'tech.one');
			expect(retry).toMatchObject({ from_cache: false, refresh_token_rotated: true });
			const newest = openSealedRefreshToken(retry.sealed_refresh_token as string, 'tech.one', key);
			expect((await tokenRequestsWith('refresh_token', rotated)).map((r) => r.status)).toEqual([200]);
			expect((await tokenRequestsWith('refresh_token', refreshToken)).map((r) => r.status)).toEqual([200]);

			// Presented a third time: a replay. It goes to IDCS as it is, which refuses it (and revokes the grant).
			const [replay] = await refresh(tokens.sealed_refresh_token, 'tech.one', true);
			expect(replay.error).toBe(
				'The refresh token or authorization code was rejected: it is expired, revoked or already used (invalid_grant)',
			);
			expect((await tokenRequestsWith('refresh_token', refreshToken)).map((r) => r.status)).toEqual([200, 400]);
			// The local IDCS, like IDCS, revoked the grant on the reuse: the newest token is refused too.
			const [after] = await refresh(retry.sealed_refresh_token, 'tech.one', true);
			expect(after.error).toMatch(/\(invalid_grant\)$/);
			expect((await tokenRequestsWith('refresh_token', newest)).map((r) => r.status)).toEqual([400]);
		});

		it('after the minute, even its first presentation goes to IDCS as it is', async () => {
			const { tokens, refreshToken } = await signIn('tech.one');
			const [first] = await refresh(tokens.sealed_refresh_token, 'tech.one');
			expect(first.from_cache).toBe(false);
			jest.useFakeTimers({
				doNotFake: [
					'nextTick',
					'setImmediate',
					'setTimeout',
					'clearTimeout',
					'setInterval',
					'clearInterval',
					'queueMicrotask',
					'performance',
					'hrtime',
				],
			});
			jest.setSystemTime(Date.now() + 61_000);
			const [late] = await refresh(tokens.sealed_refresh_token, 'tech.one', true);
			expect(late.error).toBe(
				'The refresh token or authorization code was rejected: it is expired, revoked or already used (invalid_grant)',
			);
			expect((await tokenRequestsWith('refresh_token', refreshToken)).map((r) => r.status)).toEqual([200, 400]);
		});
	});

	it('refuses sealing with the credential as the refresh token source', async () => {
		await expect(
			run({ operation: 'refreshAccessToken', refreshTokenSource: 'credential', options: { sealForUser: 'tech.one' } }),
		).rejects.toMatchObject({
			message:
				'Seal Refresh Token For User works with Refresh Token Source "From a Field": the credential keeps its own refresh token',
		});
	});
});
