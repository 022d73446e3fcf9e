#!/usr/bin/env node
// `node scripts/reproduceLostAnswer.js`: why a production webhook in n8n queue mode can go unanswered,
// reproduced with n8n's own Bull (from the n8n cache) and a private Redis on 127.0.0.1, no n8n and no code
// of this package. n8n's main process enqueues a job with `removeOnComplete: N8N_EXECUTIONS_QUEUE_KEEP_LAST_COMPLETED`
// (default 0: Bull deletes a completed job at once), awaits its `workflowExecuteBefore` hook, and only then
// calls `job.finished()` to learn that the execution ended (WorkflowRunner.enqueueExecution). Bull's
// `finished()` asks Redis whether the job is in the completed or failed set, else waits for the
// `global:completed` event. A job a worker completed in between is in neither set and its event is gone:
// the promise never settles, and the webhook caller never gets an answer (OptimalBits/bull#1371, #2504).
// Prints one line per setting; exits 0 when it reproduced (the default hangs, a kept job settles).
//
// `node scripts/reproduceLostAnswer.js --n8n [bursts] [size]`: the same in real n8n queue mode (main + 2
// workers, PostgreSQL, Redis) with stock nodes only, a Webhook (respond when the last node finishes) and a
// No Op: bursts (20) of `size` (50) concurrent calls, once with n8n's defaults and once with
// N8N_EXECUTIONS_QUEUE_KEEP_LAST_COMPLETED/FAILED=1000, each call given 60 s; for every burst with a call
// left unanswered, what PostgreSQL, Redis and the logs say (scripts/unanswered.js).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const n8n = require('./n8n');
const { ensureN8n } = n8n;
const { startRedis } = require('./services/redis');
const { callWebhook } = require('./bursts');
const { diagnoseUnanswered, describeDiagnosis } = require('./unanswered');

const WAIT_MS = 5_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether `job.finished()`, called after the job completed, settles within WAIT_MS. */
async function finishedAfterCompletion(queue, removeOnComplete) {
	const completed = new Promise((resolve) => queue.once('completed', resolve));
	const job = await queue.add('job', { removeOnComplete }, { removeOnComplete, removeOnFail: 0 });
	// The worker completes the job while main still awaits its hook.
	await completed;
	const outcome = await Promise.race([
		job.finished().then(() => 'settled'),
		sleep(WAIT_MS).then(() => `did not settle within ${WAIT_MS / 1000} s`),
	]);
	return outcome;
}

async function main() {
	const { dir } = await ensureN8n();
	const Bull = require(require.resolve('bull', { paths: [path.join(dir, 'node_modules', 'n8n')] }));
	const redis = await startRedis({});
	const queue = new Bull('jobs', { prefix: 'bull', redis: { host: redis.host, port: redis.port } });
	try {
		queue.process('job', async () => ({ success: true }));
		const results = {};
		for (const keep of [0, 100]) {
			results[keep] = await finishedAfterCompletion(queue, keep);
			console.log(
				`removeOnComplete ${keep} (N8N_EXECUTIONS_QUEUE_KEEP_LAST_COMPLETED=${keep}): job.finished() after the job completed ${results[keep]}`,
			);
		}
		const reproduced = results[0] !== 'settled' && results[100] === 'settled';
		console.log(reproduced ? 'reproduced' : 'not reproduced');
		return reproduced;
	} finally {
		await queue.close().catch(() => {});
		await redis.stop();
	}
}

const STOCK_WORKFLOW = {
	id: 'LostAnswerRepro1',
	name: 'Lost answer reproduction (stock nodes)',
	active: false,
	settings: { executionOrder: 'v1' },
	nodes: [
		{
			id: '0b7e4f2a-0000-4000-8000-000000000001',
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			parameters: { httpMethod: 'POST', path: 'lost-answer', responseMode: 'lastNode', options: {} },
			webhookId: '0b7e4f2a-0000-4000-8000-0000000000aa',
		},
		{
			id: '0b7e4f2a-0000-4000-8000-000000000002',
			name: 'No Operation, do nothing',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [240, 0],
			parameters: {},
		},
	],
	connections: { Webhook: { main: [[{ node: 'No Operation, do nothing', type: 'main', index: 0 }]] } },
};

const OWNER = { email: 'lost-answer@example.com', password: 'LostAnswer1234' };

/** n8n settings that keep finished jobs in Redis, so that job.finished() finds them. */
const KEEP_FINISHED_JOBS = {
	N8N_EXECUTIONS_QUEUE_KEEP_LAST_COMPLETED: '1000',
	N8N_EXECUTIONS_QUEUE_KEEP_LAST_FAILED: '1000',
};

/** Bursts of `size` concurrent calls to the stock workflow in queue mode with `env`; resolves per-burst counts. */
async function stockBursts(env, { bursts, size = 50, log }) {
	const folder = n8n.userFolder(fs.mkdtempSync(path.join(os.tmpdir(), 'fst-lost-answer-')));
	const server = await n8n.startQueueMode(folder, {
		log,
		workers: 2,
		concurrency: 10,
		env,
		prepare: async ({ importWorkflows }) => importWorkflows(STOCK_WORKFLOW),
	});
	const url = `${server.url}/webhook/lost-answer`;
	const call = async () => (await callWebhook(url, {}, 60_000)).status;
	try {
		await n8n.setupOwner(server.url, OWNER);
		await n8n.publishWorkflows(server.url, await n8n.login(server.url, OWNER), [STOCK_WORKFLOW.id]);
		while ((await call()) === 404) await sleep(500);
		const rows = [];
		for (let burst = 1; burst <= bursts; burst++) {
			const since = Date.now() - 1_000;
			const statuses = await Promise.all(Array.from({ length: size }, call));
			const unanswered = statuses.filter((status) => status === 0).length;
			const row = { burst, ok: statuses.filter((status) => status === 200).length, unanswered };
			if (unanswered)
				row.diagnosis = await diagnoseUnanswered({
					workflowId: STOCK_WORKFLOW.id,
					since,
					calls: size,
					unanswered,
					psql: server.postgres.psql,
					redis: server.redis.command,
					processes: [server.main, ...server.workers],
				});
			log(`burst ${burst}: ${row.ok}/${size} answered 200${unanswered ? `; ${describeDiagnosis(row.diagnosis)}` : ''}`);
			rows.push(row);
		}
		return rows;
	} finally {
		await server.stop();
		fs.rmSync(folder.dir, { recursive: true, force: true });
	}
}

async function inN8n(bursts, size) {
	const log = (line) => console.log(`  ${line}`);
	const totals = {};
	for (const [label, env] of [
		["n8n's defaults", {}],
		['N8N_EXECUTIONS_QUEUE_KEEP_LAST_COMPLETED/FAILED=1000', KEEP_FINISHED_JOBS],
	]) {
		console.log(`${label}: ${bursts} bursts of ${size} calls`);
		const rows = await stockBursts(env, { bursts, size, log });
		totals[label] = rows.reduce((sum, row) => sum + row.unanswered, 0);
		console.log(`${label}: ${totals[label]} of ${bursts * size} calls unanswered`);
	}
	return totals;
}

if (require.main === module && process.argv[2] === '--n8n')
	inN8n(Number(process.argv[3] ?? 20), Number(process.argv[4] ?? 50)).then(
		() => process.exit(0),
		(error) => {
			console.error(error);
			process.exit(2);
		},
	);
else if (require.main === module)
	main().then(
		(reproduced) => process.exit(reproduced ? 0 : 1),
		(error) => {
			console.error(error);
			process.exit(2);
		},
	);

module.exports = { finishedAfterCompletion };
