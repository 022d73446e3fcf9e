import type { INodeParameters } from 'n8n-workflow';

import { FieldServiceToken } from '../../nodes/FieldServiceToken/FieldServiceToken.node';
import { grantTokenCache } from '../../nodes/FieldServiceToken/operations/getClientCredentialsToken.operation';
import { decodeJwt, type GrantClient, type RegisteredKey } from '../support/grantClients';
import type { LoggedRequest } from '../support/localIdcs';
import { RESOURCE_SCOPE } from '../support/localIdcs';
import { credentialStore, runNode } from '../support/n8nExecution';
import { startLocalIdcsProcess } from '../support/ownLocalIdcs';

// Oracle documents the audience of client and user assertions two ways (older IDCS pages:
// https://identity.oraclecloud.com/; the OCI IAM identity-domain page: the domain URL). A local IDCS
// for each reading, and one accepting either: the node's default audience must pass all three, and
// an Assertion Audience set in the credential is sent as given, so a wrong one is refused.

const CLASSIC = 'https://identity.oraclecloud.com/';
const READINGS = ['classic', 'domain', 'either'] as const;
type Reading = (typeof READINGS)[number];

interface Domain {
	issuer: string;
	clients: Record<string, GrantClient>;
	keys: Record<string, RegisteredKey[]>;
	stop: () => Promise<void>;
}
const domains = {} as Record<Reading, Domain>;

beforeAll(async () => {
	await Promise.all(
		READINGS.map(async (reading) => {
			const idcs = await startLocalIdcsProcess(['--assertion-audience', reading]);
			const keys = (await (await fetch(`${idcs.issuer}/__admin/signing-keys`)).json()) as Domain['keys'];
			domains[reading] = { ...idcs, keys };
		}),
	);
});
afterAll(async () => {
	await Promise.all(Object.values(domains).map((domain) => domain.stop()));
});
beforeEach(() => grantTokenCache.clear());

const node = new FieldServiceToken();

async function lastTokenRequest(domain: Domain): Promise<LoggedRequest> {
	const logged = (await (await fetch(`${domain.issuer}/__admin/requests?endpoint=token`)).json()) as LoggedRequest[];
	return logged[logged.length - 1];
}

/** Client Assertion as the `signed` application, or a user assertion as `service` (secret + signed JWT). */
async function run(reading: Reading, grant: 'client' | 'user', assertionAudience = '') {
	const domain = domains[reading];
	const client = grant === 'client' ? domain.clients.signed : domain.clients.service;
	const [key] = grant === 'client' ? domain.keys.signed : domain.keys.service;
	const parameters: INodeParameters =
		grant === 'client'
			? { operation: 'getClientCredentialsToken', clientAuthentication: 'clientAssertion' }
			: { operation: 'getUserAssertionToken', userName: 'ofs.dispatcher', clientAuthentication: 'basic' };
	const [[item]] = await runNode({
		nodeType: node,
		parameters,
		credential: credentialStore({
			domainUrl: domain.issuer,
			clientId: client.clientId,
			clientSecret: grant === 'client' ? '' : client.clientSecret,
			resourceScope: RESOURCE_SCOPE,
			signingPrivateKey: key.privateKey,
			signingKeyId: key.alias,
			assertionAudience,
		}),
		continueOnFail: true,
	});
	const request = await lastTokenRequest(domain);
	const jwt = grant === 'client' ? request.body!.client_assertion : request.body!.assertion;
	return { json: item.json, status: request.status, aud: decodeJwt(jwt).payload.aud };
}

describe.each(['client', 'user'] as const)('the %s assertion audience', (grant) => {
	it.each(READINGS)('by default satisfies a tenant that reads it as %s', async (reading) => {
		const { issuer } = domains[reading];
		const { json, status, aud } = await run(reading, grant);
		expect(status).toBe(200);
		expect(aud).toEqual([CLASSIC, issuer, `${issuer}/`]);
		expect(json).toMatchObject({ token_type: 'Bearer', from_cache: false });
		expect(json.access_token).toEqual(expect.any(String));
	});

	it('is sent as set in the credential, and one the tenant does not read is refused with a hint naming it', async () => {
		const { json, status, aud } = await run('domain', grant, CLASSIC);
		expect(aud).toBe(CLASSIC);
		expect(status).toBe(grant === 'client' ? 401 : 400);
		expect(json.error).toBe(
			grant === 'client'
				? 'IDCS did not accept the client assertion (invalid_client)'
				: 'IDCS did not accept the user assertion (invalid_grant)',
		);
		expect(json.details).toContain(grant === 'client' ? `aud = ${CLASSIC}` : 'Assertion Audience');
	});

	it('as set in the credential, several values, is what a domain-reading tenant accepts', async () => {
		const { issuer } = domains.domain;
		const { json, status, aud } = await run('domain', grant, `${issuer}/ ${CLASSIC}`);
		expect(aud).toEqual([`${issuer}/`, CLASSIC]);
		expect(status).toBe(200);
		expect(json.access_token).toEqual(expect.any(String));
	});

	it('the classic-reading tenant refuses the domain URL alone', async () => {
		const { issuer } = domains.classic;
		const { json, status, aud } = await run('classic', grant, issuer);
		expect(aud).toBe(issuer);
		expect(status).toBe(grant === 'client' ? 401 : 400);
		expect(json.access_token).toBeUndefined();
	});
});
