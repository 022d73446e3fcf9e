import { FieldServiceApiError, sendApiRequest, type ApiAuthorization } from '../../nodes/FieldService/api';
import { json, networkError, scriptedTransport } from '../support/fakeTransport';

// One Field Service REST request: the header it carries, what a 401, a 429/503, a timeout do, and what an
// error may say. Scripted answers: each test fixes exactly what Field Service answers.

const ORIGIN = 'https://acme.fs.ocs.oraclecloud.com';
const options = { origin: ORIGIN, timeoutMs: 5_000, maxResponseBytes: 1_000_000 };

/** Tokens in order: the first from header(), each renew() the next. */
function tokens(...values: string[]): ApiAuthorization & { rejected: string[] } {
	const handed: string[] = [];
	const rejected: string[] = [];
	let next = 0;
	const give = async () => {
		handed.push(values[next]);
		return `Bearer ${values[next++]}`;
	};
	return {
		rejected,
		header: give,
		renew: async (header) => {
			rejected.push(header);
			return give();
		},
		secrets: () => handed,
	};
}

const noSleep = { waits: [] as number[], sleep: async (ms: number) => void noSleep.waits.push(ms) };
beforeEach(() => (noSleep.waits = []));

const deps = (transport: ReturnType<typeof scriptedTransport>['transport'], random = () => 0) => ({
	transport,
	sleep: noSleep.sleep,
	random,
});

it('sends the bearer token, asks for JSON and returns the parsed answer', async () => {
	const { transport, requests } = scriptedTransport(json(200, { items: [] }));
	const answer = await sendApiRequest(
		{ method: 'GET', path: '/rest/ofscCore/v1/resources', query: { limit: 5, fields: undefined } },
		tokens('T1'),
		options,
		deps(transport),
	);
	expect(answer).toEqual({ status: 200, body: { items: [] }, renewed: 0, retries: 0 });
	expect(requests).toEqual([
		expect.objectContaining({
			method: 'GET',
			url: `${ORIGIN}/rest/ofscCore/v1/resources?limit=5`,
			headers: { authorization: 'Bearer T1', accept: 'application/json' },
			body: undefined,
		}),
	]);
});

it('a JSON body goes as application/json', async () => {
	const { transport, requests } = scriptedTransport(json(200, { activityId: 1, status: 'completed' }));
	await sendApiRequest(
		{ method: 'PATCH', path: '/rest/ofscCore/v1/activities/1', body: { status: 'completed' } },
		tokens('T1'),
		options,
		deps(transport),
	);
	expect(requests[0].headers['content-type']).toBe('application/json');
	expect(requests[0].body).toBe('{"status":"completed"}');
});

it('a 401 drops the token, gets a new one once and sends again', async () => {
	const { transport, requests } = scriptedTransport(json(401, { title: 'Unauthorized' }), json(200, { ok: 1 }));
	const auth = tokens('OLD', 'NEW');
	const answer = await sendApiRequest({ method: 'GET', path: '/rest/x' }, auth, options, deps(transport));
	expect(answer).toMatchObject({ body: { ok: 1 }, renewed: 1 });
	expect(auth.rejected).toEqual(['Bearer OLD']);
	expect(requests.map((r) => r.headers.authorization)).toEqual(['Bearer OLD', 'Bearer NEW']);
});

it('a second 401 is an error in Field Service words, with method and path, and no token', async () => {
	const { transport } = scriptedTransport(
		json(401, { title: 'Unauthorized', detail: 'token OLD-TOKEN-1 invalid' }),
		json(401, { title: 'Unauthorized', detail: 'token NEW-TOKEN-2 invalid' }),
	);
	const error = await sendApiRequest(
		{ method: 'GET', path: '/rest/ofscCore/v1/users', query: { q: 'secret-query' } },
		tokens('OLD-TOKEN-1', 'NEW-TOKEN-2'),
		options,
		deps(transport),
	).catch((e: unknown) => e);
	expect(error).toBeInstanceOf(FieldServiceApiError);
	expect((error as Error).message).toBe(
		'Field Service answered HTTP 401 to GET /rest/ofscCore/v1/users: Unauthorized: token [redacted] invalid (after a new token: Field Service refused the new token too)',
	);
	expect(JSON.stringify(error)).not.toMatch(/OLD-TOKEN-1|NEW-TOKEN-2|secret-query/);
});

