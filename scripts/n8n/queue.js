// n8n in queue mode (scaling out), as production runs it: a private PostgreSQL and Redis
// (scripts/services), the credentials and workflows imported with n8n's CLI into that database,
// then one main process (`n8n start`: editor, REST API, production webhooks) and N workers
// (`n8n worker --concurrency=C`) sharing the database, the Bull queue and the encryption key.
// Production webhook executions run on the workers. Everything it starts is stopped by stop(), by
// the exit handlers, and by the watchdog (scripts/services/reaper.js) when the script is killed.
'use strict';

const fs = require('fs');
const path = require('path');

const { freePort, log: defaultLog } = require('../processes');
const reaper = require('../services/reaper');
const { startPostgres } = require('../services/postgres');
const { startRedis } = require('../services/redis');
const { n8nCliOrThrow } = require('./cli');
const { serverEnv, spawnN8n, waitForHttp, waitForServer } = require('./server');

const STARTED_EXECUTION = /Worker started execution \d+/;

/** spawnN8n, guarded by the watchdog: a killed script leaves no n8n process behind. */
async function spawnGuarded(folder, name, args, options) {
	const n8n = await spawnN8n(folder, args, options);
	reaper.guardGroup(n8n.process.pid);
	return {
		...n8n,
		name,
		async stop() {
			await n8n.stop();
			reaper.release({ group: n8n.process.pid });
		},
	};
}

/**
 * Starts n8n in queue mode on `folder` (a user folder with the package installed, see
 * scripts/n8n/package.js). Steps, in order:
 *   1. PostgreSQL and Redis of its own;
 *   2. `prepare({ importCredentials, importWorkflows, cli })`: n8n's CLI on that database (the first
 *      command creates and migrates it); workflows are published once main runs (publishWorkflows in
 *      server.js);
 *   3. main and `workers` workers, each with `env`, `mainEnv` / `workerEnv(index)`, and its own task
 *      runner broker port; resolves when main's and every worker's readiness endpoints answer.
 * Resolves { url, main, workers, postgres, redis, env, stop() }; each worker counts the executions
 * it started (`worker.started`, from its log).
 */
async function startQueueMode(
	folder,
	{
		workers = 2,
		concurrency = 10,
		env = {},
		mainEnv = {},
		workerEnv = () => ({}),
		prepare = async () => {},
		log = defaultLog,
		echo = false,
		timeoutMs = 180_000,
	} = {},
) {
	const started = [];
	const stopAll = async () => {
		// n8n processes first (they hold connections), then Redis and PostgreSQL.
		const processes = started.filter((s) => s.kind === 'n8n');
		await Promise.all(processes.map((s) => s.stop().catch((error) => log(`stopping ${s.name}: ${error.message}`))));
		for (const service of started.filter((s) => s.kind === 'service').reverse())
			await service.stop().catch((error) => log(`stopping ${service.name}: ${error.message}`));
		started.length = 0;
	};

	try {
		const postgres = await startPostgres({ log });
		started.push({ kind: 'service', name: 'PostgreSQL', stop: postgres.stop });
		const redis = await startRedis({ log });
		started.push({ kind: 'service', name: 'Redis', stop: redis.stop });

		// The CLI only needs the database; it neither queues nor executes anything.
		const cliEnv = { ...postgres.env };
		const cli = (args, options = {}) => n8nCliOrThrow(folder, args, { ...options, env: { ...cliEnv, ...options.env } });
		const importFile = async (kind, data) => {
			const file = path.join(folder.dir, `import-${kind}-${process.pid}-${Date.now()}.json`);
			fs.writeFileSync(file, JSON.stringify(data, null, 2), { mode: 0o600 });
			try {
				return await cli([`import:${kind}`, `--input=${file}`]);
			} finally {
				fs.rmSync(file, { force: true });
			}
		};
		let step = Date.now();
		await prepare({
			cli,
			importCredentials: (credentials) => importFile('credentials', [].concat(credentials)),
			importWorkflows: (workflows) => importFile('workflow', [].concat(workflows)),
		});
		log(`database prepared with n8n's CLI (${((Date.now() - step) / 1000).toFixed(0)} s)`);

		const shared = {
			...postgres.env,
			...redis.env,
			EXECUTIONS_MODE: 'queue',
			// A worker that is stopped waits this long for its running executions.
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
			...env,
		};
		step = Date.now();
		const port = await freePort();
		const url = `http://127.0.0.1:${port}`;
		const main = await spawnGuarded(folder, 'main', ['start'], {
			env: { ...shared, ...serverEnv(port), ...mainEnv },
			echo,
		});
		started.push({ kind: 'n8n', ...main });
		const workerList = [];
		for (let index = 0; index < workers; index++) {
			const healthPort = await freePort();
			const counter = { started: 0 };
			const worker = await spawnGuarded(folder, `worker-${index + 1}`, ['worker', `--concurrency=${concurrency}`], {
				env: {
					...shared,
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(healthPort),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
					...workerEnv(index),
				},
				echo,
				onLine: (line) => {
					if (STARTED_EXECUTION.test(line)) counter.started += 1;
				},
			});
			Object.defineProperty(worker, 'started', { get: () => counter.started, enumerable: true });
			worker.healthUrl = `http://127.0.0.1:${healthPort}/healthz/readiness`;
			started.push({ kind: 'n8n', ...worker });
			workerList.push(worker);
		}
		try {
			await Promise.all([
				waitForServer(url, { timeoutMs, child: main.process }),
				...workerList.map((worker) => waitForHttp(worker.healthUrl, { timeoutMs, child: worker.process })),
			]);
		} catch (error) {
			const tails = [main, ...workerList].map((p) => `--- ${p.name}\n${p.logs().slice(-2500)}`).join('\n');
			throw new Error(`${error.message}\n${tails}`);
		}
		log(
			`n8n queue mode: main on ${url} and ${workers} worker(s) with concurrency ${concurrency} ready (${((Date.now() - step) / 1000).toFixed(0)} s)`,
		);
		return { url, port, main, workers: workerList, postgres, redis, env: shared, stop: stopAll };
	} catch (error) {
		await stopAll();
		throw error;
	}
}

/** How many executions each worker started so far, from its own log ("Worker started execution N"). */
const executionsPerWorker = (workers) => Object.fromEntries(workers.map((worker) => [worker.name, worker.started]));

module.exports = { startQueueMode, executionsPerWorker };
