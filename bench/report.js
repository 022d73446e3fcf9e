// Renders the results of one bench run as markdown (bench/results.md, and stdout).
'use strict';

const { ms, num, ratio, mib, table } = require('./lib/util');

const signed = (value) => (value > 0 ? `+${value}` : `${value}`);

function machineSection(results) {
	const m = results.machine;
	const n = results.n8n;
	return [
		table(
			['', ''],
			[
				['Date', m.date],
				['CPU', `${m.cpu}, ${m.cores} cores`],
				['Memory', m.memory],
				['OS', m.os],
				['Node (bench, in-process parts)', m.node],
				['n8n-core / n8n-workflow (in-process parts)', `${m.n8nCore} / ${m.n8nWorkflow}`],
				[
					'n8n (real n8n parts)',
					n ? `${n.n8nVersion} (its n8n-core ${n.n8nCoreVersion}), on Node ${n.node24}` : 'not run (BENCH_SKIP_N8N)',
				],
				[
					'Package',
					`n8n-nodes-field-service-token ${m.packageVersion} (dist/, and npm pack installed as a community package)`,
				],
				['Mode', results.quick ? 'BENCH_QUICK=1 (shorter day)' : 'full'],
				['Run time', `${num(results.totalMs / 1000 / 60, 1)} min`],
			],
			['l', 'l'],
		),
	].join('\n');
}

function daySection(n) {
	const lifetimes = n.daySeconds / n.ttl;
	const a = n.day.find((r) => r.key === 'a');
	const rows = n.day.map((r) => [
		r.label,
		r.executions,
		r.failed,
		`${r.calls}${r.invalidGrant ? ` (${r.invalidGrant} invalid_grant)` : ''}`,
		num(r.calls / lifetimes, 2),
		ratio(r.calls / a.calls),
		r.api.unauthorized,
		`${r.api.total}`,
		ms(r.latencyMedianMs),
		ms(r.latencyP90Ms),
		ms(r.latencyMaxMs),
	]);
	const scaleFactor = 3349 / n.ttl;
	return [
		`Local IDCS access tokens live **${n.ttl} s**; each approach's workflow runs every **${n.intervalSeconds} s** for **${n.daySeconds} s** ` +
			`(${num(lifetimes, 1)} token lifetimes, ${n.runs} executions each, all four side by side in one \`n8n start\`, one local IDCS each). ` +
			`Scaled to IDCS's default 3,349 s tokens (×${num(scaleFactor, 0)}) that is a run every ${num((n.intervalSeconds * scaleFactor) / 60, 1)} min over ` +
			`${num((n.daySeconds * scaleFactor) / 3600, 1)} h. Field Service Token's expiry margin is ${n.marginSeconds} s here (60 s by default, scaled down with the tokens).`,
		'',
		table(
			[
				'Approach',
				'Executions',
				'Failed executions',
				'Token calls',
				'Token calls per token lifetime',
				'Token calls vs (a)',
				'API 401s',
				'API calls',
				'Median latency',
				'p90',
				'Max',
			],
			rows,
		),
		'',
		"Token calls and API answers are the local IDCS's own counts (`/__admin/stats`) for the day only; executions and latencies are the webhook " +
			'answers n8n gave the bench (a failed execution answers HTTP 500). Latency is the whole execution as the caller sees it.',
		...n.day.filter((r) => r.failureSamples.length).map((r) => `- ${r.key} failures: ${r.failureSamples.join('; ')}`),
	].join('\n');
}

function burstSection(n) {
	return [
		`After the day and ${n.ttl + 2} s of quiet (every access token expired), **${n.burst} executions of each workflow at once**:`,
		'',
		table(
			[
				'Approach',
				'Succeeded',
				'Failed',
				'Token calls',
				'of which invalid_grant',
				'API 401s',
				'Wall time',
				'Next execution afterwards',
			],
			n.bursts.map((r) => [
				r.label,
				r.succeeded,
				r.failed,
				r.calls,
				r.invalidGrant,
				r.api.unauthorized,
				ms(r.ms),
				r.nextExecutionOk ? 'ok' : 'fails (grant revoked)',
			]),
		),
		'',
		'(a2) and (c) get the refresh token the bench holds, the same one in all the executions of the burst (what a shared store hands out).',
	].join('\n');
}

