// Section 1 (and the real-n8n rows of 3 and 4): one `n8n start` (n8n 2.41.1, the package installed as
// a community package), one local IDCS per approach so that their counts never mix, the workflows
// behind webhooks, and the bench as the clock that calls each one every `intervalSeconds` for a
// simulated working day. Then, with every token expired, `burst` concurrent executions per approach;
// then N items through the node in real n8n.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const n8n = require('../scripts/n8n');
const local = require('../scripts/local-idcs');
const wf = require('../scripts/workflows');
const { admin, sleep, median, quantile, tokenCounts } = require('./lib/util');

const APPROACHES = [
	{ key: 'a', label: '(a) Field Service Token (credential source) → HTTP Request', carriesRefreshToken: false },
	{ key: 'a2', label: '(a2) Field Service Token (field source) → HTTP Request', carriesRefreshToken: true },
	{
		key: 'b',
		label: "(b) HTTP Request with the idcsOAuth2Api credential (n8n's own OAuth2)",
		carriesRefreshToken: false,
	},
	{
		key: 'c',
		label: '(c) HTTP Request posting the grant by hand on every execution → HTTP Request',
		carriesRefreshToken: true,
	},
];

/** POSTs to a webhook; resolves { ok, status, ms, body }. Never throws for an HTTP answer. */
async function callWebhook(url, body, timeoutMs = 60_000) {
	const start = process.hrtime.bigint();
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
			json = { text: text.slice(0, 500) };
		}
		const ms = Number(process.hrtime.bigint() - start) / 1e6;
		const ok = response.status === 200 && json?.totalResults === 2;
		return { ok, status: response.status, ms, body: json };
	} catch (error) {
		return {
			ok: false,
			status: 0,
			ms: Number(process.hrtime.bigint() - start) / 1e6,
			body: { error: String(error.message) },
		};
	}
}

async function waitForWebhook(url, body, { timeoutMs = 60_000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const result = await callWebhook(url, body);
		if (result.status !== 404) return result;
		if (Date.now() > deadline) throw new Error(`${url} is not registered (404) after ${timeoutMs} ms`);
		await sleep(500);
	}
}

function idcsCounts(stats) {
	return { ...tokenCounts(stats), api: { ...stats.api } };
}

function diffCounts(after, before) {
	return {
		calls: after.calls - before.calls,
		ok: after.ok - before.ok,
		invalidGrant: after.invalidGrant - before.invalidGrant,
		otherErrors: after.otherErrors - before.otherErrors,
		api: {
			total: after.api.total - before.api.total,
			ok: after.api.ok - before.api.ok,
			unauthorized: after.api.unauthorized - before.api.unauthorized,
		},
	};
}

const statsOf = async (idcs) => idcsCounts(await admin(idcs.issuer, 'stats'));

