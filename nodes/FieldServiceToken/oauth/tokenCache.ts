import { createHmac, randomBytes } from 'crypto';

import { SingleFlight } from './singleFlight';
import type { TokenSet } from './tokenResponse';

/** What a real token call needs besides the refresh token; a cached token is handed out only
 * to a caller who presents all of it again. */
export interface TokenContext {
	tokenEndpoint: string;
	clientAuthenticationMethod: string;
	clientId: string;
	clientSecret: string;
	scope: string;
}

/** The tokens of one refresh-token lineage: each rotation adds a key, all keys share this. */
export interface TokenChain {
	/** The newest access token, until it expires; none after an answer whose access token was rejected. */
	tokenSet?: TokenSet;
	/** The refresh token to present next: the newest one IDCS issued to this lineage. */
	refreshToken: string;
}

/** A token handed out: the access token, and the refresh token to keep from now on. */
export interface IssuedToken {
	tokenSet: TokenSet;
	refreshToken: string;
}

/**
 * How long a refresh token's key is kept after it was last presented or issued: IDCS's default
 * refresh-token lifetime (7 days, restarted by each refresh). A caller who holds a refresh token that
 * old, unused, holds an expired one; one who keeps presenting an old one keeps its key alive.
 */
export const KEY_LIFETIME_MS = 7 * 24 * 3600 * 1000;

/** Expired entries are looked for at most this often, so that a lookup stays cheap. */
const SWEEP_INTERVAL_MS = 60_000;

interface Entry {
	chain: TokenChain;
	/** When the key was last presented or issued (epoch ms). */
	usedAt: number;
	/** When its refresh token was rotated away (a newer one was issued to its lineage). */
	supersededAt?: number;
	/** Whether a rotated-away refresh token already had its one retry (see takeRetry). */
	retried?: boolean;
}

/**
 * Access tokens kept in this n8n process's memory, never on disk. Keys are HMACs (under a key
 * made at start-up) of the context and a refresh token, so the map holds no secret in the clear
 * and a lookup succeeds only with the same client secret and refresh token. A refresh token
 * that was rotated keeps finding its lineage, so reuse survives rotation.
 *
 * Memory follows live tokens: an access token is dropped once it expired, while its lineage and
 * newest refresh token stay; a key is dropped KEY_LIFETIME_MS after it was last presented or issued,
 * or earlier when more than `maxKeys` keys are held (least recently used first).
 */
export class TokenCache {
	private readonly entries = new Map<string, Entry>();

	private readonly hmacKey = randomBytes(32);

	/** Calls under way, by lineage (or by key, for a refresh token not seen before). */
	private readonly flights = new SingleFlight<TokenChain | string, IssuedToken>();

	/** Keys of refresh tokens the server rejected (invalid_grant), and when, least recently first. */
	private readonly rejected = new Map<string, number>();

	private sweptAt = -Infinity;

	constructor(
		private readonly maxKeys = 10_000,
		private readonly keyLifetimeMs = KEY_LIFETIME_MS,
	) {}

	key(context: TokenContext, refreshToken: string): string {
		const parts = [
			context.tokenEndpoint,
			context.clientAuthenticationMethod,
			context.clientId,
			context.clientSecret,
			context.scope,
			refreshToken,
		];
		return createHmac('sha256', this.hmacKey).update(JSON.stringify(parts)).digest('hex');
	}

	find(key: string, now: number): TokenChain | undefined {
		this.sweep(now);
		const entry = this.entries.get(key);
		if (entry) this.touch(key, entry.chain, now);
		return entry?.chain;
	}

