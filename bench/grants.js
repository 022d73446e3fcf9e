// Section 5: the grants beyond the refresh token, in-process (n8n-core's real ExecuteContext and
// request helper, the compiled node from dist/) against the local IDCS and its Field Service stand-in:
// token calls per token lifetime with reuse, against one call per execution for a hand-made grant;
// and what one execution costs, with a reused token and with a token call, against a bare fetch of
// the same grant (its assertions signed with Node's crypto, as the node signs them).
'use strict';

const { createPrivateKey, randomUUID, sign } = require('crypto');
const path = require('path');

const h = require('./lib/harness');
const { admin, median, quantile, REPO_ROOT } = require('./lib/util');

const { grantTokenCache } = require(
	path.join(REPO_ROOT, 'dist', 'nodes', 'FieldServiceToken', 'operations', 'getClientCredentialsToken.operation.js'),
);

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const IDCS_AUDIENCE = 'https://identity.oraclecloud.com/';
const FORM = 'application/x-www-form-urlencoded;charset=UTF-8';

const b64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
function jwt(privateKey, header, claims) {
	const now = Math.floor(Date.now() / 1000);
	const input = `${b64url({ alg: 'RS256', typ: 'JWT', ...header })}.${b64url({ iat: now, exp: now + 300, jti: randomUUID(), ...claims })}`;
	return `${input}.${sign('sha256', Buffer.from(input), createPrivateKey(privateKey)).toString('base64url')}`;
}
const basic = (user, secret) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

async function timed(fn) {
	const start = process.hrtime.bigint();
	await fn();
	return Number(process.hrtime.bigint() - start) / 1e6;
}

/** The five ways, each as node parameters + credential, and as a bare fetch of the same grant. */
async function variants(idcs) {
	const keys = await admin(idcs.issuer, 'signing-keys');
	const fs = await admin(idcs.issuer, 'field-service');
	const { service, signed } = idcs.clients;
	const idcsCredential = (client, extra = {}) =>
		h.credentialStore({
			domainUrl: idcs.issuer,
			clientId: client.clientId,
			clientSecret: client.clientSecret ?? '',
			resourceScope: h.RESOURCE_SCOPE,
			authentication: 'header',
			...extra,
		});
	const fsCredential = h.credentialStore(
		{
			instanceUrl: idcs.issuer,
			instance: fs.instance,
			clientId: fs.clientId,
			clientSecret: fs.clientSecret,
			applicationId: fs.applicationId,
			signingPrivateKey: fs.privateKey,
		},
		{ id: 'bench-fs', name: 'bench-fs' },
	);
	const fsUrl = `${idcs.issuer}/rest/oauthTokenService/v2/token`;
	const fsAudience = `ofsc:${fs.instance}:${fs.applicationId}`;
	const serviceKey = keys.service[0];
	const signedKey = keys.signed[0];
	const clientAssertion = () => ({
		client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
		client_assertion: jwt(
			signedKey.privateKey,
			{ kid: signedKey.alias },
			{
				iss: signed.clientId,
				sub: signed.clientId,
				aud: IDCS_AUDIENCE,
			},
		),
	});
	return [
		{
			id: 'clientCredentials',
			label: 'client credentials (IDCS, Basic)',
			clientId: service.clientId,
			grantType: 'client_credentials',
			parameters: { operation: 'getClientCredentialsToken' },
			credential: idcsCredential(service),
			fetch: () => ({
				url: idcs.tokenUrl,
				headers: { authorization: basic(service.clientId, service.clientSecret) },
				form: { grant_type: 'client_credentials', scope: h.RESOURCE_SCOPE },
			}),
		},
		{
			id: 'clientAssertion',
			label: 'client credentials (IDCS, client assertion)',
			clientId: signed.clientId,
			grantType: 'client_credentials',
			parameters: { operation: 'getClientCredentialsToken', clientAuthentication: 'clientAssertion' },
			credential: idcsCredential(signed, { signingPrivateKey: signedKey.privateKey, signingKeyId: signedKey.alias }),
			fetch: () => ({
				url: idcs.tokenUrl,
				headers: {},
				form: { grant_type: 'client_credentials', scope: h.RESOURCE_SCOPE, ...clientAssertion() },
			}),
		},
		{
			id: 'userAssertion',
			label: 'user assertion (IDCS, Basic)',
			clientId: service.clientId,
			grantType: JWT_BEARER,
			parameters: { operation: 'getUserAssertionToken', userName: 'ofs.dispatcher' },
			credential: idcsCredential(service, {
				signingPrivateKey: serviceKey.privateKey,
				signingKeyId: serviceKey.alias,
			}),
			fetch: () => ({
				url: idcs.tokenUrl,
				headers: { authorization: basic(service.clientId, service.clientSecret) },
				form: {
					grant_type: JWT_BEARER,
					scope: h.RESOURCE_SCOPE,
					assertion: jwt(
						serviceKey.privateKey,
						{ kid: serviceKey.alias },
						{
							iss: service.clientId,
							sub: 'ofs.dispatcher',
							aud: IDCS_AUDIENCE,
						},
					),
				},
			}),
		},
		{
			id: 'fieldServiceSecret',
			label: 'Field Service token service, client ID and secret',
			fieldService: 'client_credentials',
			parameters: { operation: 'getFieldServiceToken' },
			credential: fsCredential,
			credentialType: 'oracleFieldServiceApi',
			fetch: () => ({
				url: fsUrl,
				headers: { authorization: basic(`${fs.clientId}@${fs.instance}`, fs.clientSecret) },
				form: { grant_type: 'client_credentials' },
			}),
		},
		{
			id: 'fieldServiceAssertion',
			label: 'Field Service token service, JWT assertion',
			fieldService: JWT_BEARER,
			parameters: { operation: 'getFieldServiceToken', fieldServiceGrant: 'jwtAssertion' },
			credential: fsCredential,
			credentialType: 'oracleFieldServiceApi',
			fetch: () => ({
				url: fsUrl,
				headers: {},
				form: {
					grant_type: JWT_BEARER,
					assertion: jwt(fs.privateKey, {}, { iss: fs.applicationId, sub: fsAudience, aud: fsAudience }),
				},
			}),
		},
	];
}

