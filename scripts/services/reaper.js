// A watchdog for what a script leaves running or on disk when it is killed with SIGKILL (no exit
// handler runs then): a small detached Node process that polls the script's pid and, once it is
// gone, stops the process groups and removes the folders the script registered. A script that ends
// normally stops them itself and then stops the watchdog.
//   library: const reaper = require('./reaper'); reaper.guardGroup(pid); reaper.guardPath(dir); ...
//   process: node reaper.js <parent pid> <state file>
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const POLL_MS = 1_000;

// ---------------------------------------------------------------------------------------------
// The watchdog process.

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

function groupAlive(pgid) {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

function signalGroup(pgid, signal) {
	try {
		process.kill(-pgid, signal);
	} catch {
		// gone already
	}
}

function signalProcess(pid, signal) {
	try {
		process.kill(pid, signal);
	} catch {
		// gone already
	}
}

const readState = (file) => {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return { groups: [], pids: [], paths: [] };
	}
};

async function watch(parentPid, stateFile) {
	const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
	while (pidAlive(parentPid)) await sleep(POLL_MS);
	const { groups = [], pids = [], paths = [] } = readState(stateFile);
	for (const pgid of groups) signalGroup(pgid, 'SIGTERM');
	for (const pid of pids) signalProcess(pid, 'SIGTERM');
	const deadline = Date.now() + 10_000;
	while ((groups.some(groupAlive) || pids.some(pidAlive)) && Date.now() < deadline) await sleep(200);
	for (const pgid of groups) signalGroup(pgid, 'SIGKILL');
	for (const pid of pids) signalProcess(pid, 'SIGKILL');
	await sleep(500);
	for (const target of paths) fs.rmSync(target, { recursive: true, force: true });
	fs.rmSync(stateFile, { force: true });
}

// ---------------------------------------------------------------------------------------------
// The library side: registers groups and paths, starting the watchdog on first use.

let watchdog;
let stateFile;
const state = { groups: [], pids: [], paths: [] };

function save() {
	fs.writeFileSync(stateFile, JSON.stringify(state));
}

function ensureWatchdog() {
	if (watchdog) return;
	stateFile = path.join(os.tmpdir(), `fst-reaper-${process.pid}-${Date.now()}.json`);
	save();
	watchdog = spawn(process.execPath, [__filename, String(process.pid), stateFile], {
		detached: true,
		stdio: 'ignore',
	});
	watchdog.unref();
	// A normal exit: what is still registered was stopped by the exit handlers; the watchdog goes.
	// (Inside a Jest test file `process` is a copy whose 'exit' never fires; the watchdog then ends
	// on its own once Jest has exited, after stopping whatever is still registered.)
	process.once('exit', () => {
		try {
			watchdog.kill('SIGKILL');
		} catch {
			// gone already
		}
		fs.rmSync(stateFile, { force: true });
	});
}

/** Stops the process group `pgid` (a process started with detached: true) if this process is killed. */
function guardGroup(pgid) {
	ensureWatchdog();
	state.groups.push(pgid);
	save();
}

/** Stops the single process `pid` if this process is killed. */
function guardProcess(pid) {
	ensureWatchdog();
	state.pids.push(pid);
	save();
}

/** Removes `target` (a file or folder) if this process is killed. */
function guardPath(target) {
	ensureWatchdog();
	state.paths.push(target);
	save();
}

/** Forgets a group, process or path this process stopped or removed itself. */
function release({ group, pid, path: target } = {}) {
	if (!watchdog) return;
	if (group !== undefined) state.groups = state.groups.filter((g) => g !== group);
	if (pid !== undefined) state.pids = state.pids.filter((p) => p !== pid);
	if (target !== undefined) state.paths = state.paths.filter((p) => p !== target);
	save();
}

module.exports = { guardGroup, guardProcess, guardPath, release };

if (require.main === module) {
	const [parentPid, file] = process.argv.slice(2);
	watch(Number(parentPid), file).then(
		() => process.exit(0),
		() => process.exit(1),
	);
}
