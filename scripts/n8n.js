// Real n8n for this package's demo, editor and end-to-end tests: a cached Node 24 + n8n install,
// the package packed and installed the way users install community nodes, and helpers that run
// n8n's CLI (import, execute, export) and its server against a throw-away or kept user folder.
// Plain CommonJS, Node 20+. No dependency beyond Node and npm.
'use strict';

const { spawn, spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '..');
const PACKAGE_NAME = require(path.join(REPO_ROOT, 'package.json')).name;
const DEFAULT_N8N_VERSION = '2.41.1';
const NODE_MAJOR = '24';
const MARKER = '.fst-install-complete';
/** The node type as n8n names it when the package is installed as a community package. */
const NODE_TYPE = `${PACKAGE_NAME}.fieldServiceToken`;
const CREDENTIAL_TYPE = 'idcsOAuth2Api';

const cacheRoot = () =>
	process.env.FST_CACHE_DIR ||
	path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'n8n-nodes-field-service-token');
const n8nVersion = () => process.env.N8N_VERSION || DEFAULT_N8N_VERSION;

const log = (...args) => console.error('[fst]', ...args);

// ---------------------------------------------------------------------------------------------
// Child processes: every one we start is remembered, so that an exit or a signal takes them along.

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

// ---------------------------------------------------------------------------------------------
// The cache: Node 24 (n8n 2.x needs it) and n8n, installed once and reused.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

/** A lock directory beside `dir`, so that two processes do not install into one folder at once. */
async function withInstallLock(dir, fn) {
	const lock = `${dir}.lock`;
	fs.mkdirSync(path.dirname(lock), { recursive: true });
	let waited = false;
	for (;;) {
		try {
			fs.mkdirSync(lock);
			fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			const owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8').trim() || 0);
			if (owner && !pidAlive(owner)) {
				fs.rmSync(lock, { recursive: true, force: true });
				continue;
			}
			if (!waited) log(`waiting for another process installing into ${dir} (lock ${lock}) ...`);
			waited = true;
			await sleep(2_000);
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lock, { recursive: true, force: true });
	}
}

function readMarker(dir) {
	try {
		return JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8'));
	} catch {
		return undefined;
	}
}

function writeMarker(dir, info) {
	fs.writeFileSync(
		path.join(dir, MARKER),
		`${JSON.stringify({ ...info, completedAt: new Date().toISOString() }, null, 2)}\n`,
	);
}

/**
 * An npm step with progress: its full output goes to `logFile`; every 15 s one line says what npm is
 * doing (npm prints no progress bar when its output is not a terminal): how long it has run, how many
 * package manifests and tarballs it has fetched, how far unpacking got, and which native module it
 * builds and what it compiles. Never raw output: compiler warnings scroll by for minutes and read as errors.
 */
async function npmStep(label, args, { cwd, env, logFile }) {
	const started = Date.now();
	const seen = { manifests: new Set(), tarballs: new Set(), building: [], compiled: 0, compiling: undefined };
	const partial = { stdout: '', stderr: '' };
	log(`${label} ...`);
	const modules = path.join(cwd, 'node_modules');
	const timer = setInterval(() => {
		const parts = [`${Math.round((Date.now() - started) / 1000)} s`];
		if (seen.manifests.size) parts.push(`${seen.manifests.size} package manifests read`);
		if (seen.tarballs.size) parts.push(`${seen.tarballs.size} packages downloaded`);
		// Unpacking is silent: the number of entries in node_modules shows it moving.
		if (!seen.building.length && fs.existsSync(modules))
			parts.push(`${fs.readdirSync(modules).length} entries in node_modules`);
		if (seen.building.length) parts.push(`building the native modules ${seen.building.join(', ')}`);
		if (seen.compiling) parts.push(`compiling ${seen.compiling} (file ${seen.compiled})`);
		log(`${label}: ${parts.join('; ')}`);
	}, 15_000);
	const read = (line) => {
		// A package tarball counts when its download ends (`fetch GET 200 <url>.tgz`); npm logs every
		// tarball as a `cache` line at the start, downloaded yet or not. Each URL counts once.
		const fetched = /^npm http fetch GET \d+ (https?:\/\/\S+)/.exec(line)?.[1];
		const url = fetched ?? /^npm http cache (?:\S+@)?(https?:\/\/\S+)/.exec(line)?.[1];
		if (url && !url.endsWith('.tgz')) seen.manifests.add(url);
		else if (url && fetched) seen.tarballs.add(url);
		const script = /^> (\S+@\S+) (preinstall|install|postinstall)$/.exec(line);
		if (script && !seen.building.includes(script[1])) seen.building.push(script[1]);
		const compile = /^\s+(CC|CXX)\(target\) (\S+)/.exec(line);
		if (compile) {
			seen.compiled += 1;
			seen.compiling = path.basename(compile[2]).replace(/\.o$/, '');
		}
	};
	try {
		const result = await runOrThrow('npm', [...args, '--loglevel=http'], {
			cwd,
			env,
			logFile,
			onOutput(chunk, stream) {
				const lines = (partial[stream] + chunk.toString()).split('\n');
				partial[stream] = lines.pop();
				lines.forEach(read);
			},
		});
		log(`${label}: done in ${Math.round((Date.now() - started) / 1000)} s`);
		return result;
	} finally {
		clearInterval(timer);
	}
}

