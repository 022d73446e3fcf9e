// The scale-out suite's diagnosis of a burst in which a webhook call got no answer: what n8n's own records
// say, and which side it puts the fault on. PostgreSQL, Redis and the logs are given as the functions the
// suite passes (their answers as psql -A -t and Redis print them).

// scripts/ is plain CommonJS without types.
const { diagnoseUnanswered, describeDiagnosis } = require('../../scripts/unanswered') as {
	diagnoseUnanswered(input: object): Promise<{
		verdict: string;
		executions: number;
		byStatus: Record<string, number>;
		pending: Array<{ id: string; status: string }>;
		bull: Record<string, number | string>;
		logLines: string[];
	}>;
	describeDiagnosis(diagnosis: object): string;
};

const SINCE = Date.parse('2026-12-06T21:00:00Z');

/** n8n's records: `rows` as psql prints `id|status|finished|started|stopped`; Bull's lists as Redis integers. */
function records(rows: string[], logs: Record<string, string> = {}) {
	const queries: string[] = [];
	return {
		queries,
		input: {
			workflowId: 'wf-1',
			since: SINCE,
			calls: rows.length,
			unanswered: 1,
			psql: (sql: string) => {
				queries.push(sql);
				return rows.join('\n');
			},
			redis: async (line: string) => (line === 'LLEN bull:jobs:active' ? ':1' : ':0'),
			processes: Object.entries(logs).map(([name, text]) => ({ name, logs: () => text })),
		},
	};
}

describe('diagnoseUnanswered', () => {
	it("asks PostgreSQL for the burst's executions of that workflow only", async () => {
		const r = records(['101|success|t|t|t']);
		await diagnoseUnanswered(r.input);
		expect(r.queries).toEqual([
			`SELECT id, status, finished, "startedAt" IS NOT NULL, "stoppedAt" IS NOT NULL FROM execution_entity WHERE "workflowId" = 'wf-1' AND "createdAt" >= to_timestamp(${SINCE / 1000}) ORDER BY id`,
		]);
	});

	it("puts it on n8n when every execution of the burst succeeded: the answer was lost after the package's work", async () => {
		const d = await diagnoseUnanswered({ ...records(['101|success|t|t|t', '102|success|t|t|t']).input, calls: 2 });
		expect(d).toMatchObject({ verdict: 'answer lost', executions: 2, byStatus: { success: 2 }, pending: [] });
		expect(d.bull).toEqual({ wait: 0, active: 1, delayed: 0, failed: 0, completed: 0, stalled: 0 });
	});

	it('says an execution never finished, and quotes the log lines that name it', async () => {
		const r = records(['101|success|t|t|t', '102|running|f|t|f'], {
			main: 'Enqueued execution 102 (job 7)\nEnqueued execution 1020 (job 8)\nsomething else about 102',
			'worker-1': 'Worker started execution 102 (job 7)',
		});
		const d = await diagnoseUnanswered({ ...r.input, calls: 2 });
		expect(d).toMatchObject({ verdict: 'not finished', pending: [{ id: '102', status: 'running', finished: false }] });
		expect(d.logLines).toEqual([
			'main: Enqueued execution 102 (job 7)',
			'worker-1: Worker started execution 102 (job 7)',
		]);
		expect(describeDiagnosis(d)).toContain('1 of 2 calls unanswered: not finished');
	});

	it('says a request never became an execution when n8n recorded fewer than the calls', async () => {
		const d = await diagnoseUnanswered({ ...records(['101|success|t|t|t']).input, calls: 2 });
		expect(d.verdict).toBe('no execution');
	});

	it('puts it on n8n too when executions ended in error: n8n answers those with HTTP 500', async () => {
		const d = await diagnoseUnanswered({ ...records(['101|error|t|t|t', '102|error|t|t|t']).input, calls: 2 });
		expect(d).toMatchObject({ verdict: 'answer lost', byStatus: { error: 2 }, pending: [] });
	});
});
