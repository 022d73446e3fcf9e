import { X509Certificate, createPrivateKey } from 'crypto';

import { selfSignedCertificate } from './selfSignedCertificate';

describe('selfSignedCertificate', () => {
	it('returns an RSA key and the certificate for 127.0.0.1 that it signed', () => {
		const { key, cert } = selfSignedCertificate();

		const certificate = new X509Certificate(cert);
		expect(certificate.subject).toBe('CN=127.0.0.1');
		expect(createPrivateKey(key).asymmetricKeyType).toBe('rsa');
		expect(certificate.checkPrivateKey(createPrivateKey(key))).toBe(true);
		expect(certificate.verify(certificate.publicKey)).toBe(true);
	});
});
