// One size of section 3, in a fresh process so that its peak memory is its own:
// BENCH_SCALE='{"issuer","client","refreshToken","items","node":"fst"|"setLike"|"setLikeCredential"}' node --expose-gc bench/scaleChild.js
// Prints one JSON line: { items, ms, maxRssBefore, maxRssAfter, heapBefore, heapRetained, ... }.
'use strict';

const h = require('./lib/harness');

const gc = () => (typeof global.gc === 'function' ? global.gc() : undefined);

async function main() {
	const { issuer, client, refreshToken, items: count, node } = JSON.parse(process.env.BENCH_SCALE);
	const credential = h.credentialFor(issuer, client);
	// Warm-up without any token call: modules, expression engine, the request helper's first use.
	await h.runNode({
		nodeType: h.warmUpNode,
		parameters: { url: `${issuer}/.well-known/openid-configuration`, value: '={{ $json.refreshToken }}' },
		credential,
		items: [{ json: { refreshToken: 'warm-up' } }],
	});
	gc();
	const before = {
		maxRss: process.resourceUsage().maxRSS * 1024,
		heap: process.memoryUsage().heapUsed,
		rss: process.memoryUsage().rss,
	};

	const items = Array.from({ length: count }, (_, i) => ({ json: { refreshToken, workOrder: `WO-${i}` } }));
	const start = process.hrtime.bigint();
	const nodeType = { fst: h.fieldServiceToken, setLike: h.setLikeNode, setLikeCredential: h.setLikeWithCredentialNode }[
		node
	];
	const parameters = node === 'fst' ? h.fieldParameters() : { value: '={{ $json.refreshToken }}' };
	const [output] = await h.runNode({ nodeType, parameters, credential, items });
	const ms = Number(process.hrtime.bigint() - start) / 1e6;
	const maxRssAfter = process.resourceUsage().maxRSS * 1024;
	gc();
	const heapAfter = process.memoryUsage().heapUsed;

	if (output.length !== count) throw new Error(`${output.length} items out, ${count} in`);
	let fromCache = 0;
	const tokens = new Set();
	for (const item of output) {
		if (item.json.from_cache) fromCache++;
		if (item.json.access_token) tokens.add(item.json.access_token);
	}
	process.stdout.write(
		`${JSON.stringify({
			node,
			items: count,
			ms,
			maxRssBefore: before.maxRss,
			maxRssAfter,
			heapBefore: before.heap,
			heapRetained: heapAfter - before.heap,
			fromCache,
			distinctAccessTokens: tokens.size,
			keep: output.length + items.length, // keeps both alive until after the measurement
		})}\n`,
	);
}

main().then(
	() => process.exit(0),
	(error) => {
		process.stderr.write(`${error.stack ?? error}\n`);
		process.exit(1);
	},
);