module.exports = async function realN8n({
	ttl,
	intervalSeconds,
	daySeconds,
	marginSeconds,
	burst,
	scaleSizes,
	log,
	registerCleanup,
}) {
	const started = Date.now();
	const timings = {};
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fst-bench-'));
	const idcsList = [];
	let server;
	const cleanup = async () => {
		await server?.stop().catch(() => {});
		await Promise.all(idcsList.map((idcs) => idcs.stop().catch(() => {})));
		fs.rmSync(workDir, { recursive: true, force: true });
	};
	registerCleanup(cleanup);

	try {
		// --- n8n, the package, the user folder --------------------------------------------------------
		let step = Date.now();
		const { version } = await n8n.ensureN8n();
		// bench/run.js built dist/ already: pack what it built.
		const tarball = await n8n.packPackage(path.join(workDir, 'pack'));
		const folder = n8n.userFolder(path.join(workDir, 'n8n'));
		const packageVersion = await n8n.installPackage(folder, tarball);
		timings.install = Date.now() - step;
		log(
			`n8n ${version} ready, ${path.basename(tarball)} installed as a community package (${((Date.now() - step) / 1000).toFixed(0)} s)`,
		);

		// --- one local IDCS per approach (short tokens), one for the scale rows (IDCS's own TTL) ---------
		step = Date.now();
		const idcs = {};
		for (const { key } of APPROACHES) {
			idcs[key] = await local.startIdcs({ accessTokenTtl: ttl });
			idcsList.push(idcs[key]);
		}
		idcs.scale = await local.startIdcs();
		idcsList.push(idcs.scale);

		const clientData = (server) => {
			const { clientId, clientSecret } = server.clients.basic;
			return {
				domainUrl: server.issuer,
				clientId,
				clientSecret,
				resourceScope: local.RESOURCE_SCOPE,
				authentication: 'header',
			};
		};
		const ref = (id) => ({ id, name: id });
		const creds = {
			a: ref('benchCredA000001'),
			a2: ref('benchCredA200001'),
			b: ref('benchCredB000001'),
			c: ref('benchCredC000001'),
			scale: ref('benchCredS000001'),
		};
		const basicC = idcs.c.clients.basic;
		await n8n.importCredentials(folder, [
			local.credential(creds.a.id, creds.a.name, await local.connectedCredentialData(idcs.a, { client: 'basic' })),
			local.credential(creds.a2.id, creds.a2.name, clientData(idcs.a2)),
			local.credential(creds.b.id, creds.b.name, await local.connectedCredentialData(idcs.b, { client: 'basic' })),
			{
				id: creds.c.id,
				name: creds.c.name,
				type: 'httpBasicAuth',
				data: { user: basicC.clientId, password: basicC.clientSecret },
			},
			local.credential(creds.scale.id, creds.scale.name, clientData(idcs.scale)),
		]);
		const apiUrl = (server) => `${server.ofsBaseUrl}/rest/ofscCore/v1/resources`;
		const workflows = {
			a: wf.nodeCredentialSource({
				id: 'benchWorkflowA01',
				path: 'bench-a',
				credential: creds.a,
				apiUrl: apiUrl(idcs.a),
				marginSeconds,
			}),
			a2: wf.nodeFieldSource({
				id: 'benchWorkflowA21',
				path: 'bench-a2',
				credential: creds.a2,
				apiUrl: apiUrl(idcs.a2),
				marginSeconds,
			}),
			b: wf.httpRequestCredential({
				id: 'benchWorkflowB01',
				path: 'bench-b',
				credential: creds.b,
				apiUrl: apiUrl(idcs.b),
			}),
			c: wf.httpRequestByHand({
				id: 'benchWorkflowC01',
				path: 'bench-c',
				basicCredential: creds.c,
				tokenUrl: idcs.c.tokenUrl,
				apiUrl: apiUrl(idcs.c),
			}),
			scale: wf.scaleNode({ id: 'benchWorkflowS01', path: 'bench-scale', credential: creds.scale }),
			scaleBase: wf.scaleBaseline({ id: 'benchWorkflowS02', path: 'bench-scale-base' }),
		};
		await n8n.importWorkflows(folder, Object.values(workflows));
		for (const workflow of Object.values(workflows))
			await n8n.n8nCliOrThrow(folder, ['publish:workflow', `--id=${workflow.id}`]);
		timings.import = Date.now() - step;
		log(
			`5 local IDCS instances, credentials and ${Object.keys(workflows).length} workflows imported and published (${((Date.now() - step) / 1000).toFixed(0)} s)`,
		);

		step = Date.now();
		server = await n8n.startN8n(folder, { env: { N8N_LOG_LEVEL: 'warn' } });
		const hook = (p) => `${server.url}/webhook/${p}`;
		log(`n8n start on ${server.url} (${((Date.now() - step) / 1000).toFixed(0)} s)`);

		// --- warm-up: one execution each (its token calls are not counted) -----------------------------
		const carried = {
			a2: (await admin(idcs.a2.issuer, 'refresh-tokens', { client: 'basic' })).refresh_token,
			c: (await admin(idcs.c.issuer, 'refresh-tokens', { client: 'basic' })).refresh_token,
		};
		const paths = { a: 'bench-a', a2: 'bench-a2', b: 'bench-b', c: 'bench-c' };
		const bodyFor = (key) => (carried[key] ? { refresh_token: carried[key] } : {});
		const keep = (key, response) => {
			if (carried[key] && typeof response.body?.refresh_token === 'string' && response.body.refresh_token)
				carried[key] = response.body.refresh_token;
		};
		for (const { key } of APPROACHES) {
			const response = await waitForWebhook(hook(paths[key]), bodyFor(key));
			if (!response.ok)
				throw new Error(
					`warm-up of (${key}) failed: HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 800)}`,
				);
			keep(key, response);
		}
		const scaleWarm = await waitForWebhook(hook('bench-scale'), {
			items: 1,
			refresh_token: (await admin(idcs.scale.issuer, 'refresh-tokens', { client: 'basic' })).refresh_token,
		});
		if (scaleWarm.status !== 200)
			throw new Error(
				`warm-up of the scale workflow failed: HTTP ${scaleWarm.status} ${JSON.stringify(scaleWarm.body).slice(0, 800)}`,
			);
		await waitForWebhook(hook('bench-scale-base'), { items: 1, refresh_token: 'x' });

		// --- the day -----------------------------------------------------------------------------------
		const runs = Math.max(1, Math.round(daySeconds / intervalSeconds));
		const before = {};
		for (const { key } of APPROACHES) before[key] = await statsOf(idcs[key]);
		log(
			`the day: ${runs} executions per approach, one every ${intervalSeconds} s for ${daySeconds} s; access tokens live ${ttl} s`,
		);
		const dayStart = Date.now() + 1000;
		const day = {};
		let done = 0;
		const progress = setInterval(
			() =>
				log(
					`  ... ${Math.round((Date.now() - dayStart) / 1000)} s of ${daySeconds} s, ${done} of ${runs * APPROACHES.length} executions`,
				),
			30_000,
		);
		try {
			await Promise.all(
				APPROACHES.map(async ({ key }, index) => {
					const results = [];
					// Staggered by a quarter interval each, so that the four do not fire in the same instant.
					const offset = (index * intervalSeconds * 1000) / APPROACHES.length;
					for (let k = 0; k < runs; k++) {
						await sleep(Math.max(0, dayStart + offset + k * intervalSeconds * 1000 - Date.now()));
						const response = await callWebhook(hook(paths[key]), bodyFor(key));
						keep(key, response);
						results.push(response);
						done++;
					}
					day[key] = results;
				}),
			);
		} finally {
			clearInterval(progress);
		}
		const dayMs = Date.now() - dayStart;
		const dayRows = [];
		for (const approach of APPROACHES) {
			const results = day[approach.key];
			const counts = diffCounts(await statsOf(idcs[approach.key]), before[approach.key]);
			const failures = results.filter((r) => !r.ok);
			dayRows.push({
				key: approach.key,
				label: approach.label,
				executions: results.length,
				succeeded: results.length - failures.length,
				failed: failures.length,
				failureSamples: [
					...new Set(failures.map((r) => `HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`)),
				].slice(0, 3),
				...counts,
				latencyMedianMs: median(results.map((r) => r.ms)),
				latencyP90Ms: quantile(
					results.map((r) => r.ms),
					0.9,
				),
				latencyMaxMs: Math.max(...results.map((r) => r.ms)),
			});
		}
		log(`day done in ${(dayMs / 1000).toFixed(0)} s`);

		// --- bursts at expiry --------------------------------------------------------------------------
		const burstRows = [];
		if (burst > 0) {
			log(`waiting ${ttl + 2} s until every access token expired, then ${burst} executions at once per approach`);
			await sleep((ttl + 2) * 1000);
			for (const approach of APPROACHES) {
				const { key } = approach;
				const beforeBurst = await statsOf(idcs[key]);
				const body = bodyFor(key);
				const start = Date.now();
				const results = await Promise.all(Array.from({ length: burst }, () => callWebhook(hook(paths[key]), body)));
				const ms = Date.now() - start;
				for (const response of results) keep(key, response);
				const counts = diffCounts(await statsOf(idcs[key]), beforeBurst);
				// Does the approach still work afterwards (is the grant alive)?
				const after = await callWebhook(hook(paths[key]), bodyFor(key));
				keep(key, after);
				const failures = results.filter((r) => !r.ok);
				burstRows.push({
					key,
					label: approach.label,
					executions: burst,
					succeeded: burst - failures.length,
					failed: failures.length,
					failureSamples: [
						...new Set(failures.map((r) => `HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`)),
					].slice(0, 3),
					...counts,
					ms,
					nextExecutionOk: after.ok,
					nextExecutionDetail: after.ok
						? undefined
						: `HTTP ${after.status} ${JSON.stringify(after.body).slice(0, 200)}`,
				});
				log(
					`  burst (${key}): ${counts.calls} token call(s), ${counts.api.unauthorized} API 401(s), ${failures.length} failed; next execution ${after.ok ? 'ok' : 'FAILED'}`,
				);
			}
		}

		// --- N items through the node in real n8n ------------------------------------------------------
		const scaleRows = [];
		for (const items of scaleSizes) {
			const row = { items };
			for (const [name, p] of [
				['fst', 'bench-scale'],
				['baseline', 'bench-scale-base'],
			]) {
				const refreshToken = (await admin(idcs.scale.issuer, 'refresh-tokens', { client: 'basic' })).refresh_token;
				const beforeScale = await statsOf(idcs.scale);
				const response = await callWebhook(hook(p), { items, refresh_token: refreshToken }, 10 * 60_000);
				const counts = diffCounts(await statsOf(idcs.scale), beforeScale);
				row[name] = {
					status: response.status,
					ms: response.ms,
					tokenCalls: counts.calls,
					ok: response.status === 200 && (name !== 'fst' || String(response.body?.authorization).startsWith('Bearer ')),
				};
			}
			scaleRows.push(row);
			log(
				`  real n8n, ${items} items: node ${row.fst.ms.toFixed(0)} ms (HTTP ${row.fst.status}, ${row.fst.tokenCalls} token call), Edit Fields ${row.baseline.ms.toFixed(0)} ms`,
			);
		}

		return {
			n8nVersion: version,
			n8nCoreVersion:
				n8n.cacheRoot() && readVersion(path.join(n8n.cacheRoot(), `n8n-${version}`, 'node_modules', 'n8n-core')),
			node24: readNodeVersion(),
			packageVersion,
			ttl,
			intervalSeconds,
			daySeconds,
			dayMs,
			runs,
			marginSeconds,
			burst,
			day: dayRows,
			bursts: burstRows,
			scale: scaleRows,
			timings,
			totalMs: Date.now() - started,
		};
	} finally {
		await cleanup();
	}
};

function readVersion(dir) {
	try {
		return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
	} catch {
		return undefined;
	}
}

function readNodeVersion() {
	try {
		const marker = JSON.parse(fs.readFileSync(path.join(n8n.cacheRoot(), 'node24', '.fst-install-complete'), 'utf8'));
		return marker.node;
	} catch {
		return undefined;
	}
}

module.exports.APPROACHES = APPROACHES;
