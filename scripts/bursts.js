// Bursts of concurrent production-webhook executions at token expiry, as a busy n8n meets them: the
// four ways to an IDCS token side by side, each with its own local IDCS (short access tokens,
// single-use rotating refresh tokens) so that their counts never mix, and everything counted from
// what the servers saw: the local IDCS's request log and its OFS stand-in's 401s, the webhook
// answers, and each worker's log. Used by the scale-out suite (test/queue) and the benchmark.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const n8n = require('./n8n');
const local = require('./local-idcs');
const reaper = require('./services/reaper');
const { preparePluginBackEnd, runPluginUsers } = require('./pluginUsers');
const { diagnoseUnanswered, describeDiagnosis } = require('./unanswered');
const wf = require('./workflows');

const APPROACHES = [
	{
		key: 'credentialSource',
		label: 'Field Service Token, credential source → HTTP Request',
		path: 'scale-credential-source',
		grantType: 'refresh_token',
	},
	{
		key: 'n8nRefresh',
		label: "HTTP Request with the idcsOAuth2Api credential (n8n's own refresh)",
		path: 'scale-n8n-refresh',
		grantType: 'refresh_token',
	},
	{
		key: 'fieldSource',
		label: 'Field Service Token, field source (one refresh token) → HTTP Request',
		path: 'scale-field-source',
		grantType: 'refresh_token',
	},
	{
		key: 'clientCredentials',
		label: 'Field Service Token, Get Client Credentials Token → HTTP Request',
		path: 'scale-client-credentials',
		grantType: 'client_credentials',
	},
];

/** The grant an approach's token calls use (in the local IDCS's request log). */
const grantTypeOf = (key) => APPROACHES.find((a) => a.key === key).grantType;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** A short, stable name for a refresh token in reports: never the token itself. */
const tokenId = (token) => crypto.createHash('sha256').update(String(token)).digest('hex').slice(0, 10);

/**
 * One local IDCS per approach (access tokens live `ttl` s), the credentials and workflows for them,
 * and the refresh tokens the field source is given. Resolves { idcs, credentials, workflows,
 * fieldRefreshToken, warmUpRefreshToken, stop() }.
 */
