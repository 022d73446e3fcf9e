// A private Redis for n8n in queue mode (its Bull queue and its cross-process locks): Debian's
// redis-server on a free port of 127.0.0.1, nothing written to disk, stopped when the caller stops
// it, when the script exits, and by the watchdog (reaper.js) when the script is killed.
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const { freePort, stopProcess } = require('../processes');
const reaper = require('./reaper');
const { alive, spawnService } = require('./spawnService');

function redisServerBin() {
	for (const candidate of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) {
		if (fs.existsSync(candidate)) return candidate;
	}
	const found = spawnSync('which', ['redis-server'], { encoding: 'utf8' });
	if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
	throw new Error("redis-server was not found: install Debian's redis-server (apt-get install redis-server)");
}

/** Sends one inline command and resolves the first line of the answer (e.g. "+PONG"). */
function command(port, line, timeoutMs = 2_000) {
	return new Promise((resolve, reject) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		let answer = '';
		const timer = setTimeout(() => socket.destroy(new Error('timed out')), timeoutMs);
		socket.once('connect', () => socket.write(`${line}\r\n`));
		socket.on('data', (chunk) => {
			answer += chunk;
			if (answer.includes('\r\n')) {
				clearTimeout(timer);
				socket.end();
				resolve(answer.split('\r\n')[0]);
			}
		});
		socket.once('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
	});
}

/** Starts redis-server. Resolves { host, port, env, logs(), stop() }; `env` holds n8n's QUEUE_BULL_REDIS_*. */
async function startRedis({ parent = os.tmpdir(), log = () => {}, timeoutMs = 30_000 } = {}) {
	const bin = redisServerBin();
	const dir = fs.mkdtempSync(path.join(parent, 'fst-redis-'));
	reaper.guardPath(dir);
	let child;
	let logs = () => '';
	const onExit = () => {
		if (child && alive(child)) {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// gone
			}
		}
		fs.rmSync(dir, { recursive: true, force: true });
	};
	process.once('exit', onExit);
	const stop = async () => {
		if (child) {
			await stopProcess(child, { graceMs: 5_000 });
			reaper.release({ group: child.pid });
		}
		fs.rmSync(dir, { recursive: true, force: true });
		reaper.release({ path: dir });
		process.removeListener('exit', onExit);
	};

	try {
		for (let attempt = 1; ; attempt++) {
			const port = await freePort();
			({ child, logs } = spawnService(
				bin,
				[
					'--port',
					String(port),
					'--bind',
					'127.0.0.1',
					'--protected-mode',
					'yes',
					'--save',
					'',
					'--appendonly',
					'no',
					'--daemonize',
					'no',
					'--dir',
					dir,
				],
				{ cwd: dir },
			));

			const deadline = Date.now() + timeoutMs;
			let ready = false;
			while (Date.now() < deadline && alive(child)) {
				try {
					if ((await command(port, 'PING')) === '+PONG') {
						ready = true;
						break;
					}
				} catch {
					// not listening yet
				}
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
			if (ready) {
				log(`Redis on 127.0.0.1:${port}`);
				return {
					host: '127.0.0.1',
					port,
					env: { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port) },
					command: (line) => command(port, line),
					logs,
					process: child,
					stop,
				};
			}
			const exited = !alive(child);
			await stopProcess(child, { graceMs: 1_000 });
			reaper.release({ group: child.pid });
			if (!exited) throw new Error(`Redis did not answer PING on 127.0.0.1:${port} within ${timeoutMs} ms`);
			if (attempt >= 3 || !/Address already in use|bind/i.test(logs()))
				throw new Error(`redis-server exited:\n${logs().slice(-3000)}`);
			log(`port ${port} was taken before Redis bound it; trying another`);
		}
	} catch (error) {
		await stop();
		throw error;
	}
}

module.exports = { startRedis };
