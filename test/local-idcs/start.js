// Starts the local IDCS as its own process (it is ESM; CommonJS callers such as Jest spawn it)
// and resolves with its ready line: { issuer, port, clients } plus the process, once it listens.
const { spawn } = require('child_process');
const { join } = require('path');
const readline = require('readline');

function startLocalIdcsProcess(args = [], { timeoutMs = 20_000 } = {}) {
	const child = spawn(process.execPath, [join(__dirname, 'server.mjs'), ...args], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stderr = '';
	child.stderr.on('data', (chunk) => (stderr += chunk));
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill();
			reject(new Error(`local IDCS did not start within ${timeoutMs} ms\n${stderr}`));
		}, timeoutMs);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`local IDCS exited with code ${code}\n${stderr}`));
		});
		readline.createInterface({ input: child.stdout }).once('line', (line) => {
			clearTimeout(timer);
			const ready = JSON.parse(line);
			resolve({
				...ready,
				process: child,
				stop: () => new Promise((done) => (child.once('exit', done), child.kill('SIGTERM'))),
			});
		});
	});
}

module.exports = { startLocalIdcsProcess };