function scaleOutSection(s) {
	const [first] = s.runs;
	const c = first.config;
	const rows = [];
	for (const run of s.runs) {
		for (const x of run.summaries) {
			rows.push([
				`${run.mode}${run.mode === 'queue' ? ` (${c.workers} workers)` : ''}`,
				x.label,
				`${x.ok} / ${x.failed}`,
				x.tokenCallsPerBurst.join(', '),
				x.burstSeconds.join(', '),
				x.invalidGrant,
				x.presentedAfterRejection,
				x.api401PerBurst.join(', '),
				x.prematureRefreshes,
				x.aliveAfter ? 'yes' : 'no',
			]);
		}
	}
	const queue = s.runs.find((r) => r.mode === 'queue');
	return [
		`n8n ${first.n8nVersion}, regular mode (one \`n8n start\`, SQLite) and queue mode (main + ${c.workers} \`n8n worker --concurrency=${c.concurrency}\`, ` +
			`PostgreSQL and Redis of their own), one after the other. Each mode: the four workflows behind production webhooks, each with its own local IDCS ` +
			`(access tokens of **${c.ttl} s**, single-use rotating refresh tokens); **${c.bursts} bursts of ${c.size} executions at once** per workflow, ` +
			`each burst after that workflow's access token expired. The node's expiry margin is ${c.marginSeconds} s. The field source gets the same refresh token in every execution; the client credentials grant uses none.`,
		'',
		table(
			[
				'Mode',
				'Workflow',
				'Executions ok / failed',
				'Token calls per burst',
				'Burst length (s)',
				'invalid_grant',
				'Refresh token presented again after its invalid_grant',
				'API 401s per burst',
				'Refreshes while the token was valid',
				'Grant alive after',
			],
			rows,
			['l', 'l', 'r', 'l', 'l', 'r', 'r', 'l', 'r', 'l'],
		),
		'',
		queue
			? `Queue mode, executions started per worker (from each worker's log): ${Object.entries(queue.workers)
					.map(([name, count]) => `${name} ${count}`)
					.join(', ')}.` +
				(queue.failedWithInvalidGrant !== undefined
					? ` Field source: ${queue.failedWithInvalidGrant} failed executions carry IDCS's invalid_grant error.`
					: '')
			: '',
	].join('\n');
}

function overheadSection(o) {
	return [
		`n8n-core's real \`ExecuteContext\` and request helper (test/support/n8nExecution.ts), the compiled node from dist/, the local IDCS on 127.0.0.1; ` +
			`${o.runs} rounds after ${o.warmup} warm-up rounds, one execution of each variant per round, in a new random order each round; ` +
			`the node's own work is the median over the rounds of the node's time minus its control's (field ${ms(o.addedByNode.field)}, credential ${ms(o.addedByNode.credential)}).`,
		'',
		table(
			['Variant', 'Median', 'p90', 'vs bare fetch', 'Token calls (expected)'],
			o.rows.map((r) => [
				r.label,
				ms(r.medianMs),
				ms(r.p90Ms),
				ratio(r.ratioToFetch),
				`${r.tokenCalls} (${r.expectedTokenCalls})`,
			]),
		),
	].join('\n');
}

