#!/usr/bin/env node
// npm start: the n8n editor on 127.0.0.1 with this package installed as a community package, the local
// IDCS and OFS stand-ins, a connected credential and the example workflow. Ctrl-C stops all of it.
//
// The n8n user folder is kept in <cache>/demo-user (FST_DEMO_USER_DIR to use another): the owner login, your own workflows and your edits
// of the example workflow survive a restart. The local IDCS keeps its tokens in memory only, so every
// start re-imports the demo credential (a newly minted refresh token); the example workflow is imported
// on the first start only (and with --reset-example). A second npm start while one runs on the folder
// is refused, naming the running one.
// Options: --fresh (start over with an empty user folder), --reset-example (import the example workflow
// again, over your edits), --verbose (stream n8n's log).
'use strict';

const fs = require('fs');
const path = require('path');

const n8n = require('./n8n');
const { claimFolder } = require('./folderLock');
const local = require('./local-idcs');

const OWNER = { email: 'demo@example.com', password: 'FieldService1', firstName: 'Field Service', lastName: 'Demo' };
// The node reuses a token until 60 s before it expires: with 2-minute tokens, executions a minute
// apart show both reuse (from_cache: true) and a refresh with a rotated refresh token.
const ACCESS_TOKEN_TTL = 120;
const PREFERRED_N8N_PORT = 5678;
const PREFERRED_IDCS_PORT = 47200;

const fresh = process.argv.includes('--fresh');
const resetExample = process.argv.includes('--reset-example');
const verbose = process.argv.includes('--verbose');
const say = (line = '') => console.log(line);

let idcs;
let server;
let stopping = false;

async function cleanup() {
	stopping = true;
	await server?.stop();
	await idcs?.stop();
}