async function prepareApproaches({ ttl, marginSeconds, worker = true }) {
	const idcs = {};
	const stop = async () => {
		await Promise.all(
			Object.values(idcs).map(async (server) => {
				await server.stop().catch(() => {});
				reaper.release({ pid: server.process.pid });
			}),
		);
	};
	try {
		for (const { key } of APPROACHES) {
			idcs[key] = await local.startIdcs({ accessTokenTtl: ttl });
			reaper.guardProcess(idcs[key].process.pid);
		}
		const ref = (id) => ({ id, name: id });
		const creds = {
			credentialSource: ref('scaleCredSource1'),
			n8nRefresh: ref('scaleCredN8nRef1'),
			fieldSource: ref('scaleCredField01'),
			clientCredentials: ref('scaleCredClient1'),
		};
		const { clientId, clientSecret } = idcs.fieldSource.clients.basic;
		// A confidential application with the Client Credentials grant allowed (client_secret_basic).
		const service = idcs.clientCredentials.clients.service;
		const credentials = [
			local.credential(
				creds.credentialSource.id,
				creds.credentialSource.name,
				await local.connectedCredentialData(idcs.credentialSource, { client: 'basic' }),
			),
			local.credential(
				creds.n8nRefresh.id,
				creds.n8nRefresh.name,
				await local.connectedCredentialData(idcs.n8nRefresh, { client: 'basic' }),
			),
			local.credential(creds.fieldSource.id, creds.fieldSource.name, {
				domainUrl: idcs.fieldSource.issuer,
				clientId,
				clientSecret,
				resourceScope: local.RESOURCE_SCOPE,
				authentication: 'header',
			}),
			local.credential(creds.clientCredentials.id, creds.clientCredentials.name, {
				domainUrl: idcs.clientCredentials.issuer,
				clientId: service.clientId,
				clientSecret: service.clientSecret,
				resourceScope: local.RESOURCE_SCOPE,
				authentication: 'header',
			}),
		];
		const apiUrl = (key) => `${idcs[key].ofsBaseUrl}/rest/ofscCore/v1/resources`;
		const path = Object.fromEntries(APPROACHES.map((a) => [a.key, a.path]));
		const workflows = [
			wf.nodeCredentialSource({
				id: 'scaleWorkflowCred',
				name: 'scale-out: Field Service Token, credential source',
				path: path.credentialSource,
				credential: creds.credentialSource,
				apiUrl: apiUrl('credentialSource'),
				marginSeconds,
				worker,
			}),
			wf.httpRequestCredential({
				id: 'scaleWorkflowN8nR',
				name: "scale-out: HTTP Request with the credential (n8n's refresh)",
				path: path.n8nRefresh,
				credential: creds.n8nRefresh,
				apiUrl: apiUrl('n8nRefresh'),
				worker,
			}),
			wf.nodeFieldSource({
				id: 'scaleWorkflowFld',
				name: 'scale-out: Field Service Token, field source',
				path: path.fieldSource,
				credential: creds.fieldSource,
				apiUrl: apiUrl('fieldSource'),
				marginSeconds,
				worker,
			}),
			wf.nodeClientCredentials({
				id: 'scaleWorkflowCcg',
				name: 'scale-out: Field Service Token, Get Client Credentials Token',
				path: path.clientCredentials,
				credential: creds.clientCredentials,
				apiUrl: apiUrl('clientCredentials'),
				marginSeconds,
				worker,
			}),
		];
		return {
			idcs,
			credentials,
			workflows,
			workflowIds: Object.fromEntries(APPROACHES.map((a, i) => [a.key, workflows[i].id])),
			fieldRefreshToken: await idcs.fieldSource.mintRefreshToken('basic'),
			warmUpRefreshToken: await idcs.fieldSource.mintRefreshToken('basic'),
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

/**
 * POSTs to a webhook; resolves { ok, status, ms, body }. Never throws for an HTTP answer. A call with no
 * answer within `timeoutMs` resolves status 0; a burst's calls are answered within 9 s on 2 busy cores.
 */
async function callWebhook(url, body, timeoutMs = 60_000) {
	const started = Date.now();
	try {
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body ?? {}),
			signal: AbortSignal.timeout(timeoutMs),
		});
		const text = await response.text();
		let json;
		try {
			json = JSON.parse(text);
		} catch {
			json = { text: text.slice(0, 300) };
		}
		return {
			ok: response.status === 200 && json?.totalResults === 2,
			status: response.status,
			ms: Date.now() - started,
			body: json,
		};
	} catch (error) {
		return { ok: false, status: 0, ms: Date.now() - started, body: { error: String(error.message) } };
	}
}

/** Calls until the webhook is registered (n8n registers production webhooks shortly after start). */
async function waitForWebhook(url, body, { timeoutMs = 90_000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const result = await callWebhook(url, body);
		if (result.status !== 404) return result;
		if (Date.now() > deadline) throw new Error(`${url} is not registered (404) after ${timeoutMs} ms`);
		await sleep(500);
	}
}

const tokenCalls = (entries, grantType) => entries.filter((e) => e.endpoint === 'token' && e.grantType === grantType);
const refreshCalls = (entries) => tokenCalls(entries, 'refresh_token');
const lastOkTime = (entries, grantType) =>
	Math.max(
		0,
		...tokenCalls(entries, grantType)
			.filter((e) => e.outcome === 'ok')
			.map((e) => Date.parse(e.time)),
	);

/**
 * Refreshes that came while the token before them was still valid beyond the margin: consecutive
 * successful refresh calls less than (ttl - margin) s apart. A refresh decided on n8n's expiry
 * record can come no sooner: n8n dates a token from when the answer arrived, later than the call.
 */
function prematureRefreshes(entries, ttl, marginSeconds) {
	const ok = refreshCalls(entries)
		.filter((e) => e.outcome === 'ok')
		.sort((a, b) => a.id - b.id);
	const early = [];
	for (let i = 1; i < ok.length; i++) {
		const gapMs = Date.parse(ok[i].time) - Date.parse(ok[i - 1].time);
		if (gapMs < (ttl - marginSeconds) * 1000) early.push({ id: ok[i].id, gapMs });
	}
	return early;
}

