// What IDCS checks in a JWT assertion (Oracle: "Client/User JWT Assertion"), for client assertions
// (private_key_jwt) and user assertions (the jwt-bearer grant) alike.
import { verify } from 'node:crypto';

export const IDCS_AUDIENCE = 'https://identity.oraclecloud.com/';

/**
 * Oracle documents the assertion audience two ways: older IDCS pages `https://identity.oraclecloud.com/`
 * (classic), the OCI IAM identity-domain page the domain URL, `https://<domainURL>` in its text and with a
 * trailing slash in its sample (domain). `either` accepts both readings, as a tenant might.
 */
export const AUDIENCE_READINGS = Object.freeze(['classic', 'domain', 'either']);

/** The `aud` values one of which an assertion must hold, for a reading and the domain's URL. */
export function acceptedAudiences(reading, issuer) {
	const classic = [IDCS_AUDIENCE];
	const domain = [issuer, `${issuer}/`];
	if (reading === 'classic') return new Set(classic);
	if (reading === 'domain') return new Set(domain);
	if (reading === 'either') return new Set([...classic, ...domain]);
	throw new TypeError(`the assertion audience reading must be one of ${AUDIENCE_READINGS.join(', ')}, not ${reading}`);
}
/** Longer-lived assertions are refused: they should live a few minutes. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 600;

export class AssertionError extends Error {}

export function decodeJwt(jwt) {
	const parts = typeof jwt === 'string' ? jwt.split('.') : [];
	if (parts.length !== 3) throw new AssertionError('the assertion is not a signed JWT');
	try {
		const [header, payload] = parts.slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
		return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') };
	} catch {
		throw new AssertionError('the assertion is not a signed JWT');
	}
}

/**
 * Checks header and signature: RS256, the certificate found by `kid` (its alias) or `x5t` (its
 * thumbprint) among the client's registered ones, and the signature by that certificate's key.
 */
export function checkSignature({ header, signingInput, signature }, certificates) {
	if (header.alg !== 'RS256') throw new AssertionError(`alg must be RS256, not ${header.alg}`);
	if (header.kid === undefined && header.x5t === undefined) {
		throw new AssertionError('the JWT header names no certificate: give kid (the certificate alias) or x5t');
	}
	const certificate =
		header.kid !== undefined
			? certificates.find((c) => c.alias === header.kid)
			: certificates.find((c) => c.x5t === header.x5t);
	if (!certificate) {
		throw new AssertionError(
			header.kid !== undefined
				? `no certificate with alias ${header.kid} is registered for this client`
				: `no certificate with thumbprint ${header.x5t} is registered for this client`,
		);
	}
	if (!verify('sha256', Buffer.from(signingInput), certificate.publicKey, signature)) {
		throw new AssertionError('the signature does not verify with the registered certificate');
	}
}

/** Checks the claims IDCS checks: aud one of `accepted`, exp in the future and short, iat, and a jti. */
export function checkClaims(payload, accepted, now = Math.floor(Date.now() / 1000)) {
	const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
	if (!audiences.some((audience) => accepted.has(audience))) {
		throw new AssertionError(`aud must include ${[...accepted].join(' or ')}`);
	}
	if (typeof payload.exp !== 'number' || payload.exp <= now) throw new AssertionError('the assertion has expired');
	const issuedAt = typeof payload.iat === 'number' ? payload.iat : now;
	if (payload.exp - issuedAt > MAX_ASSERTION_LIFETIME_SECONDS) {
		throw new AssertionError(`the assertion may live ${MAX_ASSERTION_LIFETIME_SECONDS} s at most`);
	}
	if (typeof payload.jti !== 'string' || !payload.jti) throw new AssertionError('the assertion has no jti');
}
