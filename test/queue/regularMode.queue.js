// The same bursts in n8n's regular mode (one process, SQLite), for comparison with queue mode, and on
// any n8n this suite is given: `N8N_VERSION=1.123.81 npm run test:queue -- regularMode` proves the
// node on n8n 1.x, which has no refresh lease.
const { run: scaleOut, rowsOf, summaryOf, EXECUTIONS } = require('./scaleOut');

let run;

beforeAll(async () => {
	run = await scaleOut('regular');
}, 900_000);

describe('Field Service Token, credential source, in regular mode', () => {
	it('succeeds every time with one token call per burst and no refresh while the token is valid', () => {
		const summary = summaryOf(run, 'credentialSource');
		expect(summary).toMatchObject({
			executions: EXECUTIONS,
			failed: 0,
			api401: 0,
			invalidGrant: 0,
			prematureRefreshes: 0,
			aliveAfter: true,
		});
		const { ttl, marginSeconds } = run.config;
		for (const row of rowsOf(run, 'credentialSource'))
			if (row.ms < (ttl - marginSeconds) * 1000) expect(row.tokenCalls).toBe(1);
	});
});

describe('Field Service Token, field source (one refresh token), in regular mode', () => {
	it('succeeds every time with one token call per burst and keeps the grant', () => {
		const summary = summaryOf(run, 'fieldSource');
		expect(summary).toMatchObject({
			executions: EXECUTIONS,
			failed: 0,
			api401: 0,
			invalidGrant: 0,
			prematureRefreshes: 0,
			aliveAfter: true,
		});
		const { ttl, marginSeconds } = run.config;
		for (const row of rowsOf(run, 'fieldSource'))
			if (row.ms < (ttl - marginSeconds) * 1000) expect(row.tokenCalls).toBe(1);
	});
});

describe('Field Service Token, Get Client Credentials Token (no refresh token), in regular mode', () => {
	it('succeeds every time with one token call per burst', () => {
		const summary = summaryOf(run, 'clientCredentials');
		expect(summary).toMatchObject({
			executions: EXECUTIONS,
			ok: EXECUTIONS,
			failed: 0,
			api401: 0,
			invalidGrant: 0,
			aliveAfter: true,
		});
		const { ttl, marginSeconds } = run.config;
		for (const row of rowsOf(run, 'clientCredentials')) {
			if (row.ms < (ttl - marginSeconds) * 1000) expect(row.tokenCalls).toBe(1);
			else expect(row.tokenCalls).toBeLessThanOrEqual(Math.ceil(row.ms / ((ttl - marginSeconds) * 1000)) + 1);
		}
	});
});

describe("HTTP Request with the credential (n8n's own refresh), in regular mode", () => {
	it('pays failed API calls at every expiry, and keeps the grant only where n8n serialises its refreshes', () => {
		const summary = summaryOf(run, 'n8nRefresh');
		// n8n refreshes only once the API answered 401.
		for (const row of rowsOf(run, 'n8nRefresh')) expect(row.api401).toBeGreaterThan(0);
		// n8n 2.30 and later serialise refreshes of one credential (the refresh lease); n8n 1.x lets
		// concurrent executions present one single-use refresh token, and IDCS revokes the grant.
		const [major, minor] = run.n8nVersion.split('.').map(Number);
		const serialised = major > 2 || (major === 2 && minor >= 30);
		expect(summary.aliveAfter).toBe(serialised);
		if (serialised) expect(summary.invalidGrant).toBe(0);
		else expect(summary.invalidGrant).toBeGreaterThan(0);
	});
});

describe("the Field Service plugin's back end (examples/ofs-plugin-*), 10 users at once, in regular mode", () => {
	it('signs each user in once, and every request in a row with the rotated sealed token succeeds', () => {
		const p = run.pluginUsers;
		expect(p.statuses).toEqual(Array.from({ length: p.users }, () => Array(p.requests + 1).fill(200)));
		expect([p.signIns, p.refreshes, p.invalidGrant, p.mostPresentations]).toEqual([
			p.users,
			p.users * p.requests,
			0,
			1,
		]);
	});
});