function scaleSection(s, n) {
	const perItemUs = (row) => (row.ms / row.items) * 1000;
	const rows = s.rows.map((r) => [
		num(r.items),
		r.fst.tokenCalls,
		num(r.fst.fromCache),
		ms(r.fst.ms),
		`${num(perItemUs(r.fst), 1)} µs`,
		`${num(perItemUs(r.setLike), 1)} µs`,
		`${num(perItemUs(r.setLikeCredential), 1)} µs`,
		mib(r.fst.maxRssAfter),
		mib(r.fst.maxRssAfter - r.fst.maxRssBefore),
		mib(r.setLike.maxRssAfter - r.setLike.maxRssBefore),
		r.items >= 100 ? `${num(r.fst.heapRetained / r.items, 0)} B` : 'n/a',
		r.items >= 100 ? `${num(r.setLike.heapRetained / r.items, 0)} B` : 'n/a',
	]);
	const lines = [
		'Each size in a fresh child process (warmed up without a token call), all items with the same refresh token (field source). ' +
			'"Set-like" is a node that evaluates one expression per item; "+ getCredentials" is that node also reading its credential per item, which Field Service Token avoids by reading it once per execution. ' +
			'At 1 and 100 items the time is mostly the one token call and first use in a fresh process; the cost per item shows from 10,000 on. ' +
			"Peak RSS is the child's maxRSS; its growth is over the maxRSS after loading and warm-up; retained heap is after a full GC with input and output still referenced.",
		'',
		table(
			[
				'Items',
				'Token calls',
				'Items from cache',
				'Node time',
				'Node per item',
				'Set-like per item',
				'Set-like + getCredentials per item',
				'Peak RSS',
				'Peak RSS growth (node)',
				'Peak RSS growth (Set-like)',
				'Heap retained per item (node)',
				'Heap retained per item (Set-like)',
			],
			rows,
		),
	];
	if (n?.scale?.length) {
		lines.push(
			'',
			'The same in real n8n (webhook → Code makes N items → Field Service Token, field source; beside it → Edit Fields with one expression), ' +
				'time as the caller sees it, execution data not saved. The node reads its credential once per execution: in n8n each `getCredentials` call reads and decrypts the credential from the database.',
			'',
			table(
				['Items', 'Token calls', 'With Field Service Token', 'With Edit Fields', 'Difference per item'],
				n.scale.map((r) => [
					num(r.items),
					`${r.fst.tokenCalls}${r.fst.ok ? '' : ` (HTTP ${r.fst.status})`}`,
					ms(r.fst.ms),
					ms(r.baseline.ms),
					r.items > 1 ? `${ms((r.fst.ms - r.baseline.ms) / r.items)}` : 'n/a',
				]),
			),
		);
	}
	return lines.join('\n');
}

function concurrencySection(c) {
	return [
		`${c.n} executions at once (each its own ExecuteContext in one process, as n8n's main process runs them), ${c.marginSeconds} s margin, ` +
			`just after the cached token (TTL ${c.ttl} s) passed it:`,
		'',
		table(
			[
				'Variant',
				'Succeeded',
				'Failed',
				'Token calls',
				'of which invalid_grant',
				'Distinct access tokens handed out',
				'Wall time',
				'Grant alive afterwards',
			],
			c.rows.map((r) => [
				r.label,
				r.succeeded,
				r.failed,
				r.calls,
				r.invalidGrant,
				r.distinctAccessTokens,
				ms(r.ms),
				r.grantAlive ? 'yes' : 'no (revoked)',
			]),
		),
	].join('\n');
}

