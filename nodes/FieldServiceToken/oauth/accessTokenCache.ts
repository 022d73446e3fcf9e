import { createHmac, randomBytes } from 'crypto';

import { SingleFlight } from './singleFlight';
import type { TokenSet } from './tokenResponse';

/**
 * Access tokens of stateless grants, kept in this n8n process's memory, never on disk. Keys are
 * HMACs (under a key made at start-up) of everything a real call needs, secrets and private keys
 * included, so the map holds none of them and a lookup succeeds only for a caller who has them.
 * Expired tokens are dropped when met, and the map never grows past `maxKeys`.
 */
export class AccessTokenCache {
	private readonly tokens = new Map<string, TokenSet>();

	private readonly hmacKey = randomBytes(32);

	private readonly flights = new SingleFlight<string, TokenSet>();

	constructor(private readonly maxKeys = 10_000) {}

	key(parts: readonly string[]): string {
		return createHmac('sha256', this.hmacKey).update(JSON.stringify(parts)).digest('hex');
	}

	find(key: string, now: number): TokenSet | undefined {
		const tokenSet = this.tokens.get(key);
		if (tokenSet && tokenSet.expiresAt <= now) {
			this.tokens.delete(key);
			return undefined;
		}
		return tokenSet;
	}

	/** Forgets the token under `key` if it is still `accessToken` (not one stored since). */
	drop(key: string, accessToken: string): void {
		if (this.tokens.get(key)?.accessToken === accessToken) this.tokens.delete(key);
	}

	store(key: string, tokenSet: TokenSet, now: number): void {
		this.tokens.delete(key);
		this.tokens.set(key, tokenSet);
		if (this.tokens.size <= this.maxKeys) return;
		for (const [oldKey, old] of this.tokens) {
			if (old.expiresAt <= now) this.tokens.delete(oldKey);
		}
		// Map keeps insertion order: the first key is the one least recently stored.
		while (this.tokens.size > this.maxKeys) this.tokens.delete(this.tokens.keys().next().value as string);
	}

	/** Runs `call` unless one for the same key is under way, in which case its outcome is shared. */
	singleFlight(key: string, call: () => Promise<TokenSet>): Promise<{ value: TokenSet; joined: boolean }> {
		return this.flights.run(key, call);
	}

	get size(): number {
		return this.tokens.size;
	}

	clear(): void {
		this.tokens.clear();
		this.flights.clear();
	}
}