	/**
	 * Records an answer for the lineage of `presentedKey` and indexes its refresh token. Without a
	 * token set, the lineage learns only the refresh token (the answer's access token was rejected).
	 */
	record(
		context: TokenContext,
		presentedKey: string,
		tokenSet: TokenSet | undefined,
		refreshToken: string,
		now: number,
	): TokenChain {
		this.sweep(now);
		let chain = this.entries.get(presentedKey)?.chain;
		const newestKey = this.key(context, refreshToken);
		// The refresh token the lineage held until now is rotated away from this moment on.
		const previousKey = chain ? this.key(context, chain.refreshToken) : presentedKey;
		if (chain) {
			chain.tokenSet = tokenSet;
			chain.refreshToken = refreshToken;
		} else {
			chain = { tokenSet, refreshToken };
		}
		this.touch(presentedKey, chain, now);
		this.touch(newestKey, chain, now);
		const previous = previousKey === newestKey ? undefined : this.entries.get(previousKey);
		if (previous && previous.supersededAt === undefined) previous.supersededAt = now;
		return chain;
	}

	/** When the refresh token of `key` was rotated away; undefined while it is its lineage's newest. */
	supersededAt(key: string): number | undefined {
		return this.entries.get(key)?.supersededAt;
	}

	/** Takes the one retry a rotated-away refresh token has: true the first time, false after. */
	takeRetry(key: string): boolean {
		const entry = this.entries.get(key);
		if (!entry || entry.retried) return false;
		entry.retried = true;
		return true;
	}

	/**
	 * Runs `call` unless a call for the same lineage is under way, in which case its outcome is
	 * shared: one single-use refresh token is never presented twice at once.
	 */
	async singleFlight(
		flight: TokenChain | string,
		call: () => Promise<IssuedToken>,
	): Promise<{ issued: IssuedToken; joined: boolean }> {
		const { value, joined } = await this.flights.run(flight, call);
		return { issued: value, joined };
	}

	/**
	 * Forgets a lineage the server refused to refresh (invalid_grant): its access token is not handed
	 * out again (a replayed refresh token revokes the whole grant, its access tokens too), and every
	 * refresh token of it is remembered as rejected, so that none is presented again. Rejections are
	 * kept like keys: KEY_LIFETIME_MS, and at most `maxKeys`.
	 */
	reject(flight: TokenChain | string, now: number): void {
		const keys =
			typeof flight === 'string'
				? [flight]
				: [...this.entries].filter(([, entry]) => entry.chain === flight).map(([key]) => key);
		for (const key of keys) {
			this.entries.delete(key);
			this.rejected.delete(key);
			this.rejected.set(key, now);
		}
		while (this.rejected.size > this.maxKeys) {
			this.rejected.delete(this.rejected.keys().next().value as string);
		}
	}

	/** Whether the server rejected the refresh token of `key` (see reject). */
	isRejected(key: string, now: number): boolean {
		this.sweep(now);
		return this.rejected.has(key);
	}

	/** Keys held: the refresh tokens of the lineages remembered. */
	get size(): number {
		return this.entries.size;
	}

	clear(): void {
		this.entries.clear();
		this.flights.clear();
		this.rejected.clear();
	}

	private touch(key: string, chain: TokenChain, now: number) {
		const held = this.entries.get(key);
		const entry: Entry = held?.chain === chain ? held : { chain, usedAt: now };
		entry.usedAt = now;
		this.entries.delete(key);
		this.entries.set(key, entry);
		// Map keeps insertion order: the first key is the one least recently used.
		while (this.entries.size > this.maxKeys) {
			const oldest = this.entries.keys().next().value as string;
			this.entries.delete(oldest);
		}
	}

	/** Drops expired access tokens, and keys not presented or issued within their lifetime. */
	private sweep(now: number) {
		if (now >= this.sweptAt && now - this.sweptAt < SWEEP_INTERVAL_MS) return;
		this.sweptAt = now;
		for (const [key, { chain, usedAt }] of this.entries) {
			if (now - usedAt >= this.keyLifetimeMs) this.entries.delete(key);
			else if (chain.tokenSet && chain.tokenSet.expiresAt <= now) chain.tokenSet = undefined;
		}
		for (const [key, rejectedAt] of this.rejected) {
			if (now - rejectedAt >= this.keyLifetimeMs) this.rejected.delete(key);
		}
	}
}

export function isValidBeyond(tokenSet: TokenSet, now: number, marginMs: number): boolean {
	return tokenSet.expiresAt - marginMs > now;
}
