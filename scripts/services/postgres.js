// A private PostgreSQL cluster for n8n in queue mode: Debian's postgresql binaries, `initdb` into a
// new temporary folder, the server on a free port of 127.0.0.1 (no Unix socket outside that folder),
// stopped and the folder removed when the caller stops it, when the script exits, and by the
// watchdog (reaper.js) when the script is killed. Durability is off: the data is thrown away.
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { freePort, stopProcess, cleanEnv } = require('../processes');
const reaper = require('./reaper');
const { alive, spawnService } = require('./spawnService');

const SUPERUSER = 'postgres';
const DATABASE = 'n8n';

/** The folder of initdb/postgres/pg_isready: Debian keeps them in /usr/lib/postgresql/<major>/bin. */
function postgresBinDir() {
	const root = '/usr/lib/postgresql';
	const majors = fs.existsSync(root)
		? fs
				.readdirSync(root)
				.filter((name) => fs.existsSync(path.join(root, name, 'bin', 'postgres')))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	if (majors.length) return path.join(root, majors[0], 'bin');
	const found = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
	const dir = found.status === 0 ? found.stdout.trim() : '';
	if (dir && fs.existsSync(path.join(dir, 'postgres'))) return dir;
	throw new Error(
		"PostgreSQL's server binaries were not found (/usr/lib/postgresql/<major>/bin or pg_config --bindir): install Debian's postgresql (apt-get install postgresql)",
	);
}

/**
 * initdb and postgres refuse to run as root: as root they run as the `postgres` OS user (which
 * Debian's package creates), otherwise as the current user.
 */
