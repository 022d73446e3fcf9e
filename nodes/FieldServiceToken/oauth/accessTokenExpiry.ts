import { createHmac, randomBytes } from 'crypto';

/**
 * When access tokens this process received expire, for a store that keeps a token but not its
 * expiry (n8n 1.x writes a refreshed credential without one, and an opaque token carries none).
 * Keyed by an HMAC of the token (under a key made at start-up), so no token is held in the clear;
 * bounded, forgetting the least recently learned first.
 */
export class AccessTokenExpiry {
	private readonly expiries = new Map<string, number>();

	private readonly hmacKey = randomBytes(32);

	constructor(private readonly maxTokens = 1_000) {}

	private key(accessToken: string): string {
		return createHmac('sha256', this.hmacKey).update(accessToken).digest('hex');
	}

	learn(accessToken: string, expiresAt: number): void {
		const key = this.key(accessToken);
		this.expiries.delete(key);
		this.expiries.set(key, expiresAt);
		while (this.expiries.size > this.maxTokens) {
			this.expiries.delete(this.expiries.keys().next().value as string);
		}
	}

	expiresAt(accessToken: string): number | undefined {
		return this.expiries.get(this.key(accessToken));
	}
}
