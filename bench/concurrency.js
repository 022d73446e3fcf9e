// Section 4 (in-process): `n` executions at once, just after the token expired, each a separate
// n8n-core ExecuteContext in this one process (as n8n's main process runs concurrent executions).
// Field source and credential source; beside them, `n` bare fetch POSTs of the grant with the same
// refresh token: what concurrent executions that post the grant by hand do to a single-use token.
// Uses its own local IDCS whose access tokens live `ttl` seconds.
'use strict';

const h = require('./lib/harness');
const { admin, sleep, tokenCounts, postRefreshGrant } = require('./lib/util');

const MARGIN_SECONDS = 1;

async function countsDuring(idcs, fn) {
	const before = tokenCounts(await admin(idcs.issuer, 'stats'));
	const start = process.hrtime.bigint();
	const value = await fn();
	const ms = Number(process.hrtime.bigint() - start) / 1e6;
	const after = tokenCounts(await admin(idcs.issuer, 'stats'));
	return {
		value,
		ms,
		calls: after.calls - before.calls,
		ok: after.ok - before.ok,
		invalidGrant: after.invalidGrant - before.invalidGrant,
	};
}

/** Waits until a token issued at `issuedAt` for `ttl` s is within the node's margin (plus a little). */
const untilExpired = (issuedAt, ttl) => sleep(Math.max(0, issuedAt + (ttl - MARGIN_SECONDS) * 1000 + 300 - Date.now()));

module.exports = async function concurrency({ idcs, n, ttl }) {
	const client = idcs.clients.basic;
	const plainCredential = h.credentialFor(idcs.issuer, client);
	const options = { expiryMarginSeconds: MARGIN_SECONDS };
	const rows = [];
	h.tokenCache.clear();

	// Field source: one lineage, its token cached by the node, then n executions at expiry.
	{
		const minted = (await admin(idcs.issuer, 'refresh-tokens', { client: 'basic' })).refresh_token;
		const run = () =>
			h.runNode({
				nodeType: h.fieldServiceToken,
				parameters: h.fieldParameters(options),
				credential: plainCredential,
				items: [{ json: { refreshToken: minted } }],
				continueOnFail: true,
			});
		const issuedAt = Date.now();
		await run();
		await untilExpired(issuedAt, ttl);
		const burst = await countsDuring(idcs, () => Promise.all(Array.from({ length: n }, run)));
		const outputs = burst.value.map((result) => result[0][0].json);
		const next = outputs.find((o) => o.refresh_token)?.refresh_token;
		const alive = next ? (await postRefreshGrant(idcs.tokenUrl, client, next)).status === 200 : false;
		rows.push({
			id: 'field',
			label: 'Field Service Token, field source (same refresh token in all)',
			...summary(burst, outputs),
			sameRefreshTokenOut: new Set(outputs.map((o) => o.refresh_token)).size === 1,
			grantAlive: alive,
		});
	}

	// Credential source: one connected credential shared by the n executions (n8n's credential row).
	{
		const minted = (await admin(idcs.issuer, 'refresh-tokens', { client: 'basic' })).refresh_token;
		const issuedAt = Date.now();
		const { json: token } = await postRefreshGrant(idcs.tokenUrl, client, minted);
		const store = h.credentialFor(idcs.issuer, client, h.oauthTokenData(token));
		const run = () =>
			h.runNode({
				nodeType: h.fieldServiceToken,
				parameters: h.credentialParameters(options),
				credential: store,
				continueOnFail: true,
			});
		await untilExpired(issuedAt, ttl);
		const burst = await countsDuring(idcs, () => Promise.all(Array.from({ length: n }, run)));
		const outputs = burst.value.map((result) => result[0][0].json);
		const stored = store.data.oauthTokenData?.refresh_token;
		const alive = stored ? (await postRefreshGrant(idcs.tokenUrl, client, stored)).status === 200 : false;
		rows.push({
			id: 'credential',
			label: "Field Service Token, credential source (n8n's refreshOAuth2Token)",
			...summary(burst, outputs),
			credentialWrites: store.updates,
			grantAlive: alive,
		});
	}

	// By hand: n POSTs of the grant at once, all with the refresh token the store holds.
	{
		const minted = (await admin(idcs.issuer, 'refresh-tokens', { client: 'basic' })).refresh_token;
		const burst = await countsDuring(idcs, () =>
			Promise.all(Array.from({ length: n }, () => postRefreshGrant(idcs.tokenUrl, client, minted))),
		);
		const winners = burst.value.filter((r) => r.status === 200);
		const alive = winners[0]
			? (await postRefreshGrant(idcs.tokenUrl, client, winners[0].json.refresh_token)).status === 200
			: false;
		rows.push({
			id: 'fetch',
			label: 'bare fetch POST of the grant by hand (same refresh token in all)',
			executions: n,
			succeeded: winners.length,
			failed: n - winners.length,
			distinctAccessTokens: new Set(winners.map((r) => r.json.access_token)).size,
			calls: burst.calls,
			ok: burst.ok,
			invalidGrant: burst.invalidGrant,
			ms: burst.ms,
			grantAlive: alive,
		});
	}
	return { n, ttl, marginSeconds: MARGIN_SECONDS, rows };
};

function summary(burst, outputs) {
	const failed = outputs.filter((o) => !o.access_token);
	return {
		executions: outputs.length,
		succeeded: outputs.length - failed.length,
		failed: failed.length,
		failures: [...new Set(failed.map((o) => o.error))],
		distinctAccessTokens: new Set(outputs.filter((o) => o.access_token).map((o) => o.access_token)).size,
		joined: outputs.filter((o) => o.from_cache).length,
		calls: burst.calls,
		ok: burst.ok,
		invalidGrant: burst.invalidGrant,
		ms: burst.ms,
	};
}