function serverUser() {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((entry) => entry.startsWith(`${SUPERUSER}:`));
	if (!line)
		throw new Error(
			`running as root, and there is no "${SUPERUSER}" OS user to run PostgreSQL as: install Debian's postgresql`,
		);
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

/** Blocks for `ms` (exit handlers cannot wait asynchronously). */
const blockFor = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Starts a new cluster in a new folder under `parent` (the server's OS user must be able to reach
 * it: the default, the OS temp folder, is open to all). Resolves { host, port, user, database, dir, env, psql(sql), logs(), stop() }:
 * `env` holds the DB_* settings n8n needs, `psql` runs SQL in the n8n database and resolves its
 * output (unaligned, tuples only).
 */
async function startPostgres({ parent = os.tmpdir(), log = () => {}, timeoutMs = 60_000 } = {}) {
	const bin = postgresBinDir();
	const owner = serverUser();
	const dir = fs.mkdtempSync(path.join(parent, 'fst-postgres-'));
	reaper.guardPath(dir);
	const dataDir = path.join(dir, 'data');
	if (owner.uid !== undefined) fs.chownSync(dir, owner.uid, owner.gid);
	const env = cleanEnv({ LC_ALL: 'C', PGTZ: 'UTC' });

	let child;
	let logs = () => '';
	const removeAll = () => fs.rmSync(dir, { recursive: true, force: true });
	// Exit handler: an immediate shutdown (SIGQUIT), a few seconds to finish, then SIGKILL and rm.
	const onExit = () => {
		if (child && alive(child)) {
			try {
				process.kill(child.pid, 'SIGQUIT');
			} catch {
				// gone
			}
			for (let waited = 0; waited < 3_000 && alive(child); waited += 100) {
				blockFor(100);
				try {
					process.kill(child.pid, 0);
				} catch {
					break;
				}
			}
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// gone
			}
		}
		removeAll();
	};
	process.once('exit', onExit);

	const stop = async () => {
		if (child && alive(child)) {
			// SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to disconnect.
			await new Promise((resolve) => {
				const force = setTimeout(() => {
					try {
						process.kill(-child.pid, 'SIGKILL');
					} catch {
						// gone
					}
				}, 15_000);
				child.once('exit', () => {
					clearTimeout(force);
					resolve();
				});
				process.kill(child.pid, 'SIGINT');
			});
		}
		if (child) {
			await stopProcess(child, { graceMs: 1_000 }); // sweeps what may be left of its group
			reaper.release({ group: child.pid });
		}
		removeAll();
		reaper.release({ path: dir });
		process.removeListener('exit', onExit);
	};

	try {
		const init = spawnSync(
			path.join(bin, 'initdb'),
			[
				'-D',
				dataDir,
				`--username=${SUPERUSER}`,
				'--auth=trust',
				'--encoding=UTF8',
				'--locale=C',
				'--no-sync',
				'--no-instructions',
			],
			{ encoding: 'utf8', env, cwd: dir, ...owner, timeout: 120_000 },
		);
		if (init.status !== 0)
			throw new Error(`initdb failed (exit ${init.status ?? init.signal}):\n${init.stdout}\n${init.stderr}`);

		// A port found free may be taken by someone else before postgres binds it: try a few.
		let port;
		for (let attempt = 1; ; attempt++) {
			port = await freePort();
			({ child, logs } = spawnService(
				path.join(bin, 'postgres'),
				[
					'-D',
					dataDir,
					'-p',
					String(port),
					'-c',
					'listen_addresses=127.0.0.1',
					'-c',
					`unix_socket_directories=${dir}`,
					'-c',
					'max_connections=200',
					'-c',
					'fsync=off',
					'-c',
					'synchronous_commit=off',
					'-c',
					'full_page_writes=off',
				],
				{ cwd: dir, env, ...owner, tail: 200_000 },
			));
			const ready = await waitReady(bin, port, child, timeoutMs, env);
			if (ready) break;
			reaper.release({ group: child.pid });
			if (attempt >= 3 || !/could not bind|Address already in use/i.test(logs()))
				throw new Error(`PostgreSQL did not start:\n${logs().slice(-3000)}`);
			log(`port ${port} was taken before PostgreSQL bound it; trying another`);
		}

		const psql = (sql, database = DATABASE) => {
			const result = spawnSync(
				path.join(bin, 'psql'),
				[
					'-X',
					'-q',
					'-A',
					'-t',
					'-v',
					'ON_ERROR_STOP=1',
					'-h',
					'127.0.0.1',
					'-p',
					String(port),
					'-U',
					SUPERUSER,
					'-d',
					database,
					'-c',
					sql,
				],
				{ encoding: 'utf8', env, timeout: 60_000 },
			);
			if (result.status !== 0) throw new Error(`psql failed (exit ${result.status}): ${result.stderr}`);
			return result.stdout.trim();
		};
		psql(`CREATE DATABASE ${DATABASE}`, 'postgres');
		log(`PostgreSQL on 127.0.0.1:${port} (${path.basename(path.dirname(bin))}), data in ${dataDir}`);

		return {
			host: '127.0.0.1',
			port,
			user: SUPERUSER,
			database: DATABASE,
			dir,
			env: {
				DB_TYPE: 'postgresdb',
				DB_POSTGRESDB_HOST: '127.0.0.1',
				DB_POSTGRESDB_PORT: String(port),
				DB_POSTGRESDB_DATABASE: DATABASE,
				DB_POSTGRESDB_USER: SUPERUSER,
				DB_POSTGRESDB_PASSWORD: '',
			},
			psql,
			logs,
			process: child,
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

/** Polls pg_isready until the server accepts connections; false if it exited first. */
async function waitReady(bin, port, child, timeoutMs, env) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (!alive(child)) return false;
		const check = spawnSync(
			path.join(bin, 'pg_isready'),
			['-q', '-h', '127.0.0.1', '-p', String(port), '-U', SUPERUSER],
			{
				env,
				timeout: 5_000,
			},
		);
		if (check.status === 0) return true;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`PostgreSQL did not accept connections on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

module.exports = { startPostgres, postgresBinDir };