const node24Dir = () => path.join(cacheRoot(), `node${NODE_MAJOR}`);
const node24Bin = () => path.join(node24Dir(), 'node_modules', 'node', 'bin', 'node');

/** The headers npm's node-gyp needs to build native modules for Node 24 (shipped by the npm package). */
function node24Headers() {
	const dir = path.join(node24Dir(), 'node_modules', 'node', 'node_modules');
	const name = fs.existsSync(dir) ? fs.readdirSync(dir).find((entry) => /^node-(?!bin-setup)/.test(entry)) : undefined;
	if (!name) throw new Error(`no Node ${NODE_MAJOR} headers under ${dir}`);
	return path.join(dir, name);
}

function binaryVersion(bin, args = ['--version'], env) {
	if (!fs.existsSync(bin)) return undefined;
	const result = spawnSync(bin, args, { encoding: 'utf8', env: env ?? cleanEnv(), timeout: 60_000 });
	return result.status === 0 ? result.stdout.trim().split('\n').pop().trim() : undefined;
}

async function ensureNode24() {
	const dir = node24Dir();
	const bin = node24Bin();
	if (readMarker(dir) && fs.existsSync(bin)) return bin;
	return withInstallLock(dir, async () => {
		if (readMarker(dir) && fs.existsSync(bin)) return bin;
		const existing = binaryVersion(bin);
		if (existing?.startsWith(`v${NODE_MAJOR}.`)) {
			// An install made before markers existed (or by hand, the documented way): adopt it.
			writeMarker(dir, { node: existing, adopted: true });
			log(`using Node ${existing} from ${dir}`);
			return bin;
		}
		log(`installing Node ${NODE_MAJOR} into ${dir} (npm install node@${NODE_MAJOR}, about 10 s) ...`);
		fs.mkdirSync(dir, { recursive: true });
		if (!fs.existsSync(path.join(dir, 'package.json')))
			fs.writeFileSync(path.join(dir, 'package.json'), '{"private":true}\n');
		const logFile = path.join(dir, 'install.log');
		// The `node` package fetches its binary in a preinstall script: scripts must run here.
		await npmStep(
			`npm install node@${NODE_MAJOR}`,
			['install', `node@${NODE_MAJOR}`, '--ignore-scripts=false', '--no-audit', '--no-fund'],
			{
				cwd: dir,
				env: cleanEnv(),
				logFile,
			},
		);
		const version = binaryVersion(bin);
		if (!version?.startsWith(`v${NODE_MAJOR}.`))
			throw new Error(`${bin} is not Node ${NODE_MAJOR} (got ${version}); see ${logFile}`);
		writeMarker(dir, { node: version });
		log(`Node ${version} ready`);
		return bin;
	});
}

const n8nDir = (version = n8nVersion()) => path.join(cacheRoot(), `n8n-${version}`);
const n8nBin = (version = n8nVersion()) => path.join(n8nDir(version), 'node_modules', 'n8n', 'bin', 'n8n');

/** PATH and npm settings under which n8n's native modules build and run with Node 24. */
function node24Env(extra = {}) {
	return cleanEnv({ PATH: `${path.dirname(node24Bin())}${path.delimiter}${process.env.PATH ?? ''}`, ...extra });
}

