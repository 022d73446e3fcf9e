import { randomUUID } from 'crypto';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { FieldServiceToken } from '../../nodes/FieldServiceToken/FieldServiceToken.node';
import { signingKey } from '../../nodes/FieldServiceToken/oauth';
import { grantTokenCache } from '../../nodes/FieldServiceToken/operations/getClientCredentialsToken.operation';
import {
	decodeJwt,
	grantClients,
	registeredKeys,
	tokenRequestsOf,
	type GrantClient,
	type RegisteredKey,
} from '../support/grantClients';
import { callOfsApi, clients, issuer, RESOURCE_SCOPE } from '../support/localIdcs';
import { credentialStore, runNode } from '../support/n8nExecution';
import { selfSignedCertificate } from '../support/selfSignedCertificate';

// Get User Assertion Token in n8n-core's real execution context, against the local IDCS.

const node = new FieldServiceToken();
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
let keys: Record<string, RegisteredKey[]>;

beforeAll(async () => {
	keys = await registeredKeys();
});
beforeEach(() => grantTokenCache.clear());

const clientName = (client: GrantClient) =>
	(Object.keys(grantClients) as Array<keyof typeof grantClients>).find((name) => grantClients[name] === client)!;

function credentialFor(client: GrantClient, extra: IDataObject = {}) {
	const [key] = keys[clientName(client)];
	return credentialStore({
		domainUrl: issuer,
		clientId: client.clientId,
		clientSecret: client.clientSecret ?? '',
		resourceScope: RESOURCE_SCOPE,
		authentication: client.authMethod === 'client_secret_post' ? 'body' : 'header',
		signingPrivateKey: key.privateKey,
		signingKeyId: key.alias,
		...extra,
	});
}

async function run(
	client: GrantClient,
	parameters: INodeParameters = {},
	options: { extra?: IDataObject; items?: IDataObject[]; continueOnFail?: boolean } = {},
) {
	const [items] = await runNode({
		nodeType: node,
		parameters: { operation: 'getUserAssertionToken', userName: '={{ $json.user }}', ...parameters },
		credential: credentialFor(client, options.extra),
		items: (options.items ?? [{ user: 'ofs.dispatcher' }]).map((json) => ({ json })),
		continueOnFail: options.continueOnFail,
	});
	return items.map((item) => item.json);
}

/** Whom a token acts for, as the server knows it. */
async function subjectOf(accessToken: string) {
	const client = grantClients.service;
	const response = await fetch(`${issuer}/oauth2/v1/introspect`, {
		method: 'POST',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
		},
		body: new URLSearchParams({ token: accessToken }).toString(),
	});
	return ((await response.json()) as { sub?: string }).sub;
}

