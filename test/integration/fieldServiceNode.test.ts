import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { FieldService } from '../../nodes/FieldService/FieldService.node';
import { grantTokenCache } from '../../nodes/FieldServiceToken/operations/getClientCredentialsToken.operation';
import { credentialStore, runNode, type CredentialStore } from '../support/n8nExecution';
import { startLocalIdcsProcess } from '../support/ownLocalIdcs';

// The Field Service node in n8n-core's real execution context, against a local IDCS of its own (its OFS
// stand-in's throttling and revocation are set per test, so no other test file shares it): paging by
// Field Service's rules, a new token after a 401, backoff after a 429, errors in Field Service's words,
// and no token or secret in any output or error. Each way to a token is the package's own code.

const RESOURCE_SCOPE = 'urn:opc:resource:consumer::all';
const ACTIVITIES = '/rest/ofscCore/v1/activities';
const FIELD_SERVICE_APP = {
	instance: 'localfs',
	clientId: 'ofs-n8n-integration-client',
	clientSecret: 'local-ofs-secret-0007',
	applicationId: 'n8n_integration',
};

let idcs: Awaited<ReturnType<typeof startLocalIdcsProcess>>;

interface ApiLogEntry {
	method: string;
	path: string;
	query: Record<string, string>;
	status: number;
	token?: number | 'basic';
}