/**
 * Per refresh token (by tokenId): how often it was presented, how often IDCS took it or answered
 * invalid_grant, and how often it was presented again after its first invalid_grant was answered
 * (requests that arrived after that answer, so whoever sent them could have known).
 */
function presentations(entries) {
	const byToken = new Map();
	for (const entry of refreshCalls(entries)) {
		const token = entry.body?.refresh_token;
		if (typeof token !== 'string') continue;
		const row = byToken.get(token) ?? { token: tokenId(token), presented: 0, ok: 0, invalidGrant: 0, entries: [] };
		row.presented += 1;
		if (entry.outcome === 'ok') row.ok += 1;
		if (entry.outcome === 'invalid_grant') row.invalidGrant += 1;
		row.entries.push(entry);
		byToken.set(token, row);
	}
	return [...byToken.values()].map(({ entries: list, ...row }) => {
		const rejections = list.filter((e) => e.outcome === 'invalid_grant');
		const firstAnswered = rejections.length ? Math.min(...rejections.map((e) => e.nextIdWhenAnswered)) : Infinity;
		return { ...row, presentedAfterRejection: list.filter((e) => e.id >= firstAnswered).length };
	});
}

const count = (values) => values.reduce((acc, value) => ((acc[value] = (acc[value] ?? 0) + 1), acc), {});

/**
 * Runs `bursts` rounds. In each round, each approach in turn waits until its last access token
 * expired, then gets `size` executions at once. Resolves
 * { rounds: [{ key, burst, ...counts }], afterwards: { key: { ok, detail } }, entries: { key: log } }.
 * `workerCounts()` (optional) gives { name: executions started so far }, to count them per burst;
 * `diagnose({ key, since, calls, unanswered })` (optional) what n8n's records say of a burst in which a
 * call got no answer at all (see unanswered.js).
 */
async function runBursts({ url, setup, bursts, size, ttl, workerCounts = () => ({}), diagnose, log = n8n.log }) {
	const hook = (key) => `${url}/webhook/${APPROACHES.find((a) => a.key === key).path}`;
	const body = (key) => (key === 'fieldSource' ? { refresh_token: setup.fieldRefreshToken } : {});
	const requests = async (key) => setup.idcs[key].requests();
	// Until every access token of the approach expired (each has its own local IDCS). One second
	// more: oidc-provider dates tokens in whole seconds.
	const untilExpired = async (key) =>
		sleep(lastOkTime(await requests(key), grantTypeOf(key)) + (ttl + 1) * 1000 - Date.now());

	const rounds = [];
	for (let burst = 1; burst <= bursts; burst++) {
		for (const { key } of APPROACHES) {
			await untilExpired(key);
			const before = {
				stats: await setup.idcs[key].stats(),
				log: (await requests(key)).length,
				workers: workerCounts(),
			};
			const started = Date.now();
			const answers = await Promise.all(Array.from({ length: size }, () => callWebhook(hook(key), body(key))));
			const ms = Date.now() - started;
			const after = { stats: await setup.idcs[key].stats(), log: await requests(key), workers: workerCounts() };
			const calls = tokenCalls(after.log.slice(before.log), grantTypeOf(key));
			const failures = answers.filter((a) => !a.ok);
			const unanswered = answers.filter((a) => a.status === 0).length;
			const row = {
				key,
				burst,
				executions: size,
				ok: size - failures.length,
				failed: failures.length,
				ms,
				tokenCalls: calls.length,
				tokenOk: calls.filter((e) => e.outcome === 'ok').length,
				invalidGrant: calls.filter((e) => e.outcome === 'invalid_grant').length,
				api401: after.stats.api.unauthorized - before.stats.api.unauthorized,
				answeredBy: count(answers.filter((a) => a.ok).map((a) => a.body.worker ?? '?')),
				startedOn: Object.fromEntries(
					Object.entries(after.workers).map(([name, n]) => [name, n - (before.workers[name] ?? 0)]),
				),
				failureSamples: [
					...new Set(failures.map((a) => `HTTP ${a.status} ${JSON.stringify(a.body).slice(0, 160)}`)),
				].slice(0, 3),
				unanswered,
				diagnosis:
					unanswered && diagnose
						? await diagnose({ key, since: started - 1_000, calls: size, unanswered }).catch((error) => ({
								verdict: `not diagnosed: ${error.message}`,
							}))
						: undefined,
			};
			rounds.push(row);
			log(
				`  burst ${burst} ${key}: ${row.ok}/${row.executions} ok in ${(ms / 1000).toFixed(1)} s, ${row.tokenCalls} token call(s) (${row.invalidGrant} invalid_grant), ${row.api401} API 401(s); started on ${JSON.stringify(row.startedOn)}${row.failed ? `; failures: ${row.failureSamples.join(' | ')}` : ''}`,
			);
			if (row.diagnosis) log(`  burst ${burst} ${key}: ${describeDiagnosis(row.diagnosis)}`);
		}
	}

	// Afterwards, once more after expiry: does each approach still work (is its grant alive)?
	const afterwards = {};
	for (const { key } of APPROACHES) {
		await untilExpired(key);
		const answer = await callWebhook(hook(key), body(key));
		afterwards[key] = {
			ok: answer.ok,
			detail: answer.ok ? undefined : `HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 160)}`,
		};
	}
	const entries = {};
	for (const { key } of APPROACHES) entries[key] = await requests(key);
	return { rounds, afterwards, entries };
}

