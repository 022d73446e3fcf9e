import type { IDataObject, IHttpRequestOptions, INodeParameters } from 'n8n-workflow';

import { OracleFieldServiceApi } from '../../credentials/OracleFieldServiceApi.credentials';
import { FieldServiceToken } from '../../nodes/FieldServiceToken/FieldServiceToken.node';
import { grantTokenCache } from '../../nodes/FieldServiceToken/operations/getClientCredentialsToken.operation';
import { decodeJwt } from '../support/grantClients';
import { callOfsApi, issuer } from '../support/localIdcs';
import { credentialStore, runNode } from '../support/n8nExecution';
import { selfSignedCertificate } from '../support/selfSignedCertificate';

// Get Field Service Token with the Oracle Field Service API credential, in n8n-core's real execution
// context, against the local Field Service token service.

const node = new FieldServiceToken();
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

interface FieldService {
	instance: string;
	clientId: string;
	clientSecret: string;
	applicationId: string;
	users: string[];
	privateKey: string;
	requests: Array<{ grantType: string; body: Record<string, string>; authorization?: string; status: number }>;
}

async function fieldService(): Promise<FieldService> {
	return (await (await fetch(`${issuer}/__admin/field-service`)).json()) as FieldService;
}

let fs: FieldService;
beforeAll(async () => {
	fs = await fieldService();
});
beforeEach(() => grantTokenCache.clear());

function credentialFor(extra: IDataObject = {}) {
	return credentialStore(
		{
			instanceUrl: `${issuer}/`,
			instance: fs.instance,
			clientId: fs.clientId,
			clientSecret: fs.clientSecret,
			applicationId: fs.applicationId,
			signingPrivateKey: fs.privateKey,
			...extra,
		},
		{ id: 'fs-cred-1', name: 'Field Service account' },
	);
}

async function run(parameters: INodeParameters = {}, extra: IDataObject = {}, items: IDataObject[] = [{}]) {
	const [output] = await runNode({
		nodeType: node,
		parameters: { operation: 'getFieldServiceToken', ...parameters },
		credential: credentialFor(extra),
		credentialType: 'oracleFieldServiceApi',
		items: items.map((json) => ({ json })),
		continueOnFail: true,
	});
	return output.map((item) => item.json);
}

const newRequests = async (before: number) => (await fieldService()).requests.slice(before);