async function admin<T>(route: string, body?: unknown): Promise<T> {
	const response = await fetch(`${idcs.issuer}/__admin/${route}`, {
		method: body === undefined ? 'GET' : 'POST',
		headers: body === undefined ? undefined : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	if (!response.ok) throw new Error(`admin ${route}: HTTP ${response.status} ${await response.text()}`);
	return (await response.json()) as T;
}
const apiLog = () => admin<ApiLogEntry[]>('ofs/requests');
const fieldServiceLog = async () => (await admin<{ requests: Array<{ status: number }> }>('field-service')).requests;

// The IDCS and OFS logs are cleared for each test; Field Service's token service keeps its log, so calls
// to it count from what it held when the test began.
let fieldServiceBefore = 0;
async function clearLogs() {
	await admin('requests/clear', {});
	fieldServiceBefore = (await fieldServiceLog()).length;
}
const fieldServiceCalls = async () => (await fieldServiceLog()).length - fieldServiceBefore;
const idcsTokenCalls = async () => (await admin<unknown[]>('requests?endpoint=token')).length;
const tokenCalls = async () => (await idcsTokenCalls()) + (await fieldServiceCalls());

beforeAll(async () => {
	idcs = await startLocalIdcsProcess([]);
});
afterAll(async () => {
	await idcs?.stop();
});
beforeEach(async () => {
	grantTokenCache.clear();
	await clearLogs();
	await admin('config', { ofsTooManyRequests: 0, ofsUnauthorized: 0, ofsUnavailable: 0, ofsRetryAfter: 1 });
});

const node = new FieldService();

/** The IDCS credential of the `service` application (client credentials). */
const serviceCredential = () =>
	credentialStore({
		domainUrl: idcs.issuer,
		clientId: idcs.clients.service.clientId,
		clientSecret: idcs.clients.service.clientSecret ?? '',
		resourceScope: RESOURCE_SCOPE,
		authentication: 'header',
	});

const fieldServiceCredential = () =>
	credentialStore({ instanceUrl: idcs.issuer, ...FIELD_SERVICE_APP }, { id: 'ofs-1', name: 'OFS app' });

/** The Oracle IDCS Client Credentials credential of the `servicePost` application (secret in the body). */
const clientCredentialsCredential = (resourceScope = RESOURCE_SCOPE) =>
	credentialStore(
		{
			domainUrl: idcs.issuer,
			clientId: idcs.clients.servicePost.clientId,
			clientSecret: idcs.clients.servicePost.clientSecret ?? '',
			resourceScope,
			authentication: 'body',
		},
		{ id: 'cc-1', name: 'IDCS client credentials' },
	);

const CREDENTIAL_TYPES: Record<string, string> = {
	fieldServiceToken: 'oracleFieldServiceApi',
	fieldServiceBasic: 'oracleFieldServiceApi',
	idcsClientCredentialsApi: 'idcsClientCredentialsOAuth2Api',
};

async function run(parameters: INodeParameters, credential: CredentialStore = serviceCredential(), extra = {}) {
	const [items] = await runNode({
		nodeType: node,
		parameters: {
			authentication: 'idcsClientCredentials',
			instanceUrl: idcs.issuer,
			...parameters,
		},
		credential,
		credentialType: CREDENTIAL_TYPES[String(parameters.authentication)] ?? 'idcsOAuth2Api',
		...extra,
	});
	return items.map((item) => item.json);
}

const listActivities = (extra: INodeParameters = {}) => ({
	resource: 'activity',
	operation: 'getMany',
	resources: 'FS-TECH-0042',
	dateFrom: '2026-12-01',
	dateTo: '2026-12-31',
	...extra,
});

/** Everything a test's outputs and errors say, to search for secrets. */
const text = (value: unknown) => JSON.stringify(value);

describe('paging by Field Service rules', () => {
	it('Return All: every activity of 31 days, pages of 100 one after the other, one token', async () => {
		const items = await run(listActivities({ returnAll: true }));
		// 3,000 activities over 60 days, one a day in turn: 31 days hold 50 or 51 of each 60.
		expect(items).toHaveLength(1550);
		expect(new Set(items.map((a) => a.activityId)).size).toBe(1550);
		expect(items.every((a) => String(a.date) >= '2026-12-01' && String(a.date) <= '2026-12-31')).toBe(true);
		const log = await apiLog();
		expect(log).toHaveLength(16);
		expect(log.map((e) => [e.query.offset, e.query.limit])).toEqual(
			Array.from({ length: 16 }, (_, i) => [String(i * 100), '100']),
		);
		expect(new Set(log.map((e) => e.token))).toEqual(new Set([1]));
		expect(await tokenCalls()).toBe(1);
		const stats = await admin<{ api: { mostActivitiesInFlight: number } }>('stats');
		expect(stats.api.mostActivitiesInFlight).toBe(1);
	});

	it('Limit: asks for no more than it still wants', async () => {
		const items = await run(listActivities({ returnAll: false, limit: 250 }));
		expect(items).toHaveLength(250);
		expect((await apiLog()).map((e) => [e.query.offset, e.query.limit])).toEqual([
			['0', '100'],
			['100', '100'],
			['200', '50'],
		]);
	});

	it('a page cut short by the size cap (hasMore) continues after the rows that came', async () => {
		// About 3 activities fit in 600 bytes: pages of 3 instead of 100.
		await admin('config', { ofs: { maxActivitiesBytes: 600 } });
		try {
			const items = await run(listActivities({ returnAll: false, limit: 10 }));
			// The first ten of December, in order, none twice and none left out.
			expect(items.map((a) => a.activityId)).toEqual(Array.from({ length: 10 }, (_, i) => 4_100_000 + i));
			const log = await apiLog();
			expect(log.slice(0, 4).map((e) => e.query.offset)).toEqual(['0', '3', '6', '9']);
		} finally {
			await admin('config', { ofs: { maxActivitiesBytes: 20 * 1024 * 1024 } });
		}
	});

	it('more than 31 days: a clear error before any request', async () => {
		await expect(run(listActivities({ dateTo: '2027-01-01' }))).rejects.toThrow(
			'2026-12-01 to 2027-01-01 is 32 days; Field Service lists at most 31 per request',
		);
		expect(await apiLog()).toEqual([]);
	});

	it('users: Get Many pages, Get finds one by login', async () => {
		expect(await run({ resource: 'user', operation: 'getMany', returnAll: true })).toHaveLength(250);
		expect((await apiLog()).length).toBe(3);
		expect(await run({ resource: 'user', operation: 'get', login: 'user.0007' })).toEqual([
			expect.objectContaining({ login: 'user.0007', name: 'User 7' }),
		]);
	});
});

describe('tokens: reused, renewed once after a 401, never shown', () => {
	it('a revoked token: one new token, the request again, and the answer', async () => {
		await run({ resource: 'resource', operation: 'getMany', returnAll: true });
		await admin('ofs/revoke-tokens', {});
		const items = await run({ resource: 'resource', operation: 'get', resourceId: 'FS-TECH-0042' });
		expect(items).toEqual([expect.objectContaining({ resourceId: 'FS-TECH-0042' })]);
		expect((await apiLog()).map((e) => [e.status, e.token ?? null])).toEqual([
			[200, 1],
			[401, null],
			[200, 2],
		]);
		expect(await tokenCalls()).toBe(2);
	});

	it('a second 401 is an error that says the new token was refused too', async () => {
		await admin('config', { ofsUnauthorized: 2 });
		const failure = run({ resource: 'resource', operation: 'getMany' });
		await expect(failure).rejects.toThrow(
			'Field Service answered HTTP 401 to GET /rest/ofscCore/v1/resources: Unauthorized: The access token is not accepted (stand-in). (after a new token: Field Service refused the new token too)',
		);
		expect((await apiLog()).map((e) => e.status)).toEqual([401, 401]);
		expect(await tokenCalls()).toBe(2);
	});

	it('429 with Retry-After: waits and asks again; too many: an error with the attempts', async () => {
		await admin('config', { ofsTooManyRequests: 2, ofsRetryAfter: 1 });
		const started = Date.now();
		expect(await run({ resource: 'resource', operation: 'getMany' })).toHaveLength(2);
		// Two waits of at least Retry-After (1 s), each stretched by up to half.
		expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
		expect((await apiLog()).map((e) => e.status)).toEqual([429, 429, 200]);

		await clearLogs();
		await admin('config', { ofsTooManyRequests: 3, ofsRetryAfter: 0 });
		await expect(run({ resource: 'resource', operation: 'getMany' })).rejects.toThrow(
			'Field Service answered HTTP 429 to GET /rest/ofscCore/v1/resources: Too Many Requests: Too many requests (stand-in throttling). (after 3 attempts)',
		);
	});

	it('no output, error or error item holds the token, the secret or the Basic value', async () => {
		const credential = fieldServiceCredential();
		const basic = Buffer.from(`${FIELD_SERVICE_APP.clientId}@localfs:${FIELD_SERVICE_APP.clientSecret}`).toString(
			'base64',
		);
		const ok = await run(
			{ authentication: 'fieldServiceBasic', resource: 'resource', operation: 'getMany' },
			credential,
		);
		const missing = await run(
			{ authentication: 'fieldServiceToken', resource: 'activity', operation: 'get', activityId: '999' },
			fieldServiceCredential(),
			{ continueOnFail: true },
		);
		expect(missing).toEqual([
			{
				error:
					'Field Service answered HTTP 404 to GET /rest/ofscCore/v1/activities/999: Not Found: Activity 999 not found',
				details: 'Check the path and the id in it: Field Service has no such resource.',
			},
		]);
		expect(await fieldServiceCalls()).toBe(1);
		const everything = text([ok, missing]);
		for (const secret of [FIELD_SERVICE_APP.clientSecret, basic]) expect(everything).not.toContain(secret);
		expect(everything).not.toMatch(/Bearer|access_token|authorization/i);
	});
});

describe('each way to a token', () => {
	async function connectedCredential() {
		const basic = idcs.clients.basic;
		const { refresh_token: minted } = await admin<{ refresh_token: string }>('refresh-tokens', { client: 'basic' });
		const response = await fetch(`${idcs.issuer}/oauth2/v1/token`, {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				authorization: `Basic ${Buffer.from(`${basic.clientId}:${basic.clientSecret}`).toString('base64')}`,
			},
			body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: minted }),
		});
		const token = (await response.json()) as IDataObject;
		return credentialStore({
			domainUrl: idcs.issuer,
			clientId: basic.clientId,
			clientSecret: basic.clientSecret ?? '',
			resourceScope: RESOURCE_SCOPE,
			authentication: 'header',
			oauthTokenData: { ...token, n8n_expires_at: String(Date.now() + Number(token.expires_in) * 1000) },
		});
	}

	it.each([
		['idcsConnected', 'the stored access token of the connected credential; no token call'],
		['idcsClientCredentials', 'a client credentials token from IDCS, with the Oracle IDCS OAuth2 API credential'],
		[
			'idcsClientCredentialsApi',
			'a client credentials token from IDCS, with the Oracle IDCS Client Credentials credential',
		],
		['fieldServiceToken', "a token from Field Service's token service"],
		['fieldServiceBasic', 'Basic <client id>@<instance>, no token at all'],
	])('%s: %s', async (authentication) => {
		const credential =
			authentication === 'idcsConnected'
				? await connectedCredential()
				: authentication.startsWith('fieldService')
					? fieldServiceCredential()
					: authentication === 'idcsClientCredentialsApi'
						? clientCredentialsCredential()
						: serviceCredential();
		await clearLogs();
		const items = await run(
			{ authentication, resource: 'resource', operation: 'getMany', returnAll: true },
			credential,
		);
		expect(items.map((r) => r.resourceId)).toEqual(['FS-DISPATCH-01', 'FS-TECH-0042']);
		const [entry] = await apiLog();
		expect(entry.token).toBe(authentication === 'fieldServiceBasic' ? 'basic' : 1);
		expect({ idcsCalls: await idcsTokenCalls(), fieldServiceCalls: await fieldServiceCalls() }).toEqual({
			idcsCalls: authentication.startsWith('idcsClientCredentials') ? 1 : 0,
			fieldServiceCalls: authentication === 'fieldServiceToken' ? 1 : 0,
		});
	});

	it('reads the credential once per execution, however many items', async () => {
		const credential = serviceCredential();
		const items = await run({ resource: 'resource', operation: 'get', resourceId: '={{ $json.id }}' }, credential, {
			items: ['FS-TECH-0042', 'FS-DISPATCH-01', 'FS-TECH-0042'].map((id) => ({ json: { id } })),
		});
		expect(items.map((r) => r.resourceId)).toEqual(['FS-TECH-0042', 'FS-DISPATCH-01', 'FS-TECH-0042']);
		expect(credential.reads).toBe(1);
		expect(await tokenCalls()).toBe(1);
	});

	it('idcsConnected after a 401: n8n refreshes the credential once and stores the rotated refresh token', async () => {
		const credential = await connectedCredential();
		const before = (credential.data.oauthTokenData as IDataObject).refresh_token;
		await clearLogs();
		await admin('config', { ofsUnauthorized: 1 });
		const items = await run(
			{ authentication: 'idcsConnected', resource: 'resource', operation: 'getMany' },
			credential,
		);
		expect(items).toHaveLength(2);
		expect(credential.updates).toBe(1);
		const after = (credential.data.oauthTokenData as IDataObject).refresh_token;
		expect(after).not.toBe(before);
		const refreshes = (await admin<Array<{ grantType: string; body: IDataObject }>>('requests?endpoint=token')).filter(
			(r) => r.grantType === 'refresh_token',
		);
		expect(refreshes.map((r) => r.body.refresh_token)).toEqual([before]);
	});
});

