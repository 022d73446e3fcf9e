// Section 2: what one execution costs, in-process, with n8n-core's real ExecuteContext and request
// helper against the local IDCS: the node handing out a reused token, the node refreshing, and a bare
// fetch POST of the same grant. The variants run round robin (one of each per round), after a
// warm-up, so that drift hits them alike; medians and 90th percentiles of `runs` rounds.
'use strict';

const h = require('./lib/harness');
const { admin, median, quantile, postRefreshGrant } = require('./lib/util');

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
	for (let round = 0; round < runs; round++) {
		for (const variant of variants) samples[variant.id].push(await timed(variant.run));
	}
	const log = await admin(idcs.issuer, 'requests?endpoint=token');
	const calls = callsByLineage(log, starts, mark);

	const baseline = median(samples.fetch);
	return {
		runs,
		warmup,
		rows: variants.map((variant) => ({
			id: variant.id,
			label: variant.label,
			medianMs: median(samples[variant.id]),
			p90Ms: quantile(samples[variant.id], 0.9),
			ratioToFetch: median(samples[variant.id]) / baseline,
			tokenCalls: variant.id === 'empty' ? 0 : calls[variant.id],
			expectedTokenCalls: variant.id === 'empty' ? 0 : variant.tokenCallsEach * runs,
		})),
	};
};