/** Sums of the rounds of one approach, plus what the request log says over the whole run. */
function summarize(result, key, { ttl, marginSeconds }) {
	const rows = result.rounds.filter((r) => r.key === key);
	const sum = (field) => rows.reduce((total, row) => total + row[field], 0);
	const tokens = presentations(result.entries[key]);
	return {
		key,
		label: APPROACHES.find((a) => a.key === key).label,
		executions: sum('executions'),
		ok: sum('ok'),
		failed: sum('failed'),
		// Calls left unanswered although n8n recorded every execution of their burst as ended: n8n's main
		// process lost the answer (docs/scaling-out.md), after the package had done its part.
		lostByN8n: rows.filter((r) => r.diagnosis?.verdict === 'answer lost').reduce((total, r) => total + r.unanswered, 0),
		tokenCallsPerBurst: rows.map((r) => r.tokenCalls),
		burstSeconds: rows.map((r) => Number((r.ms / 1000).toFixed(1))),
		invalidGrant: sum('invalidGrant'),
		api401PerBurst: rows.map((r) => r.api401),
		api401: sum('api401'),
		prematureRefreshes: prematureRefreshes(result.entries[key], ttl, marginSeconds).length,
		presentedAfterRejection: tokens.reduce((total, t) => total + t.presentedAfterRejection, 0),
		mostPresentations: Math.max(0, ...tokens.map((t) => t.presented)),
		aliveAfter: result.afterwards[key].ok,
	};
}

/** A markdown table of the summaries. */
function table(summaries) {
	const lines = [
		'| workflow | executions ok / failed | token calls per burst | burst length (s) | invalid_grant | presented again after invalid_grant | API 401s per burst | refreshes while valid | grant alive after |',
		'|---|---|---|---|---|---|---|---|---|',
	];
	for (const s of summaries) {
		lines.push(
			`| ${s.label} | ${s.ok} / ${s.failed} | ${s.tokenCallsPerBurst.join(', ')} | ${s.burstSeconds.join(', ')} | ${s.invalidGrant} | ${s.presentedAfterRejection} | ${s.api401PerBurst.join(', ')} | ${s.prematureRefreshes} | ${s.aliveAfter ? 'yes' : 'no'} |`,
		);
	}
	return lines.join('\n');
}

/**
 * Access tokens live 15 s (IDCS: 3,349 s); the node's expiry margin is 5 s (60 s by default): a token
 * handed out must outlast the rest of an execution on a busy machine, which time does not scale.
 */
const DEFAULTS = { ttl: 15, marginSeconds: 5, bursts: 5, size: 50, workers: 2, concurrency: 10 };

const OWNER = { email: 'scale-out@example.com', password: 'ScaleOut1234' };

/**
 * The whole scenario in `mode` ('queue': main + `workers` workers, PostgreSQL, Redis; 'regular': one
 * `n8n start` on SQLite): a user folder under `parent` with `tarball` installed as a community
 * package, the four workflows and their local IDCS instances, one warm-up execution each, then the
 * bursts; `n8nEnv`: more settings for every n8n process. Stops everything it started before it resolves
 * (or rejects). Resolves { mode, config, n8nVersion, result, summaries, workers (executions started per
 * worker), failedWithInvalidGrant, ms }.
 */