function summary(results) {
	const lines = [];
	const n = results.n8n;
	if (n) {
		const by = Object.fromEntries(n.day.map((r) => [r.key, r]));
		lines.push(
			`- **Token calls over the day**: (a) ${by.a.calls}, (a2) ${by.a2.calls}, (b) ${by.b.calls}, (c) ${by.c.calls} ` +
				`for ${num(n.daySeconds / n.ttl, 1)} token lifetimes: posting the grant by hand makes ${ratio(by.c.calls / by.a.calls)} the token calls of the node.`,
			`- **API 401s over the day**: (a) ${by.a.api.unauthorized}, (a2) ${by.a2.api.unauthorized}, (b) ${by.b.api.unauthorized}, (c) ${by.c.api.unauthorized}; ` +
				`failed executions: (a) ${by.a.failed}, (a2) ${by.a2.failed}, (b) ${by.b.failed}, (c) ${by.c.failed}. ` +
				`n8n's own OAuth2 (b) sends the expired token, takes the 401, refreshes and retries: the execution succeeds, the API sees one failed call per token lifetime.`,
		);
		const burst = Object.fromEntries(n.bursts.map((r) => [r.key, r]));
		if (burst.a) {
			lines.push(
				`- **${n.burst} executions at once at expiry (real n8n)**: token calls (a) ${burst.a.calls}, (a2) ${burst.a2.calls}, (b) ${burst.b.calls}, (c) ${burst.c.calls} ` +
					`(${burst.c.invalidGrant} invalid_grant, grant ${burst.c.nextExecutionOk ? 'still alive' : 'revoked: every later execution fails'}); API 401s (b) ${burst.b.api.unauthorized}.`,
			);
		}
	}
	const o = Object.fromEntries(results.overhead.rows.map((r) => [r.id, r]));
	lines.push(
		`- **Per execution (in-process)**: a reused token costs ${ms(o.reusedField.medianMs)} (field) / ${ms(o.reusedCredential.medianMs)} (credential), ` +
			`against ${ms(o.n8nCallsField.medianMs)} / ${ms(o.n8nCallsCredential.medianMs)} for a node making only the same n8n calls: the node's own work is ` +
			`${ms(results.overhead.addedByNode.field)} / ${ms(results.overhead.addedByNode.credential)} (median of the per-round differences; an empty node: ${ms(o.empty.medianMs)}); it is ` +
			`${ratio(o.reusedField.ratioToFetch)} / ${ratio(o.reusedCredential.ratioToFetch)} of a bare fetch of the grant (${ms(o.fetch.medianMs)}); refreshing through the node costs ` +
			`${ratio(o.refreshingField.ratioToFetch)} (field) / ${ratio(o.refreshingCredential.ratioToFetch)} (credential) of it.`,
	);
	const big = results.scale.rows[results.scale.rows.length - 1];
	lines.push(
		`- **Scale**: ${results.scale.rows.map((r) => `${num(r.items)} item${r.items === 1 ? '' : 's'} → ${r.fst.tokenCalls} token call${r.fst.tokenCalls === 1 ? '' : 's'}`).join(', ')}; ` +
			`${num((big.fst.ms / big.items) * 1000, 0)} µs per item at ${num(big.items)} items in-process, ${ratio(big.fst.ms / big.setLike.ms)} of a node that only evaluates an expression per item ` +
			`(reading the credential per item, which the node avoids, would add about ${num(((big.setLikeCredential.ms - big.setLike.ms) / big.items) * 1000, 0)} µs).`,
	);
	const c = Object.fromEntries(results.concurrency.rows.map((r) => [r.id, r]));
	lines.push(
		`- **${results.concurrency.n} concurrent executions at expiry (in-process)**: ${c.field.calls} token call (field source), ${c.credential.calls} (credential source); ` +
			`${results.concurrency.n} bare POSTs of one refresh token: ${c.fetch.ok} ok, ${c.fetch.invalidGrant} invalid_grant, grant ${c.fetch.grantAlive ? 'alive' : 'revoked'}.`,
	);
	if (results.scaleOut) {
		for (const run of results.scaleOut.runs) {
			const by = Object.fromEntries(run.summaries.map((x) => [x.key, x]));
			lines.push(
				`- **${run.config.bursts} bursts of ${run.config.size} at expiry, ${run.mode} mode${run.mode === 'queue' ? ` (${run.config.workers} workers)` : ''}**: ` +
					`credential source ${by.credentialSource.ok}/${by.credentialSource.executions} ok, token calls ${by.credentialSource.tokenCallsPerBurst.join(', ')}, ${by.credentialSource.api401} API 401s; ` +
					`n8n's own refresh ${by.n8nRefresh.ok}/${by.n8nRefresh.executions} ok, ${by.n8nRefresh.api401} API 401s; ` +
					`field source ${by.fieldSource.ok}/${by.fieldSource.executions} ok, ${by.fieldSource.invalidGrant} invalid_grant, ` +
					`${by.fieldSource.presentedAfterRejection} presentations of a refresh token after its rejection, grant ${by.fieldSource.aliveAfter ? 'alive' : 'revoked'}.`,
			);
		}
	}
	return lines.join('\n');
}

