// RSA keys and self-signed certificates for the local IDCS's applications, made by openssl when the
// server starts (on its standard output, never on disk): what an integrator uploads to an IDCS
// application as its trusted certificate, under an alias.
import { X509Certificate, createHash, createPublicKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';

export function makeSigningKey(alias) {
	const pem = execFileSync(
		'openssl',
		[
			'req',
			'-x509',
			'-newkey',
			'rsa:2048',
			'-nodes',
			'-days',
			'1',
			'-subj',
			`/CN=${alias}`,
			'-keyout',
			'-',
			'-out',
			'-',
		],
		{ encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
	);
	const block = (label) => {
		const found = pem.match(new RegExp(`-----BEGIN ${label}-----[^-]+-----END ${label}-----\\n`));
		if (!found) throw new Error(`openssl printed no ${label}`);
		return found[0];
	};
	const certificate = block('CERTIFICATE');
	const x509 = new X509Certificate(certificate);
	return {
		alias,
		privateKey: block('PRIVATE KEY'),
		certificate,
		publicKey: x509.publicKey,
		/** base64url SHA-1 thumbprint of the DER certificate: what a JWT names it by in x5t. */
		x5t: createHash('sha1').update(x509.raw).digest('base64url'),
		/** The public JWK oidc-provider verifies with, named by the alias as IDCS names it. */
		jwk: {
			...createPublicKey(certificate).export({ format: 'jwk' }),
			kid: alias,
			alg: 'RS256',
			use: 'sig',
			x5c: [x509.raw.toString('base64')],
		},
	};
}
