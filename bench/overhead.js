// Section 2: what one execution costs, in-process, with n8n-core's real ExecuteContext and request
// helper against the local IDCS: the node handing out a reused token, the node refreshing, and a bare
// fetch POST of the same grant; and two controls, nodes that make only the n8n calls of the reuse path.
// The variants run in rounds (one of each per round, in a new random order each round), after a warm-up,
// so that drift and order hit them alike; medians and 90th percentiles of `runs` rounds.
'use strict';

const { admin, median, quantile, postRefreshGrant } = require('./lib/util');

/** A reproducible sequence of numbers in [0, 1) (mulberry32). */
function seededRandom(seed) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** `list` in a random order (Fisher-Yates). */
function shuffled(list, random) {
	const copy = [...list];
	for (let i = copy.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[copy[i], copy[j]] = [copy[j], copy[i]];
	}
	return copy;
}

const settle = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

async function timed(fn) {
	const start = process.hrtime.bigint();
	await fn();
	return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Token calls per lineage: follows each starting refresh token through the rotations in the log. */
function callsByLineage(log, starts, afterId) {
	const owner = new Map(Object.entries(starts).map(([name, token]) => [token, name]));
	const counts = Object.fromEntries(Object.keys(starts).map((name) => [name, 0]));
	for (const entry of log) {
		if (entry.grantType !== 'refresh_token') continue;
		const name = owner.get(entry.body?.refresh_token);
		if (!name) continue;
		if (entry.id > afterId) counts[name]++;
		if (entry.response?.refresh_token) owner.set(entry.response.refresh_token, name);
	}
	return counts;
}

async function tokenPair(idcs, client) {
	const minted = (await admin(idcs.issuer, 'refresh-tokens', { client })).refresh_token;
	const { status, json } = await postRefreshGrant(idcs.tokenUrl, idcs.clients[client], minted);
	if (status !== 200) throw new Error(`token call for the set-up failed: ${status} ${JSON.stringify(json)}`);
	return { minted, token: json };
}

module.exports = async function overhead({ idcs, runs, warmup }) {
	// Loaded here, not at the top: the harness loads the compiled node, which must be built first.
	const h = require('./lib/harness');
	const client = idcs.clients.basic;
	h.tokenCache.clear();
	await admin(idcs.issuer, 'requests/clear', {});
	const mint = async () => (await admin(idcs.issuer, 'refresh-tokens', { client: 'basic' })).refresh_token;

	// Lineages, one per variant that talks to IDCS, so that the log tells their calls apart.
	const reusedField = await mint();
	const refreshingField = await mint();
	const reusedCredential = await tokenPair(idcs, 'basic');
	const refreshingCredential = await tokenPair(idcs, 'basic');
	const helperState = { refreshToken: await mint() };
	const fetchState = { refreshToken: await mint() };
	const starts = {
		reusedField,
		refreshingField,
		reusedCredential: reusedCredential.token.refresh_token,
		refreshingCredential: refreshingCredential.token.refresh_token,
		helper: helperState.refreshToken,
		fetch: fetchState.refreshToken,
	};

	const plainCredential = h.credentialFor(idcs.issuer, client);
	const reusedStore = h.credentialFor(idcs.issuer, client, h.oauthTokenData(reusedCredential.token));
	const refreshingStore = h.credentialFor(idcs.issuer, client, h.oauthTokenData(refreshingCredential.token));
	const helperNode = h.helperGrantNode(idcs.tokenUrl, client, helperState);
	const n8nField = h.n8nCallsOnly('field');
	const n8nCredential = h.n8nCallsOnly('credential');

	const check = (fromCache) => (result) => {
		const json = result[0][0].json;
		if (!json.access_token || json.from_cache !== fromCache) {
			throw new Error(`unexpected node output (from_cache ${json.from_cache}, expected ${fromCache})`);
		}
	};

	const variants = [
		{
			id: 'empty',
			label: 'an empty node (harness floor: one node execution, no network)',
			run: () => h.runNode({ nodeType: h.emptyNode, parameters: {}, credential: plainCredential }),
		},
		{
			id: 'n8nCallsField',
			label: "control: only the n8n calls of the field source's reuse path (parameters, credential)",
			run: () =>
				h.runNode({
					nodeType: n8nField,
					parameters: h.fieldParameters(),
					credential: plainCredential,
					items: [{ json: { refreshToken: reusedField } }],
				}),
		},
		{
			id: 'n8nCallsCredential',
			label: "control: only the n8n calls of the credential source's reuse path",
			run: () => h.runNode({ nodeType: n8nCredential, parameters: h.credentialParameters(), credential: reusedStore }),
		},
		{
			id: 'reusedField',
			label: 'Field Service Token, reused token (field source)',
			tokenCallsEach: 0,
			run: async () =>
				check(true)(
					await h.runNode({
						nodeType: h.fieldServiceToken,
						parameters: h.fieldParameters(),
						credential: plainCredential,
						items: [{ json: { refreshToken: reusedField } }],
					}),
				),
		},
		{
			id: 'reusedCredential',
			label: 'Field Service Token, reused token (credential source)',
			tokenCallsEach: 0,
			run: async () =>
				check(true)(
					await h.runNode({
						nodeType: h.fieldServiceToken,
						parameters: h.credentialParameters(),
						credential: reusedStore,
					}),
				),
		},
		{
			id: 'refreshingField',
			label: 'Field Service Token, refreshing (field source, reuse off)',
			tokenCallsEach: 1,
			run: async () =>
				check(false)(
					await h.runNode({
						nodeType: h.fieldServiceToken,
						parameters: h.fieldParameters({ reuseToken: false }),
						credential: plainCredential,
						// The node keeps the lineage: the first refresh token stays valid input.
						items: [{ json: { refreshToken: refreshingField } }],
					}),
				),
		},
		{
			id: 'refreshingCredential',
			label: "Field Service Token, refreshing (credential source, reuse off: n8n's refreshOAuth2Token)",
			tokenCallsEach: 1,
			run: async () =>
				check(false)(
					await h.runNode({
						nodeType: h.fieldServiceToken,
						parameters: h.credentialParameters({ reuseToken: false }),
						credential: refreshingStore,
					}),
				),
		},
		{
			id: 'helper',
			label: "a minimal node posting the grant with n8n's helpers.httpRequest",
			tokenCallsEach: 1,
			run: () => h.runNode({ nodeType: helperNode, parameters: {}, credential: plainCredential }),
		},
		{
			id: 'fetch',
			label: 'bare fetch POST of the refresh_token grant (baseline)',
			tokenCallsEach: 1,
			run: async () => {
				const { status, json } = await postRefreshGrant(idcs.tokenUrl, client, fetchState.refreshToken);
				if (status !== 200) throw new Error(`bare fetch: HTTP ${status} ${JSON.stringify(json)}`);
				fetchState.refreshToken = json.refresh_token;
			},
		},
	];

	// The field lineage to reuse gets its token first (one call, before the counts start).
	await h.runNode({
		nodeType: h.fieldServiceToken,
		parameters: h.fieldParameters(),
		credential: plainCredential,
		items: [{ json: { refreshToken: reusedField } }],
	});
	for (let i = 0; i < warmup; i++) for (const variant of variants) await variant.run();
	// Lineages are followed through the whole log; only the calls after this mark are counted.
	const before = await admin(idcs.issuer, 'requests?endpoint=token');
	const mark = before.length ? before[before.length - 1].id : -1;

	const samples = Object.fromEntries(variants.map((v) => [v.id, []]));
	const random = seededRandom(20261206);
	for (let round = 0; round < runs; round++) {
		// A new order every round: an execution right after one of another node type pays more (measured:
		// about 0.15 to 0.3 ms more after the empty node), so no variant may always follow the same one.
		for (const variant of shuffled(variants, random)) {
			// What an earlier variant left to the event loop (sockets closing after a token call) runs
			// before the clock starts, not inside the next variant's awaits.
			await settle();
			samples[variant.id].push(await timed(variant.run));
		}
	}
	const log = await admin(idcs.issuer, 'requests?endpoint=token');
	const calls = callsByLineage(log, starts, mark);

	const baseline = median(samples.fetch);
	// What the node adds to n8n's own calls: per round, the node's time minus its control's, then the median.
	const added = (node, control) => median(samples[node].map((ms, round) => ms - samples[control][round]));
	return {
		addedByNode: {
			field: added('reusedField', 'n8nCallsField'),
			credential: added('reusedCredential', 'n8nCallsCredential'),
		},
		runs,
		warmup,
		rows: variants.map((variant) => ({
			id: variant.id,
			label: variant.label,
			medianMs: median(samples[variant.id]),
			p90Ms: quantile(samples[variant.id], 0.9),
			ratioToFetch: median(samples[variant.id]) / baseline,
			tokenCalls: calls[variant.id] ?? 0,
			expectedTokenCalls: (variant.tokenCallsEach ?? 0) * runs,
		})),
	};
};

// `node bench/overhead.js`: section 2 alone (builds dist/ first when it is stale), on a local IDCS of its own.
if (require.main === module) {
	const { QUICK } = require('./lib/util');
	require('./lib/alone').runAlone('overhead', async ({ registerCleanup }) => {
		await require('../scripts/n8n').buildPackage();
		const idcs = await require('../scripts/local-idcs').startIdcs();
		registerCleanup(() => idcs.stop());
		return require('./report').overheadSection(await module.exports({ idcs, runs: QUICK ? 300 : 1000, warmup: 200 }));
	});
}