async function scaleOut({ mode, tarball, parent, config: overrides = {}, log = n8n.log, keep = false, n8nEnv = {} }) {
	const config = { ...DEFAULTS, ...overrides };
	const started = Date.now();
	const folder = n8n.userFolder(fs.mkdtempSync(path.join(parent, `${mode}-`)));
	reaper.guardPath(folder.dir);
	let setup;
	let plugin;
	let server;
	try {
		const { version } = await n8n.ensureN8n();
		// n8n 2.x publishes workflows through its REST API once it runs (n8n 1.x has no Publish).
		const publishes = !version.startsWith('1.');
		await n8n.installPackage(folder, tarball);
		setup = await prepareApproaches({ ttl: config.ttl, marginSeconds: config.marginSeconds });
		// The Field Service plugin's back end (examples/ofs-plugin-*), run after the bursts by pluginUsers.js.
		plugin = await preparePluginBackEnd();
		reaper.guardProcess(plugin.idcs.process.pid);
		const credentials = [...setup.credentials, ...plugin.credentials];
		const workflows = [...setup.workflows, ...plugin.workflows];
		const env = { N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false', N8N_LOG_LEVEL: 'info', ...n8nEnv };
		let workerCounts;
		let psql;
		let diagnose;
		if (mode === 'queue') {
			server = await n8n.startQueueMode(folder, {
				log,
				workers: config.workers,
				concurrency: config.concurrency,
				env,
				mainEnv: { FST_WORKER: 'main' },
				workerEnv: (index) => ({ FST_WORKER: `worker-${index + 1}` }),
				prepare: async ({ importCredentials, importWorkflows }) => {
					await importCredentials(credentials);
					await importWorkflows(workflows);
				},
			});
			workerCounts = () => n8n.executionsPerWorker(server.workers);
			psql = server.postgres.psql;
			const processes = [server.main, ...server.workers];
			diagnose = ({ key, ...burst }) =>
				diagnoseUnanswered({
					...burst,
					workflowId: setup.workflowIds[key],
					psql,
					redis: server.redis.command,
					processes,
				});
		} else {
			await n8n.importCredentials(folder, credentials);
			await n8n.importWorkflows(folder, workflows);
			// n8n 1.x has no Publish: its CLI sets the workflows active before the start.
			if (!publishes)
				for (const workflow of workflows) await n8n.n8nCliOrThrow(folder, n8n.activateArgs(version, workflow.id));
			server = await n8n.startN8n(folder, { env: { ...env, FST_WORKER: 'main' } });
			reaper.guardGroup(server.process.pid);
		}
		await n8n.setupOwner(server.url, OWNER);
		if (publishes)
			await n8n.publishWorkflows(
				server.url,
				await n8n.login(server.url, OWNER),
				workflows.map((w) => w.id),
			);
		for (const { key, path: hookPath } of APPROACHES) {
			const body = key === 'fieldSource' ? { refresh_token: setup.warmUpRefreshToken } : {};
			const answer = await waitForWebhook(`${server.url}/webhook/${hookPath}`, body);
			if (!answer.ok) throw new Error(`warm-up of ${key} failed: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
		}
		log(
			`${mode} mode (n8n ${version}) ready in ${Math.round((Date.now() - started) / 1000)} s; ${config.bursts} bursts of ${config.size} executions per workflow, access tokens of ${config.ttl} s, margin ${config.marginSeconds} s${Object.keys(n8nEnv).length ? `; n8n settings ${JSON.stringify(n8nEnv)}` : ''}`,
		);

		const workersBefore = workerCounts?.() ?? {};
		const result = await runBursts({ url: server.url, setup, ...config, workerCounts, diagnose, log });
		const workers = Object.fromEntries(
			Object.entries(workerCounts?.() ?? {}).map(([name, n]) => [name, n - (workersBefore[name] ?? 0)]),
		);
		// Failed executions whose error is IDCS's invalid_grant (queue mode keeps execution data in PostgreSQL).
		const failedWithInvalidGrant = psql
			? Number(
					psql(
						`SELECT count(*) FROM execution_entity e JOIN execution_data d ON d."executionId" = e.id WHERE e."workflowId" = '${setup.workflowIds.fieldSource}' AND e.status = 'error' AND d.data LIKE '%(invalid_grant)%'`,
					),
				)
			: undefined;
		// The plugin's users, each signing in once and then making requests in a row, all at once.
		const pluginWorkersBefore = workerCounts?.() ?? {};
		const pluginUsers = await runPluginUsers({ url: server.url, backEnd: plugin });
		pluginUsers.workers = Object.fromEntries(
			Object.entries(workerCounts?.() ?? {}).map(([name, n]) => [name, n - (pluginWorkersBefore[name] ?? 0)]),
		);
		// Queue mode passes execution data through PostgreSQL: none of the refresh tokens may be there.
		if (psql)
			pluginUsers.refreshTokensInDatabase = pluginUsers.refreshTokensIssued.filter(
				(token) =>
					Number(psql(`SELECT count(*) FROM execution_data WHERE data LIKE '%${token.replace(/'/g, "''")}%'`)) > 0,
			).length;
		return {
			mode,
			config,
			n8nVersion: version,
			result,
			pluginUsers,
			summaries: APPROACHES.map(({ key }) => summarize(result, key, config)),
			workers,
			failedWithInvalidGrant,
			ms: Date.now() - started,
		};
	} finally {
		await server?.stop().catch((error) => log(`stopping n8n: ${error.message}`));
		if (server?.process) reaper.release({ group: server.process.pid });
		await setup?.stop();
		if (plugin) {
			await plugin.stop().catch(() => {});
			reaper.release({ pid: plugin.idcs.process.pid });
		}
		if (keep) log(`user folder kept: ${folder.dir}`);
		else {
			fs.rmSync(folder.dir, { recursive: true, force: true });
			reaper.release({ path: folder.dir });
		}
	}
}

