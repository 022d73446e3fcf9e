// The Field Service plugin's back end (the templates examples/ofs-plugin-*.workflow.json) with many users
// at once, as the scale-out suite runs it: each user signs in once (the local IDCS's authorize and
// sign-in pages, driven without a browser, with PKCE), sends the code to the sign-in webhook, then makes
// requests one after another with the sealed refresh token each answer carries, as the plugin does.
// Users run at the same time, so in queue mode their requests spread over the workers. Counted from the
// local IDCS's request log: each refresh token must be presented once, and none refused.
'use strict';

const crypto = require('crypto');

const local = require('./local-idcs');
const { authorizeHeadlessly } = require('../test/local-idcs/authorize');

const FIELD_SERVICE_ORIGIN = 'https://field-service.example.com';
const REDIRECT_URI = `${FIELD_SERVICE_ORIGIN}/plugin-auth-redirect/`;
/** Where Field Service serves the plugin's files from: the origin its requests carry, and CORS allows. */
const PLUGIN_ORIGIN = 'https://plugins-0-field-service.example.com';

/**
 * A local IDCS of its own (access tokens shorter than the node's 60 s margin: every request refreshes),
 * the templates' credential, and the templates pointed at it. Resolves { idcs, credentials, workflows, stop }.
 */
async function preparePluginBackEnd() {
	const idcs = await local.startIdcs({ accessTokenTtl: 30 });
	return { idcs, ...local.pluginBackEndFor(idcs, PLUGIN_ORIGIN), stop: () => idcs.stop() };
}

const base64url = (buffer) => buffer.toString('base64url');

async function post(url, body) {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(120_000),
	});
	const text = await response.text();
	let json = {};
	try {
		json = JSON.parse(text);
	} catch {
		json = { text: text.slice(0, 300) };
	}
	return { status: response.status, body: json };
}

/** One user: sign in, then `requests` requests in a row. Resolves the HTTP statuses, sign-in first. */
async function oneUser({ url, idcs, login, requests }) {
	const verifier = base64url(crypto.randomBytes(32));
	const challenge = base64url(crypto.createHash('sha256').update(verifier).digest());
	const query = new URLSearchParams({
		response_type: 'code',
		client_id: idcs.clients.basic.clientId,
		redirect_uri: REDIRECT_URI,
		scope: `${local.RESOURCE_SCOPE} offline_access`,
		state: base64url(crypto.randomBytes(16)),
		code_challenge: challenge,
		code_challenge_method: 'S256',
	});
	const { code } = await authorizeHeadlessly(`${idcs.issuer}/oauth2/v1/authorize?${query}`);
	const signIn = await post(`${url}/webhook/ofs-plugin/sign-in`, {
		login,
		code,
		code_verifier: verifier,
		redirect_uri: REDIRECT_URI,
	});
	const statuses = [signIn.status];
	let sealed = signIn.body.sealed_refresh_token;
	for (let i = 0; i < requests && sealed; i++) {
		const answer = await post(`${url}/webhook/ofs-plugin/resources`, { login, sealed_refresh_token: sealed });
		statuses.push(answer.status);
		// As the plugin does: keep the token an answer carries, whatever its status.
		if (typeof answer.body.sealed_refresh_token === 'string') sealed = answer.body.sealed_refresh_token;
		if (answer.status !== 200) break;
	}
	return statuses;
}

/**
 * `users` users at once against n8n at `url`. Resolves { users, requests, statuses (per user),
 * ok, failed, refreshes, invalidGrant, mostPresentations, refreshTokensIssued, ms }.
 */
async function runPluginUsers({ url, backEnd, users = 10, requests = 8 }) {
	const started = Date.now();
	await backEnd.idcs.clearRequests();
	const statuses = await Promise.all(
		Array.from({ length: users }, (_, i) =>
			oneUser({ url, idcs: backEnd.idcs, login: `ofs.tech.${i + 1}`, requests }).catch((error) => [
				`error: ${error.message}`,
			]),
		),
	);
	const tokens = await backEnd.idcs.tokenRequests();
	const refreshes = tokens.filter((t) => t.grantType === 'refresh_token');
	const presented = new Map();
	for (const t of refreshes) presented.set(t.body.refresh_token, (presented.get(t.body.refresh_token) ?? 0) + 1);
	const flat = statuses.flat();
	return {
		users,
		requests,
		statuses,
		ok: flat.filter((s) => s === 200).length,
		failed: flat.filter((s) => s !== 200).length,
		signIns: tokens.filter((t) => t.grantType === 'authorization_code' && t.outcome === 'ok').length,
		refreshes: refreshes.length,
		invalidGrant: tokens.filter((t) => t.outcome === 'invalid_grant').length,
		mostPresentations: Math.max(0, ...presented.values()),
		refreshTokensIssued: tokens.map((t) => t.response?.refresh_token).filter(Boolean),
		ms: Date.now() - started,
	};
}

module.exports = { preparePluginBackEnd, runPluginUsers };
