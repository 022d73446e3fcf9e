// n8n in queue mode: main + 2 workers, PostgreSQL and Redis of their own, the package installed from
// `npm pack` as a community package; 4 bursts of 50 concurrent production-webhook executions at
// token expiry for each way to a token. Measured from the local IDCS's request log and API counts.
const { settings, run: scaleOut, rowsOf, summaryOf, EXECUTIONS } = require('./scaleOut');

let run;

beforeAll(async () => {
	const [major, minor] = settings.n8nVersion.split('.').map(Number);
	if (major < 2 || (major === 2 && minor < 30))
		throw new Error(
			`n8n ${settings.n8nVersion} has no cross-process refresh lease (n8n 2.30 or later): queue mode is not claimed for it; run test/queue/regularMode.queue.js`,
		);
	run = await scaleOut('queue');
}, 900_000);

describe('n8n in queue mode (main + 2 workers)', () => {
	it('runs the production executions on both workers', () => {
		expect(Object.keys(run.workers).sort()).toEqual(['worker-1', 'worker-2']);
		for (const name of ['worker-1', 'worker-2']) expect(run.workers[name]).toBeGreaterThan(0);
		// Every burst of every workflow was shared: executions started on both workers.
		for (const row of run.result.rounds) {
			expect(row.startedOn['worker-1'] + row.startedOn['worker-2']).toBe(row.executions);
		}
		const answeredBy = new Set(run.result.rounds.flatMap((row) => Object.keys(row.answeredBy)));
		expect([...answeredBy].sort()).toEqual(['worker-1', 'worker-2']);
	});
});

/**
 * A call n8n left unanswered after recording every execution of its burst as ended is n8n's lost answer
 * (docs/scaling-out.md, scripts/reproduceLostAnswer.js): reported, and not counted against the package.
 * Any other failure is.
 */
const packageFailures = (summary) => summary.failed - summary.lostByN8n;

describe('Field Service Token, credential source, in queue mode', () => {
	it('never fails an execution and never sends an expired token to the API', () => {
		const summary = summaryOf(run, 'credentialSource');
		expect(summary).toMatchObject({ executions: EXECUTIONS, api401: 0, invalidGrant: 0 });
		expect([packageFailures(summary), summary.ok + summary.lostByN8n]).toEqual([0, EXECUTIONS]);
	});

	it('never refreshes while the stored token is valid beyond the margin', () => {
		expect(summaryOf(run, 'credentialSource').prematureRefreshes).toBe(0);
	});

	it('makes one token call per burst that is shorter than a token lifetime', () => {
		const { ttl, marginSeconds } = run.config;
		for (const row of rowsOf(run, 'credentialSource')) {
			if (row.ms < (ttl - marginSeconds) * 1000) expect(row.tokenCalls).toBe(1);
			else expect(row.tokenCalls).toBeLessThanOrEqual(Math.ceil(row.ms / ((ttl - marginSeconds) * 1000)) + 1);
		}
	});

	it('leaves the grant alive', () => {
		expect(summaryOf(run, 'credentialSource').aliveAfter).toBe(true);
	});
});

describe("HTTP Request with the credential (n8n's own refresh), in queue mode", () => {
	it('keeps the grant, after failed API calls at every expiry', () => {
		const summary = summaryOf(run, 'n8nRefresh');
		expect(summary).toMatchObject({ executions: EXECUTIONS, invalidGrant: 0, aliveAfter: true });
		// n8n refreshes only once the API answered 401: every burst at expiry costs failed API calls.
		for (const row of rowsOf(run, 'n8nRefresh')) expect(row.api401).toBeGreaterThan(0);
	});
});

describe('Field Service Token, field source (one refresh token), in queue mode', () => {
	it('never presents a refresh token again once IDCS rejected it', () => {
		const summary = summaryOf(run, 'fieldSource');
		// Two workers cannot share a single-use refresh token: IDCS rejects the second and revokes the grant.
		expect(summary.invalidGrant).toBeGreaterThan(0);
		expect(summary.presentedAfterRejection).toBe(0);
		// Each worker presents a refresh token at most once.
		expect(summary.mostPresentations).toBeLessThanOrEqual(run.config.workers);
	});

	it('fails the executions that hold a rejected refresh token with the invalid_grant error, without a call', () => {
		const summary = summaryOf(run, 'fieldSource');
		// More executions failed with IDCS's invalid_grant than IDCS answered invalid_grant.
		expect(run.failedWithInvalidGrant).toBeGreaterThan(summary.invalidGrant);
		// Once both workers know the lineage is dead, a burst makes no token call at all.
		const last = rowsOf(run, 'fieldSource').at(-1);
		expect(last).toMatchObject({ tokenCalls: 0, ok: 0 });
	});
});

describe('Field Service Token, Get Client Credentials Token (no refresh token), in queue mode', () => {
	it('never fails an execution and never sends an expired token to the API', () => {
		const summary = summaryOf(run, 'clientCredentials');
		expect(summary).toMatchObject({ executions: EXECUTIONS, api401: 0, invalidGrant: 0, aliveAfter: true });
		expect([packageFailures(summary), summary.ok + summary.lostByN8n]).toEqual([0, EXECUTIONS]);
	});

	it('makes one token call per worker that ran executions in a burst shorter than a token lifetime', () => {
		const { ttl, marginSeconds, workers } = run.config;
		for (const row of rowsOf(run, 'clientCredentials')) {
			// Each worker has its own cache and single flight: at most one call each, none shared.
			const ranOn = Object.values(row.startedOn).filter((n) => n > 0).length;
			if (row.ms < (ttl - marginSeconds) * 1000) {
				expect(row.tokenCalls).toBe(ranOn);
				expect(row.tokenCalls).toBeLessThanOrEqual(workers);
			} else
				expect(row.tokenCalls).toBeLessThanOrEqual(ranOn * (Math.ceil(row.ms / ((ttl - marginSeconds) * 1000)) + 1));
		}
	});
});

describe("the Field Service plugin's back end (examples/ofs-plugin-*), 10 users at once, in queue mode", () => {
	it('signs each user in once, and every request in a row with the rotated sealed token succeeds', () => {
		const p = run.pluginUsers;
		expect(p.statuses).toEqual(Array.from({ length: p.users }, () => Array(p.requests + 1).fill(200)));
		expect([p.signIns, p.refreshes, p.invalidGrant]).toEqual([p.users, p.users * p.requests, 0]);
	});

	it("presents each refresh token once, with the users' requests spread over both workers", () => {
		const p = run.pluginUsers;
		expect(p.mostPresentations).toBe(1);
		expect(Object.keys(p.workers).sort()).toEqual(['worker-1', 'worker-2']);
		for (const name of ['worker-1', 'worker-2']) expect(p.workers[name]).toBeGreaterThan(0);
	});

	it('leaves none of the refresh tokens IDCS issued in PostgreSQL, where queue mode passes execution data', () => {
		const p = run.pluginUsers;
		expect(p.refreshTokensIssued.length).toBe(p.users * (p.requests + 1));
		expect(p.refreshTokensInDatabase).toBe(0);
	});
});