function grantsSection(g) {
	return [
		`Token calls: the node with reuse on (expiry margin 0.5 s), an execution every ${g.intervalMs} ms, tokens living ${g.ttl} s, ` +
			`for ${g.lifetimes} token lifetimes; a hand-made grant makes one call per execution. Counted from the local servers' own records.`,
		'',
		table(
			['Grant', 'Executions', 'Token calls (node)', 'Per lifetime', 'Hand-made (one per execution)', 'Saved'],
			g.perLifetime.map((r) => [
				r.label,
				num(r.executions),
				num(r.calls),
				num(r.calls / r.lifetimes, 1),
				num(r.executions),
				ratio(r.executions / r.calls),
			]),
		),
		'',
		`Overhead per execution, in-process as section 2: ${g.runs} rounds after ${g.warmup} warm-up rounds, the variants round robin. ` +
			'"Bare fetch" posts the same grant with `fetch`, signing its assertions with Node\'s crypto as the node does.',
		'',
		table(
			['Grant', 'Reused token', 'vs bare fetch', 'Token call (reuse off)', 'p90', 'vs bare fetch', 'Bare fetch'],
			g.overhead.map((r) => [
				r.label,
				ms(r.reusedMs),
				ratio(r.reusedRatio),
				ms(r.callingMs),
				ms(r.callingP90Ms),
				ratio(r.callingRatio),
				ms(r.fetchMs),
			]),
		),
	].join('\n');
}

function listingSection(l) {
	const f = l.fieldService;
	const h = l.httpRequest;
	return [
		`${num(l.activities)} activities of one resource over 31 days, listed in full in real n8n; ${l.rounds} rounds, the order alternating; medians. ` +
			"Token calls and requests counted by the OFS stand-in; times from n8n's run data: the nodes' own execution time, and the execution's start to end (not the `n8n execute` process around it). Ratio: the Field Service node's figure over the other's.",
		'',
		table(
			[
				'',
				'Field Service node (Return All)',
				'Field Service Token → HTTP Request (its pagination) → Split Out',
				'ratio',
			],
			[
				['Token calls', num(f.tokenCalls), num(h.tokenCalls), ratio(f.tokenCalls / h.tokenCalls)],
				['Requests to Field Service', num(f.requests), num(h.requests), ratio(f.requests / h.requests)],
				['Page size asked', f.pageSizes.join(', '), h.pageSizes.join(', '), ''],
				['n8n items out', num(f.items), num(h.items), ''],
				["Nodes' time", ms(f.nodeMs), ms(h.nodeMs), ratio(f.nodeMs / h.nodeMs)],
				['Execution, start to end', ms(f.executionMs), ms(h.executionMs), ratio(f.executionMs / h.executionMs)],
			],
		),
		'',
		'Execution start to end, by round (node, then HTTP Request): ' +
			l.runs.fieldService
				.map((run, i) => `${i + 1}: ${ms(run.executionMs)} and ${ms(l.runs.httpRequest[i].executionMs)}`)
				.join('; ') +
			'.',
	].join('\n');
}

function render(results) {
	const n = results.n8n;
	const parts = [
		"# Benchmark: Field Service Token vs n8n's own OAuth2 refresh and a plain HTTP Request",
		'',
		'Produced by `npm run bench` (`node bench/run.js`); see [bench/README.md](README.md) for what is measured and how. ' +
			'Figures from one run on the machine below; timings vary from run to run, token and 401 counts do not (much).',
		'',
		machineSection(results),
		'',
		'## Summary',
		'',
		summary(results),
		'',
		'## 1. A simulated working day in real n8n',
		'',
		n ? daySection(n) : '_Not run (BENCH_SKIP_N8N=1)._',
		'',
		...(n?.bursts?.length ? ['### 50 executions at once at expiry, real n8n', '', burstSection(n), ''] : []),
		'## 2. Overhead per execution (in-process)',
		'',
		overheadSection(results.overhead),
		'',
		'## 3. Scale: items through one node execution',
		'',
		scaleSection(results.scale, n),
		'',
		'## 4. Concurrency at expiry (in-process)',
		'',
		concurrencySection(results.concurrency),
		'',
		'## 5. The other grants (in-process)',
		'',
		results.grants ? grantsSection(results.grants) : '_Not run._',
		'',
		'## 6. Scale-out: bursts at expiry in regular mode and in queue mode',
		'',
		results.scaleOut ? scaleOutSection(results.scaleOut) : '_Not run (BENCH_SKIP_N8N=1)._',
		'',
		'## 7. Listing a collection: the Field Service node against HTTP Request pagination',
		'',
		results.listing ? listingSection(results.listing) : '_Not run (BENCH_SKIP_N8N=1)._',
		'',
	];
	return parts.join('\n');
}

module.exports = { render, listingSection, overheadSection };