describe('requests under the instance only', () => {
	it.each([
		['https://attacker.example/rest/ofscCore/v1/resources'],
		['//attacker.example/rest/x'],
		['/rest/../oauth2/v1/token'],
		['/admin/v1/Users'],
	])('refuses the path %s before anything is sent', async (path) => {
		await expect(run({ resource: 'request', operation: 'send', method: 'GET', path })).rejects.toThrow(
			'is not a Field Service REST path',
		);
		expect(await apiLog()).toEqual([]);
		expect(await tokenCalls()).toBe(0);
	});

	it('PATCH an activity through Update, then read it through Request', async () => {
		const [updated] = await run({
			resource: 'activity',
			operation: 'update',
			activityId: '4100011',
			changes: '{"status": "completed", "customerName": "Changed by n8n"}',
		});
		expect(updated).toMatchObject({ activityId: 4100011, status: 'completed', customerName: 'Changed by n8n' });
		const [read] = await run({ resource: 'request', operation: 'send', method: 'GET', path: `${ACTIVITIES}/4100011` });
		expect(read).toEqual(updated);
	});
});

it('the Oracle IDCS Client Credentials credential: the scope without offline_access, the secret in the body as it says', async () => {
	await run(
		{ authentication: 'idcsClientCredentialsApi', resource: 'resource', operation: 'getMany' },
		clientCredentialsCredential(`${RESOURCE_SCOPE} offline_access`),
	);
	const [request] =
		await admin<Array<{ body: IDataObject; headers: IDataObject; clientAuth: string }>>('requests?endpoint=token');
	expect(request.body).toMatchObject({
		grant_type: 'client_credentials',
		scope: RESOURCE_SCOPE,
		client_id: idcs.clients.servicePost.clientId,
		client_secret: idcs.clients.servicePost.clientSecret,
	});
	expect(request.headers.authorization).toBeUndefined();
});
