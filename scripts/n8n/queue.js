// n8n in queue mode (scaling out), as production runs it: a private PostgreSQL and Redis
// (scripts/services), the credentials and workflows imported with n8n's CLI into that database,
// then one main process (`n8n start`: editor, REST API, production webhooks) and N workers
// (`n8n worker --concurrency=C`) sharing the database, the Bull queue and the encryption key.
// Production webhook executions run on the workers. Everything it starts is stopped by stop(), by
// the exit handlers, and by the watchdog (scripts/services/reaper.js) when the script is killed.
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const n8n = require('../n8n');
const { startPostgres } = require('../services/postgres');
const { startRedis } = require('../services/redis');
const reaper = require('../services/reaper');

/** The CLI command that activates a workflow: n8n 2.x publishes, n8n 1.x sets it active. */
const activateArgs = (version, id) =>
	version.startsWith('1.') ? ['update:workflow', `--id=${id}`, '--active=true'] : ['publish:workflow', `--id=${id}`];

const alive = (child) => child.exitCode === null && child.signalCode === null;

async function waitForHttp(url, { timeoutMs, child, name }) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (!alive(child)) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before ${url} answered`);
		try {
			const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
			if (response.ok) return;
		} catch {
			// not yet
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`${name}: ${url} did not answer within ${timeoutMs} ms`);
}

/**
 * Spawns `n8n <args>` on `folder` in a process group of its own, tracked (stopped on exit) and
 * guarded by the watchdog. Resolves { name, process, logs(), stop() }.
 */
async function spawnN8n(folder, name, args, env, { echo = false } = {}) {
	const { node, n8n: bin } = await n8n.ensureN8n();
	const child = n8n.track(
		spawn(node, [bin, ...args], {
			cwd: folder.dir,
			env: await n8n.n8nEnv(folder, env),
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		}),
		{ group: true },
	);
	reaper.guardGroup(child.pid);
	let output = '';
	const collect = (chunk) => {
		output += chunk;
		if (output.length > 4_000_000) output = output.slice(-2_000_000);
		if (echo) process.stderr.write(`[${name}] ${chunk}`);
	};
	child.stdout.on('data', collect);
	child.stderr.on('data', collect);
	return {
		name,
		process: child,
		logs: () => output,
		async stop() {
			await n8n.stopProcess(child, { graceMs: 20_000 });
			reaper.release({ group: child.pid });
		},
	};
}

/**
 * Starts n8n in queue mode on `folder` (a user folder with the package installed, see
 * scripts/n8n.js). Steps, in order:
 *   1. PostgreSQL and Redis of its own;
 *   2. `prepare({ importCredentials, importWorkflows, publishWorkflows, cli })`: n8n's CLI on that
 *      database (the first command creates and migrates it);
 *   3. main and `workers` workers, each with `env`, `mainEnv` / `workerEnv(index)`, and its own task
 *      runner broker port; resolves when main's and every worker's readiness endpoints answer.
 * Resolves { url, main, workers, postgres, redis, env, stop() }.
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
		log = n8n.log,
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
		const cli = (args, options = {}) =>
			n8n.n8nCliOrThrow(folder, args, { ...options, env: { ...cliEnv, ...options.env } });
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
			publishWorkflows: async (ids) => {
				const { version } = await n8n.ensureN8n();
				for (const id of ids) await cli(activateArgs(version, id));
			},
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
		const port = await n8n.freePort();
		const url = `http://127.0.0.1:${port}`;
		const main = await spawnN8n(
			folder,
			'main',
			['start'],
			{
				...shared,
				N8N_PORT: String(port),
				N8N_HOST: '127.0.0.1',
				N8N_PROTOCOL: 'http',
				N8N_EDITOR_BASE_URL: `${url}/`,
				WEBHOOK_URL: `${url}/`,
				N8N_SECURE_COOKIE: 'false',
				...mainEnv,
			},
			{ echo },
		);
		started.push({ kind: 'n8n', ...main });
		const workerList = [];
		for (let index = 0; index < workers; index++) {
			const healthPort = await n8n.freePort();
			const worker = await spawnN8n(
				folder,
				`worker-${index + 1}`,
				['worker', `--concurrency=${concurrency}`],
				{
					...shared,
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(healthPort),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
					...workerEnv(index),
				},
				{ echo },
			);
			worker.healthUrl = `http://127.0.0.1:${healthPort}/healthz/readiness`;
			started.push({ kind: 'n8n', ...worker });
			workerList.push(worker);
		}
		try {
			await Promise.all([
				waitForHttp(`${url}/healthz/readiness`, { timeoutMs, child: main.process, name: 'n8n main' }).then(() =>
					waitForHttp(`${url}/rest/settings`, { timeoutMs, child: main.process, name: 'n8n main' }),
				),
				...workerList.map((worker) =>
					waitForHttp(worker.healthUrl, { timeoutMs, child: worker.process, name: `n8n ${worker.name}` }),
				),
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

/** How many executions each worker started, from its own log ("Worker started execution N"). */
function executionsPerWorker(workers) {
	return Object.fromEntries(
		workers.map((worker) => [worker.name, (worker.logs().match(/Worker started execution \d+/g) ?? []).length]),
	);
}

module.exports = { startQueueMode, spawnN8n, executionsPerWorker, activateArgs };
