import type { ClientAuthentication } from './clientAuthentication';
import { IDCS_AUDIENCE, assertionClaims, type SigningKey } from './jwtAssertion';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * private_key_jwt (RFC 7523 2.2): instead of a secret, a JWT signed with the application's key,
 * `sub` = `iss` = client ID, `aud` = IDCS. Signed anew for every request, so none outlives its
 * few minutes or is presented twice.
 */
export function clientAssertion(
	clientId: string,
	key: SigningKey,
	options: { audience?: string; now?: () => number } = {},
): ClientAuthentication {
	const signed: string[] = [];
	return {
		method: 'private_key_jwt',
		clientId,
		get secrets() {
			return [key.material, ...signed];
		},
		proof: key.material,
		errors: {
			invalid_client: {
				message: 'IDCS did not accept the client assertion',
				hint: `Check that the certificate of this private key is uploaded to the application (OAuth configuration > Client configuration > Client type Trusted, Certificate), that the Key ID is the alias it was uploaded with (or the Certificate is that one), and that the client ID is the application's. The assertion says sub = iss = the client ID and aud = ${IDCS_AUDIENCE}.`,
			},
		},
		apply(form) {
			const assertion = key.sign(
				assertionClaims({
					issuer: clientId,
					subject: clientId,
					audience: options.audience ?? IDCS_AUDIENCE,
					now: options.now?.(),
				}),
			);
			signed.push(assertion);
			form.set('client_assertion_type', CLIENT_ASSERTION_TYPE);
			form.set('client_assertion', assertion);
		},
	};
}