describe('Get User Assertion Token against the local IDCS', () => {
	it.each([
		['basic', grantClients.service, 'client_secret_basic'],
		['body', grantClients.servicePost, 'client_secret_post'],
		['clientAssertion', grantClients.signed, 'client_assertion'],
	] as const)(
		'acts for the user named per item, the client authenticated with %s',
		async (clientAuthentication, client, method) => {
			const before = (await tokenRequestsOf(client.clientId, JWT_BEARER)).length;
			const [output] = await run(client, { clientAuthentication });
			expect(output).toEqual({
				user: 'ofs.dispatcher',
				access_token: expect.any(String),
				token_type: 'Bearer',
				expires_in: expect.any(Number),
				expires_at: expect.any(String),
				authorization: `Bearer ${output.access_token}`,
				scope: RESOURCE_SCOPE,
				from_cache: false,
			});
			expect(await callOfsApi(output.authorization as string)).toBe(200);

			const requests = (await tokenRequestsOf(client.clientId, JWT_BEARER)).slice(before);
			expect(requests).toHaveLength(1);
			const [request] = requests;
			expect(request.grantType).toBe(JWT_BEARER);
			expect(request.clientAuth).toBe(method);
			expect(request.body).toMatchObject({
				grant_type: JWT_BEARER,
				scope: RESOURCE_SCOPE,
				assertion: expect.any(String),
			});
			const { header, payload } = decodeJwt(request.body!.assertion);
			expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: keys[clientName(client)][0].alias });
			expect(payload).toEqual({
				iss: client.clientId,
				sub: 'ofs.dispatcher',
				aud: ['https://identity.oraclecloud.com/', issuer, `${issuer}/`],
				iat: expect.any(Number),
				exp: (payload.iat as number) + 300,
				jti: expect.any(String),
			});
			if (method === 'client_assertion') {
				expect(decodeJwt(request.body!.client_assertion).payload.jti).not.toBe(payload.jti);
			}
		},
	);

	it('gives each user their own token, and reuses a valid one per user across items', async () => {
		const before = (await tokenRequestsOf(grantClients.service.clientId, JWT_BEARER)).length;
		const outputs = await run(
			grantClients.service,
			{},
			{
				items: [
					{ user: 'ofs.dispatcher' },
					{ user: 'ofs.technician' },
					{ user: 'ofs.dispatcher' },
					{ user: ' ofs.technician ' },
				],
			},
		);
		expect(outputs.map((o) => o.from_cache)).toEqual([false, false, true, true]);
		expect(outputs[0].access_token).toBe(outputs[2].access_token);
		expect(outputs[1].access_token).toBe(outputs[3].access_token);
		expect(outputs[0].access_token).not.toBe(outputs[1].access_token);
		expect(await subjectOf(outputs[0].access_token as string)).toBe('ofs.dispatcher');
		expect(await subjectOf(outputs[1].access_token as string)).toBe('ofs.technician');
		expect((await tokenRequestsOf(grantClients.service.clientId, JWT_BEARER)).slice(before)).toHaveLength(2);
	});

	it('makes one call for concurrent executions asking for one user, signing a new assertion for each call', async () => {
		const before = (await tokenRequestsOf(grantClients.service.clientId, JWT_BEARER)).length;
		const outputs = await Promise.all(
			Array.from({ length: 5 }, () => run(grantClients.service, { options: { reuseToken: false } })),
		);
		expect(new Set(outputs.map(([o]) => o.access_token)).size).toBe(1);
		expect((await tokenRequestsOf(grantClients.service.clientId, JWT_BEARER)).slice(before)).toHaveLength(1);

		await run(grantClients.service, { options: { reuseToken: false } });
		const requests = (await tokenRequestsOf(grantClients.service.clientId, JWT_BEARER)).slice(before);
		expect(requests.map((r) => r.status)).toEqual([200, 200]);
		const jtis = requests.map((r) => decodeJwt(r.body!.assertion).payload.jti);
		expect(jtis[0]).not.toBe(jtis[1]);
	});

	it('never hands a cached token to a caller with another signing key', async () => {
		await run(grantClients.service);
		const [item] = await run(
			grantClients.service,
			{},
			{
				extra: { signingPrivateKey: selfSignedCertificate().key },
				continueOnFail: true,
			},
		);
		expect(item).toEqual({
			error: 'IDCS did not accept the user assertion (invalid_grant)',
			details: expect.stringMatching(
				/^Check that the user name is an active user .* IDCS said: "grant request is invalid: the signature does not verify with the registered certificate"$/,
			),
		});
	});

	it('says so when IDCS knows no such user', async () => {
		await expect(run(grantClients.service, {}, { items: [{ user: 'nobody' }] })).rejects.toMatchObject({
			message: 'IDCS did not accept the user assertion (invalid_grant)',
			description: expect.stringContaining(
				'IDCS said: "grant request is invalid: no active user nobody in this domain"',
			),
		});
	});

	it('says to allow the grant in IDCS when the application may not use it', async () => {
		const basic = { ...clients.basic, clientSecret: clients.basic.clientSecret!, grantTypes: [] } as GrantClient;
		const [item] = await runNode({
			nodeType: node,
			parameters: { operation: 'getUserAssertionToken', userName: 'ofs.dispatcher' },
			credential: credentialStore({
				domainUrl: issuer,
				clientId: basic.clientId,
				clientSecret: basic.clientSecret,
				resourceScope: RESOURCE_SCOPE,
				signingPrivateKey: keys.service[0].privateKey,
				signingKeyId: 'any',
			}),
			continueOnFail: true,
		}).then(([items]) => items.map((i) => i.json));
		expect(item).toEqual({
			error: 'The IDCS application is not allowed to use the JWT assertion grant (unauthorized_client)',
			details: expect.stringMatching(/tick JWT assertion under Allowed grant types/),
		});
	});

	it('refuses an empty user name, a missing signing key or a public client, before anything is sent', async () => {
		const before = (await tokenRequestsOf(grantClients.service.clientId, JWT_BEARER)).length;
		const outputs = await run(
			grantClients.service,
			{},
			{ items: [{ user: '' }, { user: '   ' }, { user: 'ofs.dispatcher' }], continueOnFail: true },
		);
		expect(outputs.map((o) => o.error)).toEqual(['The user name is empty', 'The user name is empty', undefined]);
		expect(outputs[0].details).toMatch(/^Map the IDCS user name/);
		await expect(run(grantClients.service, {}, { extra: { signingPrivateKey: '' } })).rejects.toMatchObject({
			message: 'No private key to sign the assertion with',
		});
		await expect(
			run(grantClients.service, { clientAuthentication: 'none' }, { extra: { clientSecret: '' } }),
		).rejects.toMatchObject({
			message: 'The user assertion grant needs a client secret or a client assertion',
		});
		expect((await tokenRequestsOf(grantClients.service.clientId, JWT_BEARER)).slice(before)).toHaveLength(1);
	});
});