function n8nInstalled(version) {
	const dir = n8nDir(version);
	const sqlite = path.join(dir, 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node');
	return fs.existsSync(n8nBin(version)) && fs.existsSync(sqlite);
}

/** An error whose message says all a user needs: printed without a stack trace. */
const userError = (message) => Object.assign(new Error(message), { userFacing: true });

/** Asks the npm registry whether n8n `version` exists, before anything is installed for it. */
async function checkN8nVersion(version) {
	// With --json, npm prints the answer, or { error: { code, summary } }, as JSON on stdout.
	const view = async (args) => {
		const { stdout } = await run('npm', ['view', ...args, '--json'], { env: cleanEnv(), timeoutMs: 60_000 });
		try {
			return JSON.parse(stdout || 'null');
		} catch {
			return { error: { code: 'unknown', summary: `npm view ${args.join(' ')} printed no JSON` } };
		}
	};
	const found = await view([`n8n@${version}`, 'version']);
	if (found === version) return;
	if (found?.error && found.error.code !== 'E404')
		throw userError(
			`Could not ask the npm registry whether n8n ${version} exists (N8N_VERSION): ${found.error.summary}`,
		);
	const all = await view(['n8n', 'versions']);
	const versions = Array.isArray(all) ? all.filter((v) => /^\d+\.\d+\.\d+$/.test(v)) : [];
	const major = /^(\d+)\./.exec(version)?.[1];
	const sameMajor = versions.filter((v) => v.split('.')[0] === major);
	const newest = (list) => list.slice(-5).reverse().join(', ');
	const known = sameMajor.length
		? `the newest n8n ${major}.x versions are ${newest(sameMajor)}`
		: versions.length
			? `${major === undefined ? 'give an exact version; ' : `n8n has no ${major}.x version; `}the newest are ${newest(versions)}`
			: 'the registry did not list its versions';
	throw userError(`n8n ${version} (N8N_VERSION) is not on the npm registry: ${known}.`);
}

/** Node 24 and n8n in the cache; installs what is missing (cold: ~9 min, 3.1 GB). Resolves the paths. */
async function ensureN8n({ version = n8nVersion() } = {}) {
	const node = await ensureNode24();
	const dir = n8nDir(version);
	const result = { node, n8n: n8nBin(version), version, dir };
	if (readMarker(dir)?.n8n === version && n8nInstalled(version)) return result;
	return withInstallLock(dir, async () => {
		if (readMarker(dir)?.n8n === version && n8nInstalled(version)) return result;
		if (n8nInstalled(version) && binaryVersion(node, [n8nBin(version), '--version'], node24Env()) === version) {
			writeMarker(dir, { n8n: version, adopted: true });
			log(`using n8n ${version} from ${dir}`);
			return result;
		}
		await checkN8nVersion(version);
		fs.mkdirSync(dir, { recursive: true });
		// n8n 1.x depends on xlsx from a download site outside the npm registry, which is unreachable
		// here; the registry's last xlsx (0.18.5) stands in (only the Spreadsheet File node uses it).
		const manifest = version.startsWith('1.') ? { private: true, overrides: { xlsx: '0.18.5' } } : { private: true };
		if (!fs.existsSync(path.join(dir, 'package.json')))
			fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest)}\n`);
		const logFile = path.join(dir, 'install.log');
		const env = node24Env({ npm_config_nodedir: node24Headers() });
		log(
			`installing n8n ${version} into ${dir}: 2.9 GB, several minutes of download and unpacking, then about 3 min building sqlite3; full log in ${logFile}`,
		);
		// A failed install leaves no folder behind, only npm's log beside where it was.
		const failedLog = `${dir}.install-failed.log`;
		fs.rmSync(failedLog, { force: true });
		try {
			await npmStep(
				`npm install n8n@${version}`,
				['install', '--ignore-scripts', '--save-exact', '--no-audit', '--no-fund', `n8n@${version}`],
				{
					cwd: dir,
					env,
					logFile,
				},
			);
			// sqlite3 (n8n's database) and isolated-vm (its expression sandbox) are native: build them for Node 24.
			await npmStep(
				'npm rebuild sqlite3 isolated-vm',
				['rebuild', 'sqlite3', 'isolated-vm', '--ignore-scripts=false', '--foreground-scripts'],
				{
					cwd: dir,
					env,
					logFile,
				},
			);
			const installed = binaryVersion(node, [n8nBin(version), '--version'], node24Env());
			if (installed !== version)
				throw new Error(`n8n --version answered ${installed}, expected ${version}; see ${logFile}`);
		} catch (error) {
			if (fs.existsSync(logFile)) fs.renameSync(logFile, failedLog);
			fs.rmSync(dir, { recursive: true, force: true });
			throw new Error(`${error.message.replaceAll(logFile, failedLog)}\n(removed ${dir}; npm's log: ${failedLog})`);
		}
		writeMarker(dir, { n8n: version, node: binaryVersion(node) });
		log(`n8n ${version} ready`);
		return result;
	});
}

// ---------------------------------------------------------------------------------------------
// This package: built, packed, installed into a user folder like Settings > Community Nodes does.

async function buildPackage() {
	log('npm run build');
	await runOrThrow('npm', ['run', 'build'], { cwd: REPO_ROOT, env: cleanEnv() });
}

