import type { ClientAuthentication } from './clientAuthentication';
import { IDCS_AUDIENCE, assertionClaims, idcsAssertionAudience, type SigningKey } from './jwtAssertion';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * private_key_jwt (RFC 7523 2.2): instead of a secret, a JWT signed with the application's key,
 * `sub` = `iss` = client ID, `aud` = IDCS in both of Oracle's readings (see idcsAssertionAudience)
 * unless `audience` names the tenant's own. Signed anew for every request, so none outlives its few
 * minutes or is presented twice.
 */
export function clientAssertion(
	clientId: string,
	key: SigningKey,
	options: { audience?: readonly string[]; now?: () => number } = {},
): ClientAuthentication {
	const signed: string[] = [];
	const audienceSent = options.audience?.some((value) => value.trim())
		? options.audience.join(', ')
		: `${IDCS_AUDIENCE} and the identity domain URL`;
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
				hint: `Check that the certificate of this private key is uploaded to the application (OAuth configuration > Client configuration > Client type Trusted, Certificate), that the Key ID is the alias it was uploaded with (or the Certificate is that one), and that the client ID is the application's. The assertion says sub = iss = the client ID and aud = ${audienceSent}; if the tenant expects another audience, set Assertion Audience in the credential.`,
			},
		},
		apply(form, _headers, tokenEndpoint) {
			const assertion = key.sign(
				assertionClaims({
					issuer: clientId,
					subject: clientId,
					audience: idcsAssertionAudience(tokenEndpoint, options.audience),
					now: options.now?.(),
				}),
			);
			signed.push(assertion);
			form.set('client_assertion_type', CLIENT_ASSERTION_TYPE);
			form.set('client_assertion', assertion);
		},
	};
}