const runNode = (variant, options) =>
	h.runNode({
		nodeType: h.fieldServiceToken,
		parameters: { ...variant.parameters, options },
		credential: variant.credential,
		credentialType: variant.credentialType,
	});

async function bareFetch(variant) {
	const { url, headers, form } = variant.fetch();
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': FORM, ...headers },
		body: new URLSearchParams(form).toString(),
	});
	const json = await response.json();
	if (response.status !== 200)
		throw new Error(`bare fetch of ${variant.id}: ${response.status} ${JSON.stringify(json)}`);
}

/** Token calls a variant made, from the local server's own records. */
async function tokenCalls(idcs, variant) {
	if (variant.fieldService) {
		const { requests } = await admin(idcs.issuer, 'field-service');
		return requests.filter((r) => r.grantType === variant.fieldService && r.status === 200).length;
	}
	const log = await admin(idcs.issuer, 'requests?endpoint=token');
	return log.filter((r) => r.clientId === variant.clientId && r.grantType === variant.grantType && r.status === 200)
		.length;
}

/** Executions every `intervalMs` for `lifetimes` token lifetimes, reuse on (margin 0.5 s). */
async function lifetimes(idcs, variant, { ttl, intervalMs, lifetimes: count }) {
	grantTokenCache.clear();
	const before = await tokenCalls(idcs, variant);
	const executions = Math.round((ttl * 1000 * count) / intervalMs);
	for (let run = 0; run < executions; run++) {
		const started = Date.now();
		await runNode(variant, { expiryMarginSeconds: 0.5 });
		await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalMs - (Date.now() - started))));
	}
	return { executions, calls: (await tokenCalls(idcs, variant)) - before };
}

module.exports = async function grants({ startIdcs, ttl, intervalMs, lifetimes: count, runs, warmup }) {
	// Token calls per lifetime: short-lived tokens, so that several lifetimes pass quickly.
	let idcs = await startIdcs({ accessTokenTtl: ttl });
	const perLifetime = [];
	for (const variant of await variants(idcs)) {
		const { executions, calls } = await lifetimes(idcs, variant, { ttl, intervalMs, lifetimes: count });
		perLifetime.push({ id: variant.id, label: variant.label, executions, calls, lifetimes: count });
	}
	await idcs.stop();

	// Overhead: long-lived tokens; the variants round robin, one of each per round.
	idcs = await startIdcs();
	const all = await variants(idcs);
	const timings = Object.fromEntries(all.map((v) => [v.id, { reused: [], calling: [], fetch: [] }]));
	grantTokenCache.clear();
	for (let round = 0; round < warmup + runs; round++) {
		for (const variant of all) {
			const reused = await timed(async () => {
				const [[item]] = await runNode(variant, {});
				if (round > 0 && item.json.from_cache !== true) throw new Error(`${variant.id}: the token was not reused`);
			});
			const calling = await timed(() => runNode(variant, { reuseToken: false }));
			const fetched = await timed(() => bareFetch(variant));
			if (round >= warmup) {
				timings[variant.id].reused.push(reused);
				timings[variant.id].calling.push(calling);
				timings[variant.id].fetch.push(fetched);
			}
		}
	}
	await idcs.stop();
	const overhead = all.map((variant) => {
		const t = timings[variant.id];
		const fetchMs = median(t.fetch);
		return {
			id: variant.id,
			label: variant.label,
			reusedMs: median(t.reused),
			callingMs: median(t.calling),
			callingP90Ms: quantile(t.calling, 0.9),
			fetchMs,
			reusedRatio: median(t.reused) / fetchMs,
			callingRatio: median(t.calling) / fetchMs,
		};
	});
	return { ttl, intervalMs, lifetimes: count, runs, warmup, perLifetime, overhead };
};