describe('Get Field Service Token against the local Field Service', () => {
	it('gets a token with the client ID and secret, Basic <client id>@<instance>, and the OFS API takes it', async () => {
		const before = (await fieldService()).requests.length;
		const [output] = await run();
		expect(output).toEqual({
			access_token: expect.any(String),
			token_type: 'Bearer',
			expires_in: expect.any(Number),
			expires_at: expect.any(String),
			authorization: `Bearer ${output.access_token}`,
			from_cache: false,
		});
		expect(await callOfsApi(output.authorization as string)).toBe(200);
		const [request] = await newRequests(before);
		expect(request).toMatchObject({
			grantType: 'client_credentials',
			body: { grant_type: 'client_credentials' },
			authorization: `Basic ${Buffer.from(`${fs.clientId}@${fs.instance}:${fs.clientSecret}`).toString('base64')}`,
			status: 200,
		});
		expect(Object.keys(request.body)).toEqual(['grant_type']);
	});

	it('gets a token with a JWT assertion as the application: aud = sub = ofsc:<instance>:<application id>', async () => {
		const before = (await fieldService()).requests.length;
		const [output] = await run({ fieldServiceGrant: 'jwtAssertion' });
		expect(output.from_cache).toBe(false);
		expect(await callOfsApi(output.authorization as string)).toBe(200);
		const [request] = await newRequests(before);
		expect(Object.keys(request.body)).toEqual(['grant_type', 'assertion']);
		expect(request.authorization).toBeUndefined();
		const { header, payload } = decodeJwt(request.body.assertion);
		const audience = `ofsc:${fs.instance}:${fs.applicationId}`;
		expect(header).toEqual({ alg: 'RS256', typ: 'JWT' });
		expect(payload).toEqual({
			iss: fs.applicationId,
			sub: audience,
			aud: audience,
			iat: expect.any(Number),
			exp: (payload.iat as number) + 300,
			jti: expect.any(String),
		});
	});

	it('acts as the OFS user whose login is mapped per item, one token per user', async () => {
		const before = (await fieldService()).requests.length;
		const outputs = await run(
			{ fieldServiceGrant: 'jwtAssertion', actAs: 'user', userLogin: '={{ $json.login }}' },
			{},
			[{ login: 'tech.0042' }, { login: 'ofs.dispatcher' }, { login: 'tech.0042' }],
		);
		expect(outputs.map((o) => o.from_cache)).toEqual([false, false, true]);
		expect(outputs[0].access_token).toBe(outputs[2].access_token);
		const requests = await newRequests(before);
		expect(requests.map((r) => [r.grantType, decodeJwt(r.body.assertion).payload.sub])).toEqual([
			[JWT_BEARER, 'tech.0042'],
			[JWT_BEARER, 'ofs.dispatcher'],
		]);
	});

	it('reuses a token across executions, and makes one call for concurrent ones', async () => {
		const before = (await fieldService()).requests.length;
		const outputs = await Promise.all(Array.from({ length: 5 }, () => run()));
		const again = await run();
		expect(new Set([...outputs, again].map(([o]) => o.access_token)).size).toBe(1);
		expect(again[0].from_cache).toBe(true);
		expect(await newRequests(before)).toHaveLength(1);
	});

	it('says what to change in Field Service when it refuses the secret or the key, without either in the error', async () => {
		const wrongSecret = 'not-the-secret-0000';
		const [refused] = await run({}, { clientSecret: wrongSecret });
		expect(refused).toEqual({
			error: 'Field Service did not accept the client ID and secret (invalid_client)',
			details: expect.stringMatching(/^In Field Service, Configuration > Applications > your application/),
		});
		expect(JSON.stringify(refused)).not.toContain(wrongSecret);

		const otherKey = selfSignedCertificate().key;
		const [wrongKey] = await run({ fieldServiceGrant: 'jwtAssertion' }, { signingPrivateKey: otherKey });
		expect(wrongKey).toEqual({
			error: 'Field Service did not accept the assertion (invalid_grant)',
			details: expect.stringMatching(
				/ Field Service said: "the signature does not verify with the application's public key"$/,
			),
		});
		expect(JSON.stringify(wrongKey)).not.toContain(otherKey.split('\n')[1]);

		const [unknownUser] = await run({ fieldServiceGrant: 'jwtAssertion', actAs: 'user', userLogin: 'nobody' });
		expect(unknownUser.error).toBe('Field Service did not accept the assertion (invalid_grant)');
	});

	it('refuses, before anything is sent, plain http to another host, an empty login, a missing application ID or key', async () => {
		const before = (await fieldService()).requests.length;
		expect(await run({}, { instanceUrl: 'http://fs.example.com' })).toEqual([
			{
				error: 'Refusing to send credentials to the Field Service instance over plain http://fs.example.com',
				details: expect.stringMatching(/^Set the Instance URL in the Oracle Field Service API credential/),
			},
		]);
		expect((await run({}, { instanceUrl: 'https://user:pass@fs.example.com' }))[0].error).toBe(
			'The Field Service instance URL must not contain a user name or password (an @ before the host)',
		);
		expect((await run({ fieldServiceGrant: 'jwtAssertion', actAs: 'user', userLogin: ' ' }))[0].error).toBe(
			'The user login is empty',
		);
		expect((await run({ fieldServiceGrant: 'jwtAssertion' }, { applicationId: '' }))[0].error).toBe(
			'The Field Service application ID is empty',
		);
		expect((await run({ fieldServiceGrant: 'jwtAssertion' }, { signingPrivateKey: '' }))[0].error).toBe(
			'No private key to sign the assertion with',
		);
		expect((await run({}, { clientSecret: '' }))[0].error).toBe('The Field Service client ID or secret is empty');
		expect(await newRequests(before)).toHaveLength(0);
	});
});

