// How the private services (PostgreSQL, Redis, the npm registry) are started: in a process group of
// their own, tracked so that an exit or a signal of this script stops them, guarded by the watchdog
// (reaper.js) for when this script is killed, their output's last part kept for error messages.
'use strict';

const { spawn } = require('child_process');

const { track, cleanEnv } = require('../processes');
const reaper = require('./reaper');

/** Has `child` neither exited nor been killed? */
const alive = (child) => child.exitCode === null && child.signalCode === null;

/**
 * `command args` as a service (`options` are spawn's: cwd, env, uid, gid). Keeps the last `tail`
 * characters of its stdout and stderr. Returns { child, logs() }.
 */
function spawnService(command, args, { tail = 100_000, env = cleanEnv(), ...options } = {}) {
	let output = '';
	const child = track(spawn(command, args, { ...options, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true }), {
		group: true,
	});
	reaper.guardGroup(child.pid);
	const collect = (chunk) => {
		output = (output + chunk).slice(-tail);
	};
	child.stdout.on('data', collect);
	child.stderr.on('data', collect);
	return { child, logs: () => output };
}

module.exports = { alive, spawnService };
