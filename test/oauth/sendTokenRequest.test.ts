import {
	clientSecretPost,
	refreshTokenGrantRequest,
	RESPONSE_TOO_LARGE,
	sendTokenRequest,
} from '../../nodes/FieldServiceToken/oauth';
import { json, networkError, scriptedTransport, tokenAnswer } from '../support/fakeTransport';

const request = refreshTokenGrantRequest({
	tokenEndpoint: 'https://idcs-abc.identity.oraclecloud.com/oauth2/v1/token',
	refreshToken: 'rt-secret-1',
	clientAuthentication: clientSecretPost('client', 'client-secret-1'),
	timeoutMs: 15_000,
});
const secrets = ['client-secret-1', 'rt-secret-1'];

/** A transport scripted with `answers`; waits are exact unless `random` (the jitter's draw) is given. */
function setup(...answers: Parameters<typeof scriptedTransport>) {
	const scripted = scriptedTransport(...answers);
	const waits: number[] = [];
	const send = (random: () => number = () => 0) =>
		sendTokenRequest(request, {
			transport: scripted.transport,
			sleep: async (ms) => {
				waits.push(ms);
			},
			secrets,
			now: () => Date.parse('2026-11-26T10:00:00Z'),
			random,
		});
	return { send, waits, requests: scripted.requests };
}

describe('sendTokenRequest', () => {
	it('sends once and returns the checked token', async () => {
		const { send, requests, waits } = setup(tokenAnswer('at-1', 'rt-2'));
		await expect(send()).resolves.toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-2' });
		expect(requests).toHaveLength(1);
		expect(waits).toEqual([]);
	});

	it('retries a 503 after its Retry-After seconds', async () => {
		const { send, requests, waits } = setup(json(503, {}, { 'retry-after': '2' }), tokenAnswer('at-1'));
		await expect(send()).resolves.toMatchObject({ accessToken: 'at-1' });
		expect(requests).toHaveLength(2);
		expect(waits).toEqual([2000]);
	});

	it('retries a 429 with a Retry-After date, and backs off without one', async () => {
		const { send, waits } = setup(
			json(429, {}, { 'retry-after': 'Thu, 26 Nov 2026 10:00:03 GMT' }),
			json(429, {}),
			tokenAnswer('at-1'),
		);
		await expect(send()).resolves.toMatchObject({ accessToken: 'at-1' });
		expect(waits).toEqual([3000, 2000]);
	});

	it('stretches each wait by a random jitter of up to half, never shortening it', async () => {
		const high = setup(json(503, {}, { 'retry-after': '2' }), json(429, {}), tokenAnswer('at-1'));
		await expect(high.send(() => 0.75)).resolves.toMatchObject({ accessToken: 'at-1' });
		expect(high.waits).toEqual([2750, 2750]);
		const middle = setup(json(503, {}, { 'retry-after': '2' }), tokenAnswer('at-1'));
		await middle.send(() => 0.5);
		expect(middle.waits).toEqual([2500]);
	});

	it('spreads callers turned away at the same moment: 20 of them wait 20 different times within [1 s, 1.5 s)', async () => {
		const all = Array.from({ length: 20 }, () => setup(json(429, {}, { 'retry-after': '1' }), tokenAnswer('at-1')));
		await Promise.all(all.map((caller) => caller.send(Math.random)));
		const waits = all.map((caller) => caller.waits[0]);
		expect(new Set(waits).size).toBe(20);
		for (const wait of waits) {
			expect(wait).toBeGreaterThanOrEqual(1000);
			expect(wait).toBeLessThan(1500);
		}
	});

	it('gives up after two retries', async () => {
		const { send, requests } = setup(json(503, {}), json(503, {}), json(503, {}), tokenAnswer('never'));
		await expect(send()).rejects.toMatchObject({
			code: 'temporarily_unavailable',
			message: 'The IDCS token endpoint is busy (HTTP 503) after 3 attempts',
		});
		expect(requests).toHaveLength(3);
	});

	it('does not wait for a Retry-After beyond 30 s', async () => {
		const { send, requests, waits } = setup(json(503, {}, { 'retry-after': '120' }), tokenAnswer('never'));
		await expect(send()).rejects.toMatchObject({
			code: 'temporarily_unavailable',
			message: 'The IDCS token endpoint is busy (HTTP 503)',
		});
		expect(requests).toHaveLength(1);
		expect(waits).toEqual([]);
	});

	it.each([400, 401, 500, 502])('never resends after HTTP %i: the refresh token may be used up', async (status) => {
		const { send, requests } = setup(json(status, { error: 'invalid_grant' }), tokenAnswer('never'));
		await expect(send()).rejects.toMatchObject({ httpStatus: status });
		expect(requests).toHaveLength(1);
	});

	it.each([
		[
			networkError('ECONNABORTED', 'timeout of 15000ms exceeded'),
			'timeout',
			'The IDCS token endpoint at idcs-abc.identity.oraclecloud.com did not answer within 15 s',
		],
		[
			networkError('ETIMEDOUT'),
			'timeout',
			'The IDCS token endpoint at idcs-abc.identity.oraclecloud.com did not answer within 15 s',
		],
		[
			networkError('ECONNREFUSED'),
			'connection_refused',
			'The connection to idcs-abc.identity.oraclecloud.com was refused',
		],
		[networkError('ENOTFOUND'), 'host_not_found', 'The host idcs-abc.identity.oraclecloud.com was not found'],
		[
			networkError('DEPTH_ZERO_SELF_SIGNED_CERT'),
			'tls_failure',
			'The TLS connection to idcs-abc.identity.oraclecloud.com failed (DEPTH_ZERO_SELF_SIGNED_CERT)',
		],
		[
			networkError('CERT_HAS_EXPIRED'),
			'tls_failure',
			'The TLS connection to idcs-abc.identity.oraclecloud.com failed (CERT_HAS_EXPIRED)',
		],
		[
			networkError('ERR_TLS_CERT_ALTNAME_INVALID'),
			'tls_failure',
			'The TLS connection to idcs-abc.identity.oraclecloud.com failed (ERR_TLS_CERT_ALTNAME_INVALID)',
		],
		[
			networkError('ECONNRESET', 'socket hang up client_secret=client-secret-1'),
			'network_failure',
			'The request to idcs-abc.identity.oraclecloud.com failed (ECONNRESET)',
		],
	])('names a transport failure by its code, sends once (%s)', async (error, code, message) => {
		const { send, requests } = setup(error, tokenAnswer('never'));
		await expect(send()).rejects.toMatchObject({ code, message });
		expect(requests).toHaveLength(1);
	});

	it('names an answer beyond the size limit, sends once, and warns as for a timeout', async () => {
		const { send, requests } = setup(networkError(RESPONSE_TOO_LARGE, 'more than 1048576 bytes'), tokenAnswer('never'));
		const error = await send().catch((e: unknown) => e);
		expect(error).toMatchObject({
			code: 'response_too_large',
			message: 'The IDCS token endpoint at idcs-abc.identity.oraclecloud.com sent an answer larger than 1 MiB',
			hint: expect.stringContaining(
				'The request was not resent, because IDCS may already have used the refresh token: if the next run says the token was already used, authorize again.',
			),
		});
		expect(requests).toHaveLength(1);
	});

	it('reads the code of an error wrapped as its cause', async () => {
		const wrapped = new Error('request failed', { cause: networkError('ECONNREFUSED') });
		const { send } = setup(wrapped);
		await expect(send()).rejects.toMatchObject({ code: 'connection_refused' });
	});
});
