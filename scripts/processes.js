// Child processes for the scripts and tests: every one started is remembered, so that an exit or a
// signal takes it along; commands with their output; the environment they get; free ports on
// 127.0.0.1. Plain CommonJS, Node 20+.
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');

const log = (...args) => console.error('[fst]', ...args);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

const children = new Set();

function track(child, { group = false } = {}) {
	const entry = { child, group };
	children.add(entry);
	child.once('exit', () => children.delete(entry));
	return child;
}

function killEntry({ child, group }, signal) {
	if (group) return killGroup(child.pid, signal);
	if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}

/** Signals every process of the group `pid` leads, the leader gone or not (n8n's task runners stay
 * in the group of the n8n process that started them, and may outlive it for a few seconds). */
function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch {
		// no process left in the group
	}
}

/** Kills whatever is still running (SIGKILL); for process 'exit', where nothing async runs. */
function killAllNow() {
	for (const entry of children) killEntry(entry, 'SIGKILL');
}
process.once('exit', killAllNow);

/** Stops a process (its whole group when started detached): SIGTERM, then SIGKILL after graceMs. */
function stopProcess(child, { graceMs = 10_000 } = {}) {
	const entry = [...children].find((e) => e.child === child) ?? { child, group: false };
	if (child.exitCode !== null || child.signalCode !== null) {
		killEntry(entry, 'SIGKILL'); // the leader is gone; sweep what may be left in its group
		return Promise.resolve();
	}
	return new Promise((resolve) => {
		const timer = setTimeout(() => killEntry(entry, 'SIGKILL'), graceMs);
		child.once('exit', () => {
			clearTimeout(timer);
			killEntry(entry, 'SIGKILL');
			resolve();
		});
		killEntry(entry, 'SIGTERM');
	});
}

/**
 * Runs `cleanup` once on SIGINT / SIGTERM / SIGHUP, then exits (130 / 143 / 129). Children started
 * detached do not get the terminal's Ctrl-C themselves: this is where they are stopped.
 */
function onSignals(cleanup) {
	let done = false;
	const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
	for (const [signal, code] of Object.entries(codes)) {
		process.on(signal, () => {
			if (done) return;
			done = true;
			log(`${signal}: stopping what this script started ...`);
			const force = setTimeout(() => process.exit(code), 25_000);
			Promise.resolve()
				.then(cleanup)
				.catch((error) => log(`cleanup: ${error.message}`))
				.finally(() => {
					clearTimeout(force);
					killAllNow();
					process.exit(code);
				});
		});
	}
}

/**
 * process.env for the processes we start. Left out: what `npm run` adds from this project (its
 * .npmrc's ignore-scripts=true arrives as npm_config_ignore_scripts and would break the cache
 * installs; npm_config_nodedir would point native builds at the wrong headers; npm_package_* etc.),
 * any N8N_* / DB_* of the caller's shell (they would change the n8n we start), and NODE_ENV (Jest sets
 * it to "test", which makes the n8n CLI skip its command and exit 0). Registry, proxy and CA settings
 * (other npm_config_*) stay.
 */
function cleanEnv(extra = {}) {
	const drop =
		/^(npm_config_(ignore_scripts|nodedir|local_prefix|global_prefix|prefix|user_agent|npm_version|node_gyp)$|npm_(?!config_)|N8N_|DB_|EXECUTIONS_|QUEUE_|JEST_|WEBHOOK_URL$|NODE_ENV$|NODE_OPTIONS$|INIT_CWD$)/i;
	const env = {};
	for (const [key, value] of Object.entries(process.env)) if (!drop.test(key)) env[key] = value;
	return { ...env, ...extra };
}

/**
 * Runs a command; resolves { code, signal, stdout, stderr, ms }. `echo` streams its output to our
 * stderr as it comes (for long installs); `logFile` appends it there too.
 */
function run(command, args, { cwd, env, echo = false, logFile, timeoutMs, input, onOutput } = {}) {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = track(
			spawn(command, args, { cwd, env: env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true }),
			{
				group: true,
			},
		);
		let stdout = '';
		let stderr = '';
		const logStream = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : undefined;
		child.stdout.on('data', (chunk) => {
			stdout += chunk;
			logStream?.write(chunk);
			onOutput?.(chunk, 'stdout');
			if (echo) process.stderr.write(chunk);
		});
		child.stderr.on('data', (chunk) => {
			stderr += chunk;
			logStream?.write(chunk);
			onOutput?.(chunk, 'stderr');
			if (echo) process.stderr.write(chunk);
		});
		if (input !== undefined) child.stdin.end(input);
		else child.stdin.end();
		let timedOut = false;
		const timer = timeoutMs
			? setTimeout(() => {
					timedOut = true;
					stopProcess(child, { graceMs: 5_000 });
				}, timeoutMs)
			: undefined;
		child.once('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.once('close', (code, signal) => {
			clearTimeout(timer);
			logStream?.end();
			// A task runner n8n started may outlive it: sweep its group.
			killGroup(child.pid, 'SIGKILL');
			if (timedOut) {
				const error = new Error(
					`${path.basename(command)} ${args.join(' ')} timed out after ${timeoutMs} ms\n${stderr.slice(-4000)}`,
				);
				return reject(Object.assign(error, { stdout, stderr }));
			}
			resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
		});
	});
}

async function runOrThrow(command, args, options = {}) {
	const result = await run(command, args, options);
	if (result.code !== 0) {
		const output = `${result.stdout}\n${result.stderr}`.trim().slice(-6000);
		throw new Error(
			`${path.basename(command)} ${args.join(' ')} failed (exit ${result.code ?? result.signal})${options.logFile ? `; log: ${options.logFile}` : ''}\n${output}`,
		);
	}
	return result;
}

/** A TCP port nobody listens on at the moment (127.0.0.1). `preferred` first, when it is free. */
function freePort(preferred) {
	const tryPort = (port) =>
		new Promise((resolve) => {
			const server = net.createServer();
			server.unref();
			server.once('error', () => resolve(undefined));
			server.listen(port, '127.0.0.1', () => {
				const { port: bound } = server.address();
				server.close(() => resolve(bound));
			});
		});
	return (async () => {
		if (preferred) {
			const port = await tryPort(preferred);
			if (port) return port;
		}
		return tryPort(0);
	})();
}

module.exports = {
	log,
	sleep,
	pidAlive,
	track,
	killGroup,
	killAllNow,
	stopProcess,
	onSignals,
	cleanEnv,
	run,
	runOrThrow,
	freePort,
};