/** The lines that report a scaleOut() run: the table, executions per worker, rejected refresh tokens. */
function report(run) {
	const lines = [`${run.mode} mode, n8n ${run.n8nVersion}: ${(run.ms / 1000).toFixed(0)} s in all`];
	if (run.mode === 'queue')
		lines.push(
			`executions started per worker during the bursts (from each worker's log): ${JSON.stringify(run.workers)}`,
		);
	lines.push(table(run.summaries));
	if (run.failedWithInvalidGrant !== undefined)
		lines.push(`field source: ${run.failedWithInvalidGrant} failed executions carry IDCS's invalid_grant error`);
	for (const row of run.result.rounds.filter((r) => r.unanswered))
		lines.push(
			`burst ${row.burst} ${row.key}: ${row.diagnosis ? describeDiagnosis(row.diagnosis) : `${row.unanswered} calls unanswered (no diagnosis in ${run.mode} mode)`}`,
		);
	for (const t of presentations(run.result.entries.fieldSource).filter((p) => p.invalidGrant > 0))
		lines.push(
			`field source refresh token ${t.token}: presented ${t.presented}x (${t.ok} ok, ${t.invalidGrant} invalid_grant), ${t.presentedAfterRejection}x after its first invalid_grant`,
		);
	const p = run.pluginUsers;
	if (p)
		lines.push(
			`the plugin's back end: ${p.users} users at once, a sign-in and ${p.requests} requests each: ${p.ok} ok, ${p.failed} failed, ${p.signIns} code exchanges, ${p.refreshes} refreshes, ${p.invalidGrant} invalid_grant, each refresh token presented at most ${p.mostPresentations}x, ${(p.ms / 1000).toFixed(1)} s${p.workers && Object.keys(p.workers).length ? `; executions per worker ${JSON.stringify(p.workers)}` : ''}${p.refreshTokensInDatabase !== undefined ? `; refresh tokens found in PostgreSQL: ${p.refreshTokensInDatabase}` : ''}`,
		);
	return lines;
}

module.exports = {
	APPROACHES,
	DEFAULTS,
	scaleOut,
	report,
	tokenId,
	prepareApproaches,
	callWebhook,
	waitForWebhook,
	runBursts,
	summarize,
	presentations,
	prematureRefreshes,
	table,
};
