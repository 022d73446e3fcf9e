import { X509Certificate, createHash, createPrivateKey, randomUUID, sign, type KeyObject } from 'crypto';

import { OAuthError } from './errors';

/** The audience older IDCS pages give for user and client assertions (Oracle: "Client/User JWT Assertion"). */
export const IDCS_AUDIENCE = 'https://identity.oraclecloud.com/';

/**
 * The `aud` of an IDCS user or client assertion. Oracle documents it two ways: older IDCS pages say
 * `https://identity.oraclecloud.com/`; the OCI IAM identity-domain page says the domain URL
 * (`https://<domainURL>`) must be one of the values, its sample writing it with a trailing slash.
 * An array holding all of them (RFC 7519 4.1.3: one match is enough) satisfies every reading. A
 * tenant that wants something else names its own audience, which is sent as given.
 */
export function idcsAssertionAudience(tokenEndpoint: string, audience: readonly string[] = []): string | string[] {
	const given = [...new Set(audience.map((value) => value.trim()).filter(Boolean))];
	if (given.length) return given.length === 1 ? given[0] : given;
	const domain = new URL(tokenEndpoint).origin;
	return [IDCS_AUDIENCE, domain, `${domain}/`];
}

/** How long an assertion is valid: IDCS wants a short exp, and each call signs a new one. */
export const ASSERTION_LIFETIME_SECONDS = 300;

export interface SigningKeyInput {
	/** PEM, PKCS#8 (BEGIN PRIVATE KEY) or PKCS#1 (BEGIN RSA PRIVATE KEY), not encrypted. */
	privateKey: string;
	/** The alias of the certificate uploaded to the IDCS application: sent as `kid`. */
	keyId?: string;
	/** The certificate uploaded to the application, PEM: its SHA-1 thumbprint is sent as `x5t`. */
	certificate?: string;
	/** IDCS finds the key by kid or x5t; Field Service knows one key per application and needs neither. */
	keyNameRequired?: boolean;
}

/** A checked RS256 signing key and the header that names its certificate. */
export interface SigningKey {
	readonly header: { alg: 'RS256'; typ: 'JWT'; kid?: string; x5t?: string };
	/** The key material, for keying token reuse (through an HMAC) and for redaction only. */
	readonly material: string;
	sign(claims: Record<string, unknown>): string;
}

const invalidKey = (message: string, hint: string) => new OAuthError('invalid_input', message, hint);

const KEY_HINT =
	'Paste the PEM private key of the certificate uploaded to the application, including its BEGIN and END lines (openssl genrsa, or openssl pkcs8 -topk8 -nocrypt to remove a passphrase).';

/**
 * Checks the key before anything is signed or sent: a PEM RSA private key without passphrase,
 * and either a key ID (the certificate alias, `kid`) or the certificate (its thumbprint, `x5t`).
 */
export function signingKey(input: SigningKeyInput): SigningKey {
	const pem = input.privateKey.trim().replace(/\\n/g, '\n');
	if (!pem) {
		throw invalidKey(
			'No private key to sign the assertion with',
			`Fill in the Private Key in the credential. ${KEY_HINT}`,
		);
	}
	if (/ENCRYPTED/.test(pem)) {
		throw invalidKey(
			'The private key is encrypted with a passphrase',
			'Give the key without passphrase: openssl pkcs8 -topk8 -nocrypt -in key.pem prints it. Keep it in the credential only, where n8n stores it encrypted.',
		);
	}
	if (!/^-----BEGIN (RSA )?PRIVATE KEY-----/.test(pem)) {
		throw invalidKey('The private key is not a PEM private key', KEY_HINT);
	}
	let key: KeyObject;
	try {
		key = createPrivateKey({ key: pem, format: 'pem' });
	} catch {
		throw invalidKey('The private key could not be read', KEY_HINT);
	}
	if (key.asymmetricKeyType !== 'rsa') {
		throw invalidKey(
			`The private key is ${key.asymmetricKeyType ? `${key.asymmetricKeyType.toUpperCase()}, not` : 'not'} an RSA key`,
			'IDCS and Field Service verify RS256 signatures: use an RSA key (openssl genrsa 2048) and upload its certificate.',
		);
	}
	const keyId = input.keyId?.trim() ?? '';
	const certificatePem = input.certificate?.trim().replace(/\\n/g, '\n') ?? '';
	let x5t: string | undefined;
	if (certificatePem) {
		let certificate: X509Certificate;
		try {
			certificate = new X509Certificate(certificatePem);
		} catch {
			throw invalidKey(
				'The certificate could not be read',
				'Paste the PEM certificate uploaded to the application, including its BEGIN CERTIFICATE and END CERTIFICATE lines.',
			);
		}
		if (!certificate.checkPrivateKey(key)) {
			throw invalidKey(
				'The certificate does not belong to the private key',
				'Give the certificate made from this private key, the one uploaded to the application.',
			);
		}
		x5t = createHash('sha1').update(certificate.raw).digest('base64url');
	}
	if (!keyId && !x5t && input.keyNameRequired !== false) {
		throw invalidKey(
			'The assertion needs a key ID or a certificate',
			'Fill in the Key ID (the alias the certificate was uploaded with to the application) or paste the Certificate, so that the server can find the key to verify with.',
		);
	}
	const header = {
		alg: 'RS256' as const,
		typ: 'JWT' as const,
		...(keyId ? { kid: keyId } : x5t ? { x5t } : {}),
	};
	const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
	return {
		header,
		material: `${pem}\n${keyId}\n${x5t ?? ''}`,
		sign(claims) {
			const input = `${encode(header)}.${encode(claims)}`;
			return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
		},
	};
}

export interface AssertionClaims {
	issuer: string;
	subject: string;
	audience: string | string[];
	now?: number;
	lifetimeSeconds?: number;
}

/** RFC 7523 claims: iss, sub, aud, iat, exp a few minutes ahead, and a jti never used before. */
export function assertionClaims(claims: AssertionClaims): Record<string, unknown> {
	const iat = Math.floor((claims.now ?? Date.now()) / 1000);
	return {
		iss: claims.issuer,
		sub: claims.subject,
		aud: claims.audience,
		iat,
		exp: iat + (claims.lifetimeSeconds ?? ASSERTION_LIFETIME_SECONDS),
		jti: randomUUID(),
	};
}