it('Basic (no renew): a 401 is an error at once', async () => {
	const { transport, requests } = scriptedTransport(json(401, { title: 'Unauthorized' }));
	const basic: ApiAuthorization = { header: async () => 'Basic QUJD', secrets: () => ['QUJD'] };
	await expect(sendApiRequest({ method: 'GET', path: '/rest/x' }, basic, options, deps(transport))).rejects.toThrow(
		'Field Service answered HTTP 401 to GET /rest/x: Unauthorized',
	);
	expect(requests).toHaveLength(1);
});

it('429 and 503: waits for Retry-After (or 1 s, then 2 s) stretched by the jitter, twice at most', async () => {
	const { transport } = scriptedTransport(
		json(429, { title: 'Too Many Requests' }, { 'retry-after': '3' }),
		json(503, { title: 'Service Unavailable' }),
		json(200, { ok: true }),
	);
	const answer = await sendApiRequest(
		{ method: 'GET', path: '/rest/x' },
		tokens('T'),
		options,
		deps(transport, () => 0.5),
	);
	expect(answer.retries).toBe(2);
	// 3 s and then 2 s (the second backoff), each stretched by a quarter (jitter 0.5 of up to half).
	expect(noSleep.waits).toEqual([3750, 2500]);

	const exhausted = scriptedTransport(json(429, {}), json(429, {}), json(429, { title: 'Too Many Requests' }));
	await expect(
		sendApiRequest({ method: 'GET', path: '/rest/x' }, tokens('T'), options, deps(exhausted.transport)),
	).rejects.toThrow('Field Service answered HTTP 429 to GET /rest/x: Too Many Requests (after 3 attempts)');
});

it('jitter: two callers turned away at once wait different times, never less than asked', async () => {
	const waits = [];
	for (const random of [() => 0.1, () => 0.9]) {
		noSleep.waits = [];
		const { transport } = scriptedTransport(json(429, {}, { 'retry-after': '2' }), json(200, {}));
		await sendApiRequest({ method: 'GET', path: '/rest/x' }, tokens('T'), options, deps(transport, random));
		waits.push(noSleep.waits[0]);
	}
	expect(waits).toEqual([2100, 2900]);
});

it('a Retry-After over 30 s is not waited for', async () => {
	const { transport, requests } = scriptedTransport(
		json(503, { title: 'Service Unavailable' }, { 'retry-after': '120' }),
	);
	await expect(
		sendApiRequest({ method: 'GET', path: '/rest/x' }, tokens('T'), options, deps(transport)),
	).rejects.toThrow('HTTP 503');
	expect(requests).toHaveLength(1);
});

it('a timeout is never resent; a PATCH says it may have been carried out', async () => {
	const { transport, requests } = scriptedTransport(networkError('ETIMEDOUT'));
	const error = (await sendApiRequest(
		{ method: 'PATCH', path: '/rest/ofscCore/v1/activities/1', body: {} },
		tokens('T'),
		options,
		deps(transport),
	).catch((e: unknown) => e)) as FieldServiceApiError;
	expect(requests).toHaveLength(1);
	expect(error.message).toBe(
		'The Field Service REST API at acme.fs.ocs.oraclecloud.com did not answer within 5 s (PATCH /rest/ofscCore/v1/activities/1)',
	);
	expect(error.hint).toMatch(/Field Service may have carried it out, so check before running the workflow again\.$/);
});

it('an answer that is not JSON: says so, without quoting it', async () => {
	const { transport } = scriptedTransport({ status: 200, headers: {}, body: '<html>sign in T</html>' });
	await expect(
		sendApiRequest({ method: 'GET', path: '/rest/x' }, tokens('T'), options, deps(transport)),
	).rejects.toThrow('Field Service answered GET /rest/x with something that is not JSON');
});

it('a redirect is not followed: the token goes nowhere else', async () => {
	const { transport, requests } = scriptedTransport({
		status: 302,
		headers: { location: 'https://elsewhere.example/login' },
		body: '',
	});
	await expect(
		sendApiRequest({ method: 'GET', path: '/rest/x' }, tokens('T'), options, deps(transport)),
	).rejects.toThrow('Field Service answered GET /rest/x with a redirect (HTTP 302), which was not followed');
	expect(requests).toHaveLength(1);
});
