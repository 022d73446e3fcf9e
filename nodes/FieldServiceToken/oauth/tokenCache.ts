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
	/** The newest access token; none after an answer whose access token was rejected. */
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
 * Access tokens kept in this n8n process's memory, never on disk. Keys are HMACs (under a key
 * made at start-up) of the context and a refresh token, so the map holds no secret in the clear
 * and a lookup succeeds only with the same client secret and refresh token. A refresh token
 * that was rotated keeps finding its lineage, so reuse survives rotation.
 */
export class TokenCache {
	private readonly chains = new Map<string, TokenChain>();

	private readonly hmacKey = randomBytes(32);

	/** Calls under way, by lineage (or by key, for a refresh token not seen before). */
	private readonly flights = new SingleFlight<TokenChain | string, IssuedToken>();

	constructor(private readonly maxKeys = 10_000) {}

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

	find(key: string): TokenChain | undefined {
		return this.chains.get(key);
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
	): TokenChain {
		let chain = this.chains.get(presentedKey);
		if (chain) {
			chain.tokenSet = tokenSet;
			chain.refreshToken = refreshToken;
		} else {
			chain = { tokenSet, refreshToken };
			this.remember(presentedKey, chain);
		}
		this.remember(this.key(context, refreshToken), chain);
		return chain;
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

	get size(): number {
		return this.chains.size;
	}

	clear(): void {
		this.chains.clear();
		this.flights.clear();
	}

	private remember(key: string, chain: TokenChain) {
		this.chains.delete(key);
		this.chains.set(key, chain);
		// Map keeps insertion order: the first key is the one least recently recorded.
		while (this.chains.size > this.maxKeys) {
			const oldest = this.chains.keys().next().value as string;
			this.chains.delete(oldest);
		}
	}
}

export function isValidBeyond(tokenSet: TokenSet, now: number, marginMs: number): boolean {
	return tokenSet.expiresAt - marginMs > now;
}