/** `npm pack` of the repository into `destDir`; resolves the tarball's path. */
async function packPackage(destDir) {
	fs.mkdirSync(destDir, { recursive: true });
	const { stdout } = await runOrThrow('npm', ['pack', '--json', '--pack-destination', destDir], {
		cwd: REPO_ROOT,
		env: cleanEnv(),
	});
	const [{ filename }] = JSON.parse(stdout.slice(stdout.indexOf('[')));
	return path.join(destDir, filename);
}

/** Builds and packs; resolves the tarball. */
async function buildAndPack(destDir) {
	await buildPackage();
	const tarball = await packPackage(destDir);
	log(`packed ${path.basename(tarball)}`);
	return tarball;
}

// ---------------------------------------------------------------------------------------------
// n8n user folders.

const KEY_FILE = 'fst-encryption-key';

/**
 * Makes (or reopens) an n8n user folder: `<dir>/.n8n` is n8n's own; `<dir>/fst-encryption-key` keeps
 * the N8N_ENCRYPTION_KEY every process on this folder must use.
 */
function userFolder(dir) {
	fs.mkdirSync(path.join(dir, '.n8n'), { recursive: true });
	const keyFile = path.join(dir, KEY_FILE);
	if (!fs.existsSync(keyFile)) {
		// A folder n8n used before keeps its key in .n8n/config; a new one gets a random key.
		let key = crypto.randomBytes(24).toString('base64url');
		try {
			key = JSON.parse(fs.readFileSync(path.join(dir, '.n8n', 'config'), 'utf8')).encryptionKey || key;
		} catch {
			// no config yet
		}
		fs.writeFileSync(keyFile, key, { mode: 0o600 });
	}
	return {
		dir,
		n8nDir: path.join(dir, '.n8n'),
		encryptionKey: fs.readFileSync(keyFile, 'utf8').trim(),
		/** The sqlite database and its -wal / -shm companions, where they exist. */
		databaseFiles: () =>
			fs
				.readdirSync(path.join(dir, '.n8n'))
				.filter((name) => name.startsWith('database.sqlite'))
				.map((name) => path.join(dir, '.n8n', name)),
	};
}

/** A new user folder under `parent` (default: the OS temp dir). */
function freshUserFolder(parent = os.tmpdir(), prefix = 'fst-n8n-') {
	fs.mkdirSync(parent, { recursive: true });
	return userFolder(fs.mkdtempSync(path.join(parent, prefix)));
}

/** A copy of a prepared user folder (package installed, database migrated): saves the first start. */
function copyUserFolder(template, parent = os.tmpdir(), prefix = 'fst-n8n-') {
	fs.mkdirSync(parent, { recursive: true });
	const dir = fs.mkdtempSync(path.join(parent, prefix));
	fs.cpSync(template.dir, dir, { recursive: true });
	return userFolder(dir);
}

/** `npm install <tarball>` into `<user folder>/.n8n/nodes`, as n8n's community package installer does. */
async function installPackage(folder, tarball) {
	const nodesDir = path.join(folder.n8nDir, 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	const manifest = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(manifest))
		fs.writeFileSync(manifest, '{"name":"installed-nodes","private":true,"dependencies":{}}\n');
	// A kept user folder may hold an older build under the same version: replace it, never "up to date".
	fs.rmSync(path.join(nodesDir, 'node_modules', PACKAGE_NAME), { recursive: true, force: true });
	await runOrThrow(
		'npm',
		['install', tarball, '--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund', '--no-package-lock'],
		{
			cwd: nodesDir,
			env: cleanEnv(),
		},
	);
	const installed = path.join(nodesDir, 'node_modules', PACKAGE_NAME, 'package.json');
	if (!fs.existsSync(installed))
		throw new Error(`${PACKAGE_NAME} is not in ${nodesDir}/node_modules after npm install`);
	return JSON.parse(fs.readFileSync(installed, 'utf8')).version;
}

// ---------------------------------------------------------------------------------------------
// Running n8n.

/**
 * The environment of an n8n process on `folder`: its own user folder and key, everything that would
 * call n8n's servers switched off, only 127.0.0.1, a free task-runner broker port of its own.
 */
