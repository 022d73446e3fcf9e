// n8n's command line on a user folder: the environment every n8n process gets, imports, exports,
// `n8n execute`, and activating a workflow.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const { freePort, run } = require('../processes');
const { cacheRoot, ensureN8n, node24Env } = require('./install');

/**
 * The environment of an n8n process on `folder`: its own user folder and key, everything that would
 * call n8n's servers switched off, only 127.0.0.1, a free task-runner broker port of its own.
 */
async function n8nEnv(folder, extra = {}) {
	// n8n 2.41's preview Assistant (module instance-ai) now and then takes the editor's landing after
	// sign-in, over the page the sign-in was asked to open; n8n refuses a module name it does not know,
	// so it is switched off only where it exists.
	const { dir } = await ensureN8n();
	const instanceAi = fs.existsSync(path.join(dir, 'node_modules', 'n8n', 'dist', 'modules', 'instance-ai'));
	return node24Env({
		...(instanceAi ? { N8N_DISABLED_MODULES: 'instance-ai' } : {}),
		// Node's cache of compiled modules, shared by every n8n process: a start or CLI call spends most of
		// its time loading n8n's modules (5.1 s per `n8n execute` without it, 4.7 s with it, on 2 idle cores).
		NODE_COMPILE_CACHE: path.join(cacheRoot(), 'compile-cache'),
		N8N_USER_FOLDER: folder.dir,
		N8N_ENCRYPTION_KEY: folder.encryptionKey,
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_MCP_COMMUNITY_NODE_DISCOVERY_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_PYTHON_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_LOG_LEVEL: 'info',
		...extra,
	});
}

/** Runs `n8n <args...>` on `folder`; resolves { code, stdout, stderr, ms }. */
async function n8nCli(folder, args, { env = {}, timeoutMs = 180_000 } = {}) {
	const { node, n8n } = await ensureN8n();
	return run(node, [n8n, ...args], { cwd: folder.dir, env: await n8nEnv(folder, env), timeoutMs });
}

async function n8nCliOrThrow(folder, args, options) {
	const result = await n8nCli(folder, args, options);
	if (result.code !== 0)
		throw new Error(
			`n8n ${args.join(' ')} failed (exit ${result.code})\n${result.stdout}\n${result.stderr}`.slice(0, 8000),
		);
	return result;
}

/** Writes `data` to a file in the user folder for an import, runs it, and removes the file again. */
async function importFile(folder, kind, data) {
	const file = path.join(folder.dir, `import-${kind}-${crypto.randomBytes(4).toString('hex')}.json`);
	fs.writeFileSync(file, JSON.stringify(data, null, 2), { mode: 0o600 });
	try {
		return await n8nCliOrThrow(folder, [`import:${kind}`, `--input=${file}`]);
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/** `n8n import:credentials`: a list of { id, name, type, data } with plain data; n8n encrypts it. */
const importCredentials = (folder, credentials) => importFile(folder, 'credentials', [].concat(credentials));

/** `n8n import:workflow` of one workflow or a list. */
const importWorkflows = (folder, workflows) => importFile(folder, 'workflow', [].concat(workflows));

/** `n8n export:workflow --id`: the stored workflow, or undefined when the user folder has none with that id. */
async function exportWorkflow(folder, id) {
	const file = path.join(folder.dir, `workflow-${crypto.randomBytes(4).toString('hex')}.json`);
	try {
		const result = await n8nCli(folder, ['export:workflow', `--id=${id}`, `--output=${file}`]);
		if (result.code !== 0 || !fs.existsSync(file)) return undefined;
		return [].concat(JSON.parse(fs.readFileSync(file, 'utf8')))[0];
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/** `n8n export:nodes`: the node types this n8n loaded (descriptions included). */
async function exportNodes(folder) {
	const file = path.join(folder.dir, `nodes-${crypto.randomBytes(4).toString('hex')}.json`);
	try {
		await n8nCliOrThrow(folder, ['export:nodes', `--output=${file}`]);
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/** The run JSON `n8n execute` prints (`JSON.stringify(run, null, 2)`, so "{" and "}" at column 0). */
function parseRun(text) {
	const match = /^\{\n[\s\S]*?\n\}$/m.exec(text);
	if (!match) return undefined;
	try {
		return JSON.parse(match[0]);
	} catch {
		return undefined;
	}
}

/**
 * `n8n execute --id=<id> --rawOutput`. Resolves { ok, code, run, error, output(nodeName), stdout,
 * stderr, ms }: `run` is the execution n8n printed (on failure too: it logs the failed run), `error`
 * its resultData.error, `output(name)` the JSON of the items a node put out.
 */
async function executeWorkflow(folder, workflowId, { env = {}, timeoutMs } = {}) {
	const result = await n8nCli(folder, ['execute', `--id=${workflowId}`, '--rawOutput'], { env, timeoutMs });
	const runData = parseRun(result.stdout);
	const error = runData?.data?.resultData?.error;
	// n8n 1.119.2 prints a finished run with status "running" (finished: true, no error); later ones say "success".
	const succeeded = !error && (runData?.status === 'success' || runData?.finished === true);
	// n8n 2.41 and 1.123 on Node 24 now and then die by SIGSEGV while exiting, after the execution
	// finished and was printed (2 of 60 runs of a two-node workflow here; also after a failed execution,
	// in place of exit code 1). The execution is complete.
	const crashedOnExit = runData !== undefined && result.code === null && result.signal === 'SIGSEGV';
	if (crashedOnExit)
		console.warn(
			`[fst] n8n crashed (SIGSEGV) while exiting, after the execution ${succeeded ? 'succeeded' : 'failed'}`,
		);
	return {
		...result,
		crashedOnExit,
		ok: (result.code === 0 || crashedOnExit) && succeeded,
		run: runData,
		error,
		output(nodeName) {
			const runs = runData?.data?.resultData?.runData?.[nodeName];
			return runs ? (runs[runs.length - 1].data?.main?.[0]?.map((item) => item.json) ?? []) : undefined;
		},
	};
}

/** The CLI command that activates a workflow: n8n 2.x publishes, n8n 1.x sets it active. */
const activateArgs = (version, id) =>
	version.startsWith('1.') ? ['update:workflow', `--id=${id}`, '--active=true'] : ['publish:workflow', `--id=${id}`];

module.exports = {
	exportWorkflow,
	n8nEnv,
	n8nCli,
	n8nCliOrThrow,
	importCredentials,
	importWorkflows,
	exportNodes,
	parseRun,
	executeWorkflow,
	activateArgs,
};
