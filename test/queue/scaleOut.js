// Shared by the scale-out files: n8n (queue or regular mode) with the packed package, the three
// workflows of scripts/bursts.js against their own local IDCS, warmed up, then the bursts; the
// results are printed as a table and returned for the assertions.
const fs = require('fs');
const path = require('path');

const n8n = require('../../scripts/n8n');
const bursts = require('../../scripts/bursts');
const { startQueueMode, executionsPerWorker } = require('../../scripts/n8n/queue');

const settings = JSON.parse(process.env.FST_QUEUE ?? 'null');
if (!settings)
	throw new Error('FST_QUEUE is not set: run these tests with `npm run test:queue` (its globalSetup prepares n8n)');

/** Access tokens live 10 s (IDCS: 3,349 s); the node's expiry margin is 3 s. */
const SETTINGS = { ttl: 10, marginSeconds: 3, bursts: 5, size: 50, workers: 2, concurrency: 10 };

const OWNER = { email: 'scale-out@example.com', password: 'ScaleOut1234' };

// Straight to stderr: Jest would decorate console output with source locations.
const write = (text) => process.stderr.write(`${text}\n`);
const log = (text) => write(`[fst] ${text}`);

/**
 * Runs the whole scenario in `mode` ('queue' or 'regular') and resolves
 * { mode, result, summaries, workers (executions started per worker), failedWithInvalidGrant, stop() }.
 */
async function scaleOut(mode, { settings: overrides = {} } = {}) {
	const config = { ...SETTINGS, ...overrides };
	const started = Date.now();
	const folder = n8n.userFolder(path.join(settings.workDir, `${mode}-user`));
	let setup;
	let server;
	const stop = async () => {
		await server?.stop();
		await setup?.stop();
		if (!process.env.FST_QUEUE_KEEP) fs.rmSync(folder.dir, { recursive: true, force: true });
	};
	try {
		await n8n.installPackage(folder, settings.tarball);
		setup = await bursts.prepareApproaches({ ttl: config.ttl, marginSeconds: config.marginSeconds });
		const env = { N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false', N8N_LOG_LEVEL: 'info' };
		let workerCounts;
		let psql;
		if (mode === 'queue') {
			server = await startQueueMode(folder, {
				log,
				workers: config.workers,
				concurrency: config.concurrency,
				env,
				mainEnv: { FST_WORKER: 'main' },
				workerEnv: (index) => ({ FST_WORKER: `worker-${index + 1}` }),
				prepare: async ({ importCredentials, importWorkflows, publishWorkflows }) => {
					await importCredentials(setup.credentials);
					await importWorkflows(setup.workflows);
					await publishWorkflows(setup.workflows.map((w) => w.id));
				},
			});
			workerCounts = () => executionsPerWorker(server.workers);
			psql = server.postgres.psql;
		} else {
			await n8n.importCredentials(folder, setup.credentials);
			await n8n.importWorkflows(folder, setup.workflows);
			for (const workflow of setup.workflows)
				await n8n.n8nCliOrThrow(folder, ['publish:workflow', `--id=${workflow.id}`]);
			server = await n8n.startN8n(folder, { env: { ...env, FST_WORKER: 'main' } });
		}
		await n8n.setupOwner(server.url, OWNER);
		for (const { key, path: hookPath } of bursts.APPROACHES) {
			const body = key === 'fieldSource' ? { refresh_token: setup.warmUpRefreshToken } : {};
			const answer = await bursts.waitForWebhook(`${server.url}/webhook/${hookPath}`, body);
			if (!answer.ok) throw new Error(`warm-up of ${key} failed: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
		}
		log(
			`${mode} mode ready in ${Math.round((Date.now() - started) / 1000)} s; ${config.bursts} bursts of ${config.size} executions per workflow, access tokens of ${config.ttl} s, margin ${config.marginSeconds} s`,
		);

		const workersBefore = workerCounts?.() ?? {};
		const result = await bursts.runBursts({
			url: server.url,
			setup,
			bursts: config.bursts,
			size: config.size,
			ttl: config.ttl,
			marginSeconds: config.marginSeconds,
			workerCounts,
			log,
		});
		const summaries = bursts.APPROACHES.map(({ key }) => bursts.summarize(result, key, config));
		const workers = Object.fromEntries(
			Object.entries(workerCounts?.() ?? {}).map(([name, n]) => [name, n - (workersBefore[name] ?? 0)]),
		);
		// Failed executions whose error is IDCS's invalid_grant (execution data is in PostgreSQL).
		const failedWithInvalidGrant = psql
			? Number(
					psql(
						`SELECT count(*) FROM execution_entity e JOIN execution_data d ON d."executionId" = e.id WHERE e."workflowId" = '${setup.workflowIds.fieldSource}' AND e.status = 'error' AND d.data LIKE '%(invalid_grant)%'`,
					),
				)
			: undefined;

		write(`\n== ${mode} mode, n8n ${settings.n8nVersion}: ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
		if (mode === 'queue')
			write(`executions started per worker during the bursts (from each worker's log): ${JSON.stringify(workers)}`);
		write(bursts.table(summaries));
		if (failedWithInvalidGrant !== undefined)
			write(`field source: ${failedWithInvalidGrant} failed executions carry IDCS's invalid_grant error`);
		const tokens = bursts.presentations(result.entries.fieldSource).filter((t) => t.invalidGrant > 0);
		for (const t of tokens)
			write(
				`field source refresh token ${t.token}: presented ${t.presented}x (${t.ok} ok, ${t.invalidGrant} invalid_grant), ${t.presentedAfterRejection}x after its first invalid_grant`,
			);
		return { mode, config, result, summaries, workers, failedWithInvalidGrant, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

const rowsOf = (run, key) => run.result.rounds.filter((r) => r.key === key);
const summaryOf = (run, key) => run.summaries.find((s) => s.key === key);

module.exports = { settings, SETTINGS, scaleOut, rowsOf, summaryOf };
