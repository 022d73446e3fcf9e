import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'crypto';

/**
 * A refresh token sealed for one user, to be kept outside n8n (by an OFS plugin, for its signed-in user)
 * and handed back on the next request: AES-256-GCM under a key derived from the credential's own secret
 * (its client secret, else its private key), with the user it belongs to as authenticated data. Whoever
 * holds the sealed text cannot read the refresh token; n8n opens it only with the same credential and
 * only for the same user. Text form: `fst1.` + base64url(12-byte IV | ciphertext | 16-byte tag).
 */
const PREFIX = 'fst1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SealingKeyMaterial {
	/** The credential's client secret, or its PEM private key when it has no secret. */
	secret: string;
	clientId: string;
	tokenEndpoint: string;
}

export class SealError extends Error {}

function sealingKey({ secret, clientId, tokenEndpoint }: SealingKeyMaterial): Buffer {
	if (!secret)
		throw new SealError(
			'Sealing a refresh token needs a client secret or a private key in the credential: a public client (client ID only) has nothing to seal with',
		);
	const info = `n8n-nodes-field-service-token sealed refresh token\n${clientId}\n${tokenEndpoint}`;
	return Buffer.from(hkdfSync('sha256', secret, '', info, 32));
}

const userData = (user: string) => Buffer.from(`user:${user}`, 'utf8');

/**
 * Sealing as the Seal Refresh Token For User option asks, checked before anything is sent (so that a
 * request with no user never spends a code or refresh token, and never gets one back unsealed):
 * undefined when the option is not set.
 */
export function sealingFor(
	option: unknown,
	key: SealingKeyMaterial,
): { user: string; key: SealingKeyMaterial } | undefined {
	if (option === undefined) return undefined;
	const user = typeof option === 'string' ? option.trim() : '';
	if (!user) throw new SealError('Seal Refresh Token For User is empty: name the user the token belongs to');
	sealingKey(key);
	return { user, key };
}

export function sealRefreshToken(refreshToken: string, user: string, key: SealingKeyMaterial): string {
	if (!user.trim()) throw new SealError('Seal Refresh Token For User is empty: name the user the token belongs to');
	const iv = randomBytes(IV_BYTES);
	const cipher = createCipheriv('aes-256-gcm', sealingKey(key), iv);
	cipher.setAAD(userData(user.trim()));
	const ciphertext = Buffer.concat([cipher.update(refreshToken, 'utf8'), cipher.final()]);
	return PREFIX + Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url');
}

export const isSealed = (text: string) => text.trim().startsWith(PREFIX);

export function openSealedRefreshToken(sealed: string, user: string, key: SealingKeyMaterial): string {
	const text = sealed.trim();
	if (!text)
		throw new SealError(
			'The sealed refresh token is empty: map the sealed_refresh_token this node returned before (the expression found nothing)',
		);
	if (!isSealed(text))
		throw new SealError(
			'The refresh token is not a sealed one: with Seal Refresh Token For User set, map the sealed_refresh_token this node returned before',
		);
	const bytes = Buffer.from(text.slice(PREFIX.length), 'base64url');
	const derived = sealingKey(key);
	if (bytes.length <= IV_BYTES + TAG_BYTES) throw new SealError('The sealed refresh token is cut short');
	let opened: string | undefined;
	try {
		const decipher = createDecipheriv('aes-256-gcm', derived, bytes.subarray(0, IV_BYTES));
		decipher.setAAD(userData(user.trim()));
		decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
		opened = Buffer.concat([
			decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
			decipher.final(),
		]).toString('utf8');
	} catch {
		// The tag does not match: another key, another user, or altered text (nothing tells them apart).
	}
	if (opened === undefined)
		throw new SealError(
			'The sealed refresh token does not open: it was sealed for another user, by another credential (or before its client secret changed), or it was altered. The user signs in again.',
		);
	return opened;
}