describe('Dynamic Scope (ofsc_dynamic_scope)', () => {
	it('limits the token to the request URLs given: the OFS API takes it there and nowhere else', async () => {
		const before = (await fieldService()).requests.length;
		const resources = `${issuer}/rest/ofscCore/v1/resources`;
		const [limitedToResources] = await run({ options: { dynamicScope: resources } });
		const [limitedToActivities] = await run({
			fieldServiceGrant: 'jwtAssertion',
			options: { dynamicScope: `${issuer}/rest/ofscCore/v1/activities/4225375 ${issuer}/rest/ofscCore/v1/users` },
		});
		expect(await callOfsApi(limitedToResources.authorization as string)).toBe(200);
		expect(await callOfsApi(limitedToActivities.authorization as string)).toBe(401);
		const requests = await newRequests(before);
		expect(requests.map((r) => r.body.ofsc_dynamic_scope)).toEqual([
			resources,
			`${issuer}/rest/ofscCore/v1/activities/4225375 ${issuer}/rest/ofscCore/v1/users`,
		]);
		// A token limited to other requests is another token: never handed to a caller asking for the whole API,
		// whichever grant got it.
		const [whole] = await run();
		expect(whole.from_cache).toBe(false);
		expect(await callOfsApi(whole.authorization as string)).toBe(200);
		const [wholeByAssertion] = await run({ fieldServiceGrant: 'jwtAssertion' });
		expect(wholeByAssertion.from_cache).toBe(false);
		expect(wholeByAssertion.access_token).not.toBe(limitedToActivities.access_token);
		expect(await callOfsApi(wholeByAssertion.authorization as string)).toBe(200);
		// And the same Dynamic Scope again is the same token.
		const [sameLimit] = await run({
			fieldServiceGrant: 'jwtAssertion',
			options: { dynamicScope: `${issuer}/rest/ofscCore/v1/activities/4225375 ${issuer}/rest/ofscCore/v1/users` },
		});
		expect(sameLimit).toMatchObject({ from_cache: true, access_token: limitedToActivities.access_token });
	});

	it("says what to fix when Field Service refuses it, in Field Service's words", async () => {
		const [refused] = await run({ options: { dynamicScope: 'activities' } });
		expect(refused).toEqual({
			error: 'Field Service did not accept the requested scope (invalid_scope)',
			details:
				'Check the Dynamic Scope option: one or more Field Service REST request URLs of this instance, separated by spaces. Field Service said: "ofsc_dynamic_scope: activities is not a REST request URL of this instance"',
		});
	});
});

describe('the Oracle Field Service API credential', () => {
	it('authenticates an HTTP request directly with Basic <client id>@<instance>:<secret>, which the OFS API takes', async () => {
		const type = new OracleFieldServiceApi();
		const auth = type.authenticate.properties.auth!;
		// The two expressions evaluated over the credential's data (n8n resolves them the same way).
		const credentials = { clientId: fs.clientId, instance: fs.instance, clientSecret: fs.clientSecret };
		const resolve = (expression: string) =>
			// eslint-disable-next-line @typescript-eslint/no-implied-eval
			new Function('$credentials', `return (${expression.replace(/^=\{\{(.*)\}\}$/s, '$1')});`)(credentials) as string;
		const options: IHttpRequestOptions = {
			url: '/',
			auth: { username: resolve(auth.username), password: resolve(auth.password) },
		};
		expect(options.auth).toEqual({ username: `${fs.clientId}@${fs.instance}`, password: fs.clientSecret });
		const basic = `Basic ${Buffer.from(`${options.auth!.username}:${options.auth!.password}`).toString('base64')}`;
		expect(await callOfsApi(basic)).toBe(200);
		expect(await callOfsApi(`Basic ${Buffer.from(`${fs.clientId}@${fs.instance}:wrong`).toString('base64')}`)).toBe(
			401,
		);
	});
});
