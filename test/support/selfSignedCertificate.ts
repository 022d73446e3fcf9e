import { execFileSync } from 'child_process';

/**
 * A throwaway RSA key and self-signed certificate for a TLS server on 127.0.0.1, made by openssl at
 * test time. openssl writes both to its standard output, so neither is ever written to disk.
 */
export function selfSignedCertificate(): { key: string; cert: string } {
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
			'/CN=127.0.0.1',
			'-keyout',
			'-',
			'-out',
			'-',
		],
		{ encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
	);
	const block = (label: string) => {
		const found = pem.match(new RegExp(`-----BEGIN ${label}-----[^-]+-----END ${label}-----\\n`));
		if (!found) throw new Error(`openssl printed no ${label}`);
		return found[0];
	};
	return { key: block('PRIVATE KEY'), cert: block('CERTIFICATE') };
}
