// The cache of real n8n: Node 24 (n8n 2.x needs it) and n8n (N8N_VERSION, default 2.41.1), each
// installed once into ${FST_CACHE_DIR:-~/.cache/n8n-nodes-field-service-token} and reused.
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { log, sleep, pidAlive, cleanEnv, run, runOrThrow } = require('../processes');
const { lockPath, manifest: lockedManifest } = require('./lock');

const DEFAULT_N8N_VERSION = '2.41.1';
const NODE_MAJOR = '24';
const MARKER = '.fst-install-complete';

const cacheRoot = () =>
	process.env.FST_CACHE_DIR ||
	path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'n8n-nodes-field-service-token');
const n8nVersion = () => process.env.N8N_VERSION || DEFAULT_N8N_VERSION;

/** A lock directory beside `dir`, so that two processes do not install (or build) into one folder at once. */
async function withLock(dir, fn) {
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
			if (!waited) log(`waiting for another process writing into ${dir} (lock ${lock}) ...`);
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
	return withLock(dir, async () => {
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

/** Whether n8n `version` is in the cache, installed to the end (its marker written). */
const n8nComplete = (version) => readMarker(n8nDir(version))?.n8n === version && n8nInstalled(version);

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

/**
 * What `npm install n8n@<version>` must be told to install instead, here: some n8n releases (1.x, 2.30)
 * depend on xlsx from a download site outside the npm registry, which is unreachable; the registry's
 * last xlsx (0.18.5) stands in (only the Spreadsheet File node uses it).
 */
async function installOverrides(version) {
	const overrides = {};
	const view = async (spec, field) => {
		const result = await run('npm', ['view', spec, field], { env: cleanEnv() });
		return result.code === 0 ? result.stdout.trim() : '';
	};
	const nodesBase = await view(`n8n@${version}`, 'dependencies.n8n-nodes-base');
	const xlsx = nodesBase ? await view(`n8n-nodes-base@${nodesBase}`, 'dependencies.xlsx') : '';
	if (/^[a-z]+:\/\//i.test(xlsx)) overrides.xlsx = '0.18.5';
	return overrides;
}

/**
 * n8n from its lockfile (scripts/n8n/locks, written by lock.js): `npm ci` fetches every tarball at once,
 * and sqlite3 (n8n's database, native) is compiled for Node 24 in a folder beside it meanwhile, so that
 * its compile (over a minute of one core) overlaps the download and unpacking.
 */
async function installFromLock(version, dir, env, logFile) {
	fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(lockedManifest(version))}\n`);
	fs.copyFileSync(lockPath(version), path.join(dir, 'package-lock.json'));
	const sqlite3 = JSON.parse(fs.readFileSync(lockPath(version), 'utf8')).packages['node_modules/sqlite3'].version;
	const aside = `${dir}.sqlite3`;
	fs.rmSync(aside, { recursive: true, force: true });
	fs.mkdirSync(aside);
	fs.writeFileSync(path.join(aside, 'package.json'), '{"private":true}\n');
	const steps = await Promise.allSettled([
		npmStep(`npm ci n8n@${version}`, ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, env, logFile }),
		npmStep(
			`npm install sqlite3@${sqlite3} (built for Node ${NODE_MAJOR})`,
			['install', `sqlite3@${sqlite3}`, '--ignore-scripts=false', '--foreground-scripts', '--no-audit', '--no-fund'],
			{ cwd: aside, env, logFile: path.join(dir, 'install-sqlite3.log') },
		),
	]);
	const failed = steps.find((step) => step.status === 'rejected');
	if (failed) throw failed.reason;
	const release = path.join('node_modules', 'sqlite3', 'build', 'Release');
	fs.mkdirSync(path.join(dir, release), { recursive: true });
	fs.copyFileSync(path.join(aside, release, 'node_sqlite3.node'), path.join(dir, release, 'node_sqlite3.node'));
	fs.rmSync(aside, { recursive: true, force: true });
	// isolated-vm (the expression sandbox) ships a Node 24 build: its install script only finds it.
	await npmStep(
		'npm rebuild isolated-vm',
		['rebuild', 'isolated-vm', '--ignore-scripts=false', '--foreground-scripts'],
		{
			cwd: dir,
			env,
			logFile,
		},
	);
}

/**
 * n8n of a version without a lockfile: `npm install` resolves the tree first, reading package manifests
 * one level at a time (about 3 min), then builds sqlite3 and isolated-vm for Node 24.
 */
async function installResolved(version, dir, env, logFile) {
	const overrides = await installOverrides(version);
	if (Object.keys(overrides).length) log(`n8n ${version}: installing with ${JSON.stringify(overrides)} standing in`);
	if (!fs.existsSync(path.join(dir, 'package.json'))) {
		const manifest = { private: true, ...(Object.keys(overrides).length ? { overrides } : {}) };
		fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest)}\n`);
	}
	await npmStep(
		`npm install n8n@${version}`,
		['install', '--ignore-scripts', '--save-exact', '--no-audit', '--no-fund', `n8n@${version}`],
		{ cwd: dir, env, logFile },
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
}

/** Node 24 and n8n in the cache; installs what is missing (cold, 2 cores: 2.6 to 3.5 min, 2.9 GB). Resolves the paths. */
async function ensureN8n({ version = n8nVersion() } = {}) {
	const node = await ensureNode24();
	const dir = n8nDir(version);
	const result = { node, n8n: n8nBin(version), version, dir };
	if (n8nComplete(version)) return result;
	return withLock(dir, async () => {
		if (n8nComplete(version)) return result;
		if (n8nInstalled(version) && binaryVersion(node, [n8nBin(version), '--version'], node24Env()) === version) {
			writeMarker(dir, { n8n: version, adopted: true });
			log(`using n8n ${version} from ${dir}`);
			return result;
		}
		await checkN8nVersion(version);
		fs.mkdirSync(dir, { recursive: true });
		const locked = fs.existsSync(lockPath(version));
		const logFile = path.join(dir, 'install.log');
		const env = node24Env({ npm_config_nodedir: node24Headers() });
		log(
			`installing n8n ${version} into ${dir}${locked ? ` from ${path.relative(process.cwd(), lockPath(version))}` : ''}: 2.9 GB; full log in ${logFile}`,
		);
		// A failed install leaves no folder behind, only npm's log beside where it was.
		const failedLog = `${dir}.install-failed.log`;
		fs.rmSync(failedLog, { force: true });
		try {
			await (locked ? installFromLock : installResolved)(version, dir, env, logFile);
			const installed = binaryVersion(node, [n8nBin(version), '--version'], node24Env());
			if (installed !== version)
				throw new Error(`n8n --version answered ${installed}, expected ${version}; see ${logFile}`);
		} catch (error) {
			if (fs.existsSync(logFile)) fs.renameSync(logFile, failedLog);
			fs.rmSync(dir, { recursive: true, force: true });
			fs.rmSync(`${dir}.sqlite3`, { recursive: true, force: true });
			throw new Error(`${error.message.replaceAll(logFile, failedLog)}\n(removed ${dir}; npm's log: ${failedLog})`);
		}
		writeMarker(dir, { n8n: version, node: binaryVersion(node) });
		log(`n8n ${version} ready`);
		return result;
	});
}

module.exports = {
	DEFAULT_N8N_VERSION,
	cacheRoot,
	n8nVersion,
	checkN8nVersion,
	ensureNode24,
	ensureN8n,
	n8nComplete,
	n8nInstallDir: n8nDir,
	node24Env,
	withLock,
};