async function n8nEnv(folder, extra = {}) {
	return node24Env({
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
	const succeeded = runData?.status === 'success' && !error;
	// n8n 2.41 and 1.123 on Node 24 now and then die by SIGSEGV while exiting, after the execution
	// finished and was printed (2 of 60 runs of a two-node workflow here). The execution is complete.
	const crashedOnExit = succeeded && result.code !== 0 && result.signal === 'SIGSEGV';
	if (crashedOnExit) console.warn('[fst] n8n crashed (SIGSEGV) while exiting, after the execution succeeded');
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

// ---------------------------------------------------------------------------------------------
// The n8n server (editor).

async function waitForHttp(url, { timeoutMs = 120_000, child } = {}) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child && (child.exitCode !== null || child.signalCode !== null))
			throw new Error(`n8n exited (${child.exitCode ?? child.signalCode}) before it answered ${url}`);
		try {
			const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
			if (response.ok) return response;
		} catch {
			// not yet
		}
		await sleep(500);
	}
	throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/**
 * `n8n start` on 127.0.0.1:<port> (5678 unless busy). Resolves { url, port, process, logs(), stop() }.
 * `echo` streams n8n's log to our stderr.
 */
async function startN8n(folder, { port, env = {}, echo = false, timeoutMs = 120_000 } = {}) {
	const { node, n8n } = await ensureN8n();
	const chosen = port ?? (await freePort(5678));
	const url = `http://127.0.0.1:${chosen}`;
	const child = track(
		spawn(node, [n8n, 'start'], {
			cwd: folder.dir,
			env: await n8nEnv(folder, {
				N8N_PORT: String(chosen),
				N8N_HOST: '127.0.0.1',
				N8N_PROTOCOL: 'http',
				N8N_EDITOR_BASE_URL: `${url}/`,
				WEBHOOK_URL: `${url}/`,
				// Plain http on loopback: a Secure cookie would not be sent back by every browser.
				N8N_SECURE_COOKIE: 'false',
				...env,
			}),
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		}),
		{ group: true },
	);
	let output = '';
	const collect = (chunk) => {
		output += chunk;
		if (output.length > 1_000_000) output = output.slice(-500_000);
		if (echo) process.stderr.write(chunk);
	};
	child.stdout.on('data', collect);
	child.stderr.on('data', collect);
	const server = {
		url,
		port: chosen,
		process: child,
		logs: () => output,
		stop: () => stopProcess(child, { graceMs: 15_000 }),
	};
	try {
		// /rest/settings answers 200 "n8n is starting up" on a new database; readiness waits for real.
		await waitForHttp(`${url}/healthz/readiness`, { timeoutMs, child });
		await waitForHttp(`${url}/rest/settings`, { timeoutMs, child });
	} catch (error) {
		await server.stop();
		throw new Error(`${error.message}\n${output.slice(-4000)}`);
	}
	return server;
}

/**
 * Creates the instance owner through the editor's own first-run endpoint (POST /rest/owner/setup);
 * when an owner exists already, checks the login instead. Resolves 'created' or 'existing'.
 */
async function setupOwner(url, { email, password, firstName = 'Demo', lastName = 'Owner' }) {
	const settings = await (await fetch(`${url}/rest/settings`)).json();
	if (settings.data?.userManagement?.showSetupOnFirstLoad) {
		const response = await fetch(`${url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email, password, firstName, lastName }),
		});
		if (!response.ok) throw new Error(`owner setup: HTTP ${response.status} ${await response.text()}`);
		return 'created';
	}
	const login = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: email, password }),
	});
	if (!login.ok)
		throw new Error(
			`this user folder has an owner already, and ${email} cannot log in with the demo password (HTTP ${login.status})`,
		);
	return 'existing';
}

/** POST /rest/login; resolves the Cookie header value (n8n-auth) for further REST calls. */
async function login(url, { email, password }) {
	const response = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: email, password }),
	});
	if (!response.ok) throw new Error(`login as ${email}: HTTP ${response.status} ${await response.text()}`);
	return response.headers
		.getSetCookie()
		.map((line) => line.split(';')[0])
		.join('; ');
}

module.exports = {
	REPO_ROOT,
	PACKAGE_NAME,
	NODE_TYPE,
	CREDENTIAL_TYPE,
	DEFAULT_N8N_VERSION,
	cacheRoot,
	n8nVersion,
	checkN8nVersion,
	log,
	run,
	runOrThrow,
	stopProcess,
	killAllNow,
	onSignals,
	track,
	freePort,
	cleanEnv,
	ensureNode24,
	ensureN8n,
	buildPackage,
	packPackage,
	buildAndPack,
	userFolder,
	freshUserFolder,
	copyUserFolder,
	installPackage,
	n8nEnv,
	n8nCli,
	n8nCliOrThrow,
	importCredentials,
	importWorkflows,
	exportNodes,
	parseRun,
	executeWorkflow,
	startN8n,
	setupOwner,
	login,
};
