// What n8n's own records say about production-webhook calls that got no HTTP answer, in queue mode:
// the executions PostgreSQL holds for the burst (created, their status, finished or not), the Bull
// queue's lists in Redis, and every line of the main process's and the workers' logs that names one of
// those executions. From these it says where the answer was lost:
//   - 'answer lost': n8n recorded as many executions as calls and every one of them ended (in success or in
//     error, which answers HTTP 500), yet a caller got nothing: the main process did not answer after the
//     execution ended (n8n's side, not the package's);
//   - 'not finished': an execution is still new, running or waiting: it never ended;
//   - 'no execution': fewer executions than calls: a request never became an execution.
'use strict';

/** Bull's lists and sets for n8n's queue (`bull:jobs:*`, n8n's default prefix and queue name). */
const BULL = [
	['wait', 'LLEN'],
	['active', 'LLEN'],
	['delayed', 'ZCARD'],
	['failed', 'ZCARD'],
	['completed', 'ZCARD'],
	['stalled', 'SCARD'],
];

const sqlText = (value) => `'${String(value).replace(/'/g, "''")}'`;

/**
 * The diagnosis of one burst: `workflowId`, the calls made (`calls`) and those unanswered
 * (`unanswered`), from `since` (ms). `psql(sql)` runs SQL in n8n's database, `redis(line)` a Redis
 * command, `processes` are [{ name, logs() }]. Resolves { verdict, executions, byStatus, pending, bull, logLines }.
 */
async function diagnoseUnanswered({ workflowId, since, calls, unanswered, psql, redis, processes }) {
	const rows = psql(
		`SELECT id, status, finished, "startedAt" IS NOT NULL, "stoppedAt" IS NOT NULL FROM execution_entity WHERE "workflowId" = ${sqlText(workflowId)} AND "createdAt" >= to_timestamp(${since / 1000}) ORDER BY id`,
	)
		.split('\n')
		.filter(Boolean)
		.map((line) => {
			const [id, status, finished, started, stopped] = line.split('|');
			return { id, status, finished: finished === 't', started: started === 't', stopped: stopped === 't' };
		});
	const byStatus = rows.reduce((acc, row) => ((acc[row.status] = (acc[row.status] ?? 0) + 1), acc), {});
	const pending = rows.filter((row) => row.status !== 'success' && row.status !== 'error');
	const bull = {};
	for (const [list, command] of BULL) {
		const answer = await redis(`${command} bull:jobs:${list}`).catch((error) => `? ${error.message}`);
		bull[list] = /^:\d+$/.test(answer) ? Number(answer.slice(1)) : answer;
	}
	const named = rows.filter((row) => row.status !== 'success').map((row) => row.id);
	const logLines = [];
	for (const { name, logs } of processes) {
		for (const line of logs().split('\n'))
			if (named.some((id) => new RegExp(`\\b${id}\\b`).test(line)) && /execution/i.test(line))
				logLines.push(`${name}: ${line.trim().slice(0, 300)}`);
	}
	let verdict;
	if (rows.length < calls) verdict = 'no execution';
	else if (pending.length) verdict = 'not finished';
	else verdict = 'answer lost';
	return {
		verdict,
		calls,
		unanswered,
		executions: rows.length,
		byStatus,
		pending,
		bull,
		logLines: logLines.slice(0, 40),
	};
}

/** One line for a report. */
const describeDiagnosis = (d) =>
	d.executions === undefined
		? d.verdict
		: `${d.unanswered} of ${d.calls} calls unanswered: ${d.verdict}; n8n recorded ${d.executions} executions ${JSON.stringify(d.byStatus)}, ` +
			`Bull ${JSON.stringify(d.bull)}${d.pending.length ? `; pending ${JSON.stringify(d.pending)}` : ''}` +
			`${d.logLines.length ? `\n      ${d.logLines.join('\n      ')}` : ''}`;

module.exports = { diagnoseUnanswered, describeDiagnosis };
