#!/usr/bin/env node
// npm run bench: what Field Service Token saves against n8n's own OAuth2 refresh and a plain HTTP
// Request, what it costs, and how each way to a token fares when n8n scales out (queue mode). Prints a markdown report and writes it to bench/results.md (and the raw
// figures to bench/results.json). Measures, asserts nothing about speed. See bench/README.md.
//   BENCH_QUICK=1      a shorter day (about 1 min instead of 3) and smaller real-n8n scale sizes
//   BENCH_SKIP_N8N=1   the in-process sections only (no real n8n)
// Everything listens on 127.0.0.1; every process it starts is stopped before it exits.
'use strict';

const fs = require('fs');
const path = require('path');

const n8n = require('../scripts/n8n');
const local = require('../scripts/local-idcs');
const { QUICK, machine } = require('./lib/util');

const SKIP_N8N = /^(1|true|yes)$/i.test(process.env.BENCH_SKIP_N8N ?? '');

const SETTINGS = {
	overhead: { runs: QUICK ? 300 : 1000, warmup: 200 },
	scale: { sizes: [1, 100, 10_000, 100_000] },
	concurrency: { n: 50, ttl: 4 },
	// Tokens of 2 s, an execution every 200 ms: 10 executions per token lifetime.
	grants: { ttl: 2, intervalMs: 200, lifetimes: QUICK ? 3 : 5, runs: QUICK ? 50 : 150, warmup: 10 },
	n8n: {
		ttl: 20,
		intervalSeconds: 2,
		// 8 hours of IDCS's 3,349 s tokens is 8.6 lifetimes; quick: 3 lifetimes.
		daySeconds: QUICK ? 60 : 172,
		marginSeconds: 1,
		burst: 50,
		scaleSizes: QUICK ? [1, 100, 1_000] : [1, 100, 10_000],
	},
	// The scale-out suite's settings (scripts/bursts.js); quick: 2 bursts instead of 5.
	scaleOut: { bursts: QUICK ? 2 : 5 },
	listing: { activities: QUICK ? 2_000 : 10_000, rounds: 3 },
};

const started = Date.now();
const log = (message) =>
	process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);

const cleanups = [];
async function cleanup() {
	while (cleanups.length)
		await cleanups
			.pop()()
			.catch((error) => log(`cleanup: ${error.message}`));
}

/** A local IDCS for the in-process sections, stopped by cleanup() whatever happens. */
async function startIdcs(options) {
	const idcs = await local.startIdcs(options);
	cleanups.push(() => idcs.stop());
	return idcs;
}

async function main() {
	n8n.onSignals(cleanup);
	const results = { machine: machine(), quick: QUICK, settings: SETTINGS };
	log(
		`${QUICK ? 'quick' : 'full'} run on ${results.machine.cpu} (${results.machine.cores} cores), Node ${results.machine.node}`,
	);

	await n8n.buildPackage();
	// Loaded after the build: the in-process sections run the compiled node from dist/.
	const overhead = require('./overhead');
	const scale = require('./scale');
	const concurrency = require('./concurrency');
	const grants = require('./grants');

	let idcs = await startIdcs();
	log(`2. overhead per execution: ${SETTINGS.overhead.runs} rounds ...`);
	results.overhead = await overhead({ idcs, ...SETTINGS.overhead });
	log(`3. scale: ${SETTINGS.scale.sizes.join(', ')} items, each in a fresh process ...`);
	results.scale = await scale({ idcs, ...SETTINGS.scale, onProgress: (m) => log(`   ${m}`) });
	await idcs.stop();

	idcs = await startIdcs({ accessTokenTtl: SETTINGS.concurrency.ttl });
	log(`4. ${SETTINGS.concurrency.n} concurrent executions at expiry ...`);
	results.concurrency = await concurrency({ idcs, ...SETTINGS.concurrency });
	await idcs.stop();

	log('5. the other grants: token calls per lifetime, overhead per execution ...');
	results.grants = await grants({ startIdcs, ...SETTINGS.grants });

	if (!SKIP_N8N) {
		log('1. real n8n: a simulated working day, then bursts at expiry and items through the node ...');
		const realN8n = require('./n8nDay');
		results.n8n = await realN8n({
			...SETTINGS.n8n,
			log: (m) => log(`   ${m}`),
			registerCleanup: (fn) => cleanups.push(fn),
		});
		log('6. scale-out: bursts at expiry in regular mode and in queue mode (main + 2 workers) ...');
		const scaleOut = require('./scaleOut');
		results.scaleOut = await scaleOut({
			config: SETTINGS.scaleOut,
			log: (m) => log(`   ${m}`),
			registerCleanup: (fn) => cleanups.push(fn),
		});
		log(`7. listing ${SETTINGS.listing.activities} activities: the Field Service node and HTTP Request pagination ...`);
		results.listing = await require('./listing')({
			...SETTINGS.listing,
			log: (m) => log(`   ${m}`),
			registerCleanup: (fn) => cleanups.push(fn),
		});
	}

	results.totalMs = Date.now() - started;
	const { render } = require('./report');
	const markdown = render(results);
	fs.writeFileSync(path.join(__dirname, 'results.md'), markdown);
	fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
	process.stdout.write(`${markdown}\n`);
	log(`done in ${(results.totalMs / 60000).toFixed(1)} min; wrote bench/results.md and bench/results.json`);
}

main()
	.then(
		() => 0,
		(error) => {
			log(`FAILED: ${error.stack ?? error}`);
			return 1;
		},
	)
	.then(async (code) => {
		await cleanup();
		process.exit(code);
	});
