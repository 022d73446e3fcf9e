#!/usr/bin/env node
// npm run demo: the example workflow, run once by real n8n against the local IDCS and OFS stand-in.
//   build + npm pack -> n8n (cached) -> local IDCS -> fresh n8n user folder with the package installed
//   as a community package -> import a connected credential and the example workflow -> n8n execute.
// Exits 0 when the token node got a token and the OFS stand-in answered with it; non-zero otherwise.
// Options: --keep (keep the temporary user folder, and print its path).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const n8n = require('./n8n');
const local = require('./local-idcs');

// Shorter than the node's default 60 s expiry margin: the token the credential holds is not reused,
// so the run shows the refresh through n8n (and the rotated refresh token saved into the credential).
const ACCESS_TOKEN_TTL = 45;
const TOKEN_NODE = 'Field Service Token';
const HTTP_NODE = 'List OFS resources';

const keep = process.argv.includes('--keep');
const started = Date.now();
const seconds = (since = started) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const say = (line = '') => console.log(line);

let idcs;
let workDir;

async function cleanup() {
	await idcs?.stop();
	if (workDir && !keep) fs.rmSync(workDir, { recursive: true, force: true });
}

function mask(token) {
	return typeof token === 'string' && token.length > 12
		? `${token.slice(0, 6)}…${token.slice(-4)} (${token.length} chars)`
		: '(none)';
}

async function main() {
	n8n.onSignals(cleanup);
	say(`Field Service Token demo: real n8n ${n8n.n8nVersion()}, local IDCS and OFS stand-ins on 127.0.0.1`);

	let step = Date.now();
	const { node } = await n8n.ensureN8n();
	say(`- n8n ${n8n.n8nVersion()} with Node 24 ready (${seconds(step)}; cache ${n8n.cacheRoot()}, node ${node})`);

	workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fst-demo-'));
	step = Date.now();
	const tarball = await n8n.buildAndPack(path.join(workDir, 'pack'));
	say(`- built and packed ${path.basename(tarball)} (${seconds(step)})`);

	step = Date.now();
	idcs = await local.startIdcs({ accessTokenTtl: ACCESS_TOKEN_TTL });
	say(`- local IDCS at ${idcs.issuer} (access tokens live ${ACCESS_TOKEN_TTL} s)`);

	const folder = n8n.userFolder(path.join(workDir, 'n8n'));
	const version = await n8n.installPackage(folder, tarball);
	say(`- installed ${n8n.PACKAGE_NAME}@${version} into ${path.join(folder.n8nDir, 'nodes')} (${seconds(step)})`);

	step = Date.now();
	const ref = local.exampleCredentialRef();
	const data = await local.connectedCredentialData(idcs, { client: 'basic' });
	await n8n.importCredentials(folder, local.credential(ref.id, ref.name, data));
	const workflow = local.exampleWorkflowFor(idcs.ofsBaseUrl);
	await n8n.importWorkflows(folder, workflow);
	say(
		`- imported the credential "${ref.name}" (client basic, connected) and the example workflow "${workflow.name}" (${seconds(step)})`,
	);
	await idcs.clearRequests();

	step = Date.now();
	say(`- n8n execute --id=${workflow.id} --rawOutput ...`);
	const result = await n8n.executeWorkflow(folder, workflow.id);
	const stats = await idcs.stats();
	say(`  finished in ${seconds(step)}, exit code ${result.code}`);
	say();

	if (!result.ok) {
		say('FAILED: the workflow did not run through.');
		if (result.error) {
			say(`  ${result.error.node?.name ?? 'n8n'}: ${result.error.message}`);
			if (result.error.description) say(`  ${result.error.description}`);
		} else {
			say(result.stderr.slice(-3000) || result.stdout.slice(-3000));
		}
		return 1;
	}

	const [token] = result.output(TOKEN_NODE) ?? [];
	const [resources] = result.output(HTTP_NODE) ?? [];
	const refreshes = stats.token.byGrantTypeAndOutcome.refresh_token ?? {};
	say('Result');
	say(
		`  token:      ${token?.authorization ? `${token.token_type} ${mask(token.access_token)}` : '(none)'}, expires ${token?.expires_at} (in ${token?.expires_in} s)`,
	);
	say(`  from_cache: ${token?.from_cache}   refresh_token_rotated: ${token?.refresh_token_rotated}`);
	say(
		`  IDCS:       ${stats.token.total} token request(s) during the run (refresh_token grant: ${JSON.stringify(refreshes)})`,
	);
	say(
		`  OFS:        GET ${idcs.ofsBaseUrl}/rest/ofscCore/v1/resources -> ${stats.api.ok === 1 ? '200 OK' : `api stats ${JSON.stringify(stats.api)}`}, ${resources?.totalResults ?? 0} resources:`,
	);
	for (const item of resources?.items ?? [])
		say(`              ${item.resourceId}  ${item.name} (${item.resourceType}, ${item.status})`);
	if (!token?.from_cache && token?.refresh_token_rotated) {
		say(`  The credential's access token was within the node's 60 s expiry margin, so the node refreshed it`);
		say(`  through n8n, which saved the rotated refresh token into the encrypted credential.`);
	}
	if (keep)
		say(`  n8n user folder kept: ${folder.dir} (N8N_ENCRYPTION_KEY in ${path.join(folder.dir, 'fst-encryption-key')})`);
	say();

	const ok =
		Boolean(token?.authorization?.startsWith('Bearer ')) &&
		stats.api.ok === 1 &&
		stats.api.unauthorized === 0 &&
		resources?.items?.length > 0;
	say(ok ? `OK (${seconds()})` : `FAILED: unexpected result (${seconds()})`);
	return ok ? 0 : 1;
}

main()
	.catch((error) => {
		console.error(`FAILED: ${error.userFacing ? error.message : (error.stack ?? error)}`);
		return 1;
	})
	.then(async (code) => {
		await cleanup().catch((error) => console.error(`cleanup: ${error.message}`));
		process.exit(code);
	});