async function main() {
	n8n.onSignals(async () => {
		await cleanup();
		say('Stopped n8n and the local IDCS.');
	});
	const started = Date.now();
	const dir = process.env.FST_DEMO_USER_DIR || path.join(n8n.cacheRoot(), 'demo-user');
	// One npm start per user folder: a second one would re-import the credential and the workflow into
	// the folder the first one serves, pointed at its own local IDCS, and break the first editor's
	// workflow when it stops. The lock sits beside the folder, so --fresh does not remove it.
	const lock = claimFolder(dir, path.basename(__filename));
	if (lock.holder) {
		const { pid, url } = lock.holder;
		console.error(
			`npm start is already running on ${dir} (pid ${pid}): ${url ? `its editor is ${url}/` : 'it prints its editor URL when it is ready'}\n` +
				`Use that one, or stop it (Ctrl-C in its terminal, or kill ${pid}) before starting again.`,
		);
		process.exit(1);
	}
	await n8n.ensureN8n();

	if (fresh) fs.rmSync(dir, { recursive: true, force: true });
	const existed = fs.existsSync(path.join(dir, '.n8n', 'database.sqlite'));
	const folder = n8n.userFolder(dir);
	const tarball = await n8n.buildAndPack(path.join(dir, 'pack'));
	const version = await n8n.installPackage(folder, tarball);
	n8n.log(`installed ${n8n.PACKAGE_NAME}@${version} into ${path.join(folder.n8nDir, 'nodes')}`);

	const port = await n8n.freePort(PREFERRED_N8N_PORT);
	const url = `http://127.0.0.1:${port}`;
	const callbacks = [
		`${url}/rest/oauth2-credential/callback`,
		`http://localhost:${port}/rest/oauth2-credential/callback`,
	];
	idcs = await local.startIdcs({
		port: await n8n.freePort(PREFERRED_IDCS_PORT),
		accessTokenTtl: ACCESS_TOKEN_TTL,
		redirectUris: callbacks,
	});
	n8n.log(`local IDCS at ${idcs.issuer}`);

	const ref = local.exampleCredentialRef();
	const workflow = local.exampleWorkflowFor(idcs.ofsBaseUrl);
	await n8n.importCredentials(
		folder,
		local.credential(ref.id, ref.name, await local.connectedCredentialData(idcs, { client: 'basic' })),
	);
	// The example as the user left it, unless there is none yet or they asked for it anew.
	const kept = existed && !resetExample ? await n8n.exportWorkflow(folder, workflow.id) : undefined;
	if (!kept) await n8n.importWorkflows(folder, workflow);
	n8n.log(
		`imported the credential "${ref.name}"${kept ? `; kept the workflow "${kept.name}" as you left it` : ` and the workflow "${workflow.name}"`}`,
	);
	// The stand-in listens where it did last time unless that port was taken meanwhile.
	const keptElsewhere = kept && !JSON.stringify(kept.nodes).includes(idcs.ofsBaseUrl);

	const logFile = path.join(dir, 'n8n.log');
	server = await n8n.startN8n(folder, { port, echo: verbose });
	lock.update({ url: server.url });
	let owner;
	try {
		owner = await n8n.setupOwner(server.url, OWNER);
	} catch (error) {
		owner = `not checked: ${error.message}`;
	}
	const logStream = fs.createWriteStream(logFile, { flags: 'w' });
	logStream.write(server.logs());
	server.process.stdout.on('data', (chunk) => logStream.write(chunk));
	server.process.stderr.on('data', (chunk) => logStream.write(chunk));
	server.process.once('exit', async (code, signal) => {
		if (stopping) return;
		console.error(`n8n exited (${code ?? signal}); see ${logFile}`);
		await idcs.stop();
		process.exit(1);
	});

	const { clients } = idcs;
	say('');
	say(
		`n8n ${n8n.n8nVersion()} with ${n8n.PACKAGE_NAME}@${version} is running (ready in ${Math.round((Date.now() - started) / 1000)} s).`,
	);
	say('');
	say(`  Editor:    ${n8n.signInUrl(server.url, `/workflow/${workflow.id}`)}`);
	say('             (opens the example workflow once you have signed in)');
	say(
		`  Log in:    ${OWNER.email} / ${OWNER.password}   (${owner === 'created' ? 'owner account just created' : owner === 'existing' ? 'owner account from an earlier start' : owner})`,
	);
	say(`  Workflow:  ${server.url}/workflow/${workflow.id}  "${(kept ?? workflow).name}"`);
	say('             click "Execute workflow"; open the nodes to see the token and the OFS resources.');
	if (kept) {
		say(
			'             Kept as you left it: your edits survive a restart (npm start -- --reset-example imports it anew).',
		);
	}
	if (keptElsewhere) {
		say(
			`             It calls the OFS stand-in at an earlier address; this start's is ${idcs.ofsBaseUrl} (--reset-example points it there).`,
		);
	}
	say(`  Credential "${ref.name}" (Oracle IDCS OAuth2 API) is connected to the local IDCS ${idcs.issuer}`);
	say(
		`             client "basic" ${clients.basic.clientId}; tokens live ${ACCESS_TOKEN_TTL} s, the node reuses one until 60 s before expiry.`,
	);
	say(
		'             "Switch account" (or "Connect" on a new credential) opens the local IDCS sign-in page: any user name and password.',
	);
	say(`             Other local clients: post ${clients.post.clientId} / ${clients.post.clientSecret} (Body Fields),`);
	say(`             mobile ${clients.mobile.clientId} (no secret). Resource scope: ${local.RESOURCE_SCOPE}`);
	say(
		`  OFS stand-in: GET ${idcs.ofsBaseUrl}/rest/ofscCore/v1/resources   IDCS request log: ${idcs.issuer}/__admin/requests`,
	);
	say(
		`  User folder: ${dir}${existed ? ' (kept from an earlier start; --fresh starts over)' : ''}   n8n log: ${logFile}`,
	);
	say('');
	say('Ctrl-C stops n8n and the local IDCS.');
}

main().catch(async (error) => {
	console.error(`npm start failed: ${error.userFacing ? error.message : (error.stack ?? error)}`);
	await cleanup().catch(() => {});
	process.exit(1);
});
