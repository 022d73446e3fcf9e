// A lock file beside a folder (`<folder>.lock.json`) that names the process using the folder: its pid,
// when it started, and what it chooses to add (npm start adds its editor URL). A lock whose process
// is gone (killed, crashed) is stale and taken over; it is removed when its process exits.
'use strict';

const fs = require('fs');
const path = require('path');

function read(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

/** Whether `pid` is a running `script` (not another process that got the pid of a killed one). */
function isRunning(pid, script) {
	try {
		process.kill(pid, 0);
	} catch (error) {
		if (error.code !== 'EPERM') return false;
	}
	try {
		return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(script);
	} catch {
		return true; // no /proc to ask: a live pid counts
	}
}

/** Writes `lock` to `file` whole, never half; with `exclusive`, only when there is no lock file. */
function write(file, lock, { exclusive }) {
	const draft = `${file}.${process.pid}`;
	fs.writeFileSync(draft, `${JSON.stringify(lock)}\n`);
	try {
		if (exclusive) fs.linkSync(draft, file);
		else fs.renameSync(draft, file);
	} finally {
		fs.rmSync(draft, { force: true });
	}
}

/**
 * Takes the lock of `dir` for this process, run as `script`. Returns { holder } (the lock's content)
 * when a running `script` holds it, else { update(fields) } to add fields to this process's lock.
 */
function claimFolder(dir, script) {
	const file = `${dir}.lock.json`;
	fs.mkdirSync(path.dirname(file), { recursive: true });
	for (;;) {
		try {
			write(file, { pid: process.pid, startedAt: new Date().toISOString() }, { exclusive: true });
			process.once('exit', () => {
				if (read(file)?.pid === process.pid) fs.rmSync(file, { force: true });
			});
			return { update: (fields) => write(file, { ...read(file), ...fields }, { exclusive: false }) };
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
		}
		const holder = read(file);
		if (holder?.pid && isRunning(holder.pid, script)) return { holder };
		// Stale: move it aside (of two processes taking it over, only one can) and try again.
		const aside = `${file}.stale.${process.pid}`;
		try {
			fs.renameSync(file, aside);
			fs.rmSync(aside, { force: true });
		} catch {
			// the other process moved it first
		}
	}
}

module.exports = { claimFolder };