describe('the local IDCS checks user assertions as IDCS does', () => {
	const client = grantClients.service;
	const now = () => Math.floor(Date.now() / 1000);
	const claims = (overrides: Record<string, unknown> = {}) => ({
		iss: client.clientId,
		sub: 'ofs.dispatcher',
		aud: 'https://identity.oraclecloud.com/',
		iat: now(),
		exp: now() + 300,
		jti: randomUUID(),
		...overrides,
	});
	async function grantWith(assertion: string) {
		const response = await fetch(`${issuer}/oauth2/v1/token`, {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
			},
			body: new URLSearchParams({ grant_type: JWT_BEARER, assertion, scope: RESOURCE_SCOPE }).toString(),
		});
		return { status: response.status, body: (await response.json()) as Record<string, string> };
	}
	const refused = (detail: string) => ({
		status: 400,
		body: { error: 'invalid_grant', error_description: `grant request is invalid: ${detail}` },
	});
	const sign = (overrides: Record<string, unknown> = {}, key = keys.service[0]) =>
		signingKey({ privateKey: key.privateKey, keyId: key.alias }).sign(claims(overrides));

	it('accepts a fresh assertion once, and refuses it replayed', async () => {
		const assertion = sign();
		expect((await grantWith(assertion)).status).toBe(200);
		expect(await grantWith(assertion)).toEqual(refused('the assertion was already used'));
	});

	it.each([
		['expired', { iat: now() - 400, exp: now() - 100 }, 'the assertion has expired'],
		['long-lived', { exp: now() + 3600 }, 'the assertion may live 600 s at most'],
		[
			'for another audience',
			{ aud: `${issuer}/oauth2/v1/token` },
			`aud must include https://identity.oraclecloud.com/ or ${issuer} or ${issuer}/`,
		],
		['issued by another client', { iss: grantClients.signed.clientId }, 'iss must be the client ID'],
	])('refuses an assertion %s', async (_what, overrides, detail) => {
		expect(await grantWith(sign(overrides))).toEqual(refused(detail));
	});

	it("refuses one signed by another client's key, or naming no certificate", async () => {
		expect(await grantWith(sign({}, { ...keys.signed[0], alias: keys.service[0].alias }))).toEqual(
			refused('the signature does not verify with the registered certificate'),
		);
		expect(await grantWith(sign({}, keys.signed[0]))).toEqual(
			refused(`no certificate with alias ${keys.signed[0].alias} is registered for this client`),
		);
		const unsigned = signingKey({ privateKey: keys.service[0].privateKey, keyId: 'x' }).sign(claims());
		const [, payload, signature] = unsigned.split('.');
		const noName = `${Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url')}.${payload}.${signature}`;
		expect(await grantWith(noName)).toEqual(
			refused('the JWT header names no certificate: give kid (the certificate alias) or x5t'),
		);
	});
});
