import { randomUUID } from 'crypto';

import { signingKey, type SigningKey } from '../../nodes/FieldServiceToken/oauth';
import { grantClients, registeredKeys, type RegisteredKey } from '../support/grantClients';
import { issuer, RESOURCE_SCOPE } from '../support/localIdcs';
import { selfSignedCertificate } from '../support/selfSignedCertificate';

// The local IDCS checks a client assertion as IDCS does; each refusal here is one the node must never
// cause, and proves the checks the node's assertions pass are real.

const client = grantClients.signedCheck;
const AUDIENCE = 'https://identity.oraclecloud.com/';
let registered: RegisteredKey;
let byAlias: SigningKey;

beforeAll(async () => {
	[registered] = (await registeredKeys()).signedCheck;
	byAlias = signingKey({ privateKey: registered.privateKey, keyId: registered.alias });
});

const now = () => Math.floor(Date.now() / 1000);
const claims = (overrides: Record<string, unknown> = {}) => ({
	iss: client.clientId,
	sub: client.clientId,
	aud: AUDIENCE,
	iat: now(),
	exp: now() + 300,
	jti: randomUUID(),
	...overrides,
});

async function clientCredentialsWith(assertion: string) {
	const response = await fetch(`${issuer}/oauth2/v1/token`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			grant_type: 'client_credentials',
			scope: RESOURCE_SCOPE,
			client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
			client_assertion: assertion,
		}).toString(),
	});
	return { status: response.status, body: (await response.json()) as Record<string, string> };
}

const refused = (detail: string) => ({
	status: 401,
	body: { error: 'invalid_client', error_description: `client authentication failed: ${detail}` },
});

describe('the local IDCS checks client assertions as IDCS does', () => {
	it('accepts one signed by the registered key, named by kid or by x5t', async () => {
		expect((await clientCredentialsWith(byAlias.sign(claims()))).status).toBe(200);
		const byThumbprint = signingKey({ privateKey: registered.privateKey, certificate: registered.certificate });
		expect(byThumbprint.header.x5t).toBe(registered.x5t);
		expect((await clientCredentialsWith(byThumbprint.sign(claims()))).status).toBe(200);
	});

	it('refuses an assertion presented a second time', async () => {
		const assertion = byAlias.sign(claims());
		expect((await clientCredentialsWith(assertion)).status).toBe(200);
		expect(await clientCredentialsWith(assertion)).toEqual(refused('client assertion tokens must only be used once'));
	});

	it('refuses an expired assertion', async () => {
		expect(await clientCredentialsWith(byAlias.sign(claims({ iat: now() - 400, exp: now() - 100 })))).toEqual(
			refused('jwt expired'),
		);
	});

	it('refuses an assertion that lives longer than a few minutes', async () => {
		expect(await clientCredentialsWith(byAlias.sign(claims({ exp: now() + 3600 })))).toEqual(
			refused('the assertion may live 600 s at most'),
		);
	});

	it.each([
		['the token endpoint', () => `${issuer}/oauth2/v1/token`],
		['another identity domain', () => 'https://idcs-other.identity.oraclecloud.com'],
	])('refuses an audience other than IDCS in either reading: %s', async (_what, audience) => {
		expect(await clientCredentialsWith(byAlias.sign(claims({ aud: audience() })))).toEqual(
			refused('audience (aud) must equal the endpoint url, issuer identifier or token endpoint url'),
		);
	});

	it('refuses an assertion whose sub is not the client ID', async () => {
		// oidc-provider finds the client by sub, and then requires iss to be the same.
		expect(await clientCredentialsWith(byAlias.sign(claims({ sub: 'someone' })))).toEqual(refused('client not found'));
		expect(await clientCredentialsWith(byAlias.sign(claims({ iss: 'someone' })))).toEqual(
			refused('iss (JWT issuer) must be the client_id'),
		);
	});

	it('refuses a key it does not know, by alias or by thumbprint', async () => {
		const other = selfSignedCertificate();
		const wrongKeyRightAlias = signingKey({ privateKey: other.key, keyId: registered.alias });
		expect(await clientCredentialsWith(wrongKeyRightAlias.sign(claims()))).toEqual(
			refused('signature verification failed'),
		);
		const unknownAlias = signingKey({ privateKey: registered.privateKey, keyId: 'not-uploaded' });
		expect((await clientCredentialsWith(unknownAlias.sign(claims()))).status).toBe(401);
		const unknownThumbprint = signingKey({ privateKey: other.key, certificate: other.cert });
		expect((await clientCredentialsWith(unknownThumbprint.sign(claims()))).status).toBe(401);
	});
});
