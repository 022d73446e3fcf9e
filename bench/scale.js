// Section 3: 1 to 100,000 items through the node (refresh token from a field, the same one for all
// items), each size in a fresh child process (bench/scaleChild.js) so that its peak memory is its
// own; beside it the same items through a Set-like node (one expression per item), and through that
// node reading its credential per item too (as Field Service Token does), to tell the node's own
// cost per item from what any node costs per item. Token calls come from the local IDCS.
'use strict';

const { spawn } = require('child_process');
const path = require('path');

const { admin, tokenCounts } = require('./lib/util');

function runChild(env, timeoutMs) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--expose-gc', path.join(__dirname, 'scaleChild.js')], {
			env: { ...process.env, ...env },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		const onExit = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
		process.once('exit', onExit);
		child.once('close', (code, signal) => {
			clearTimeout(timer);
			process.removeListener('exit', onExit);
			if (code !== 0)
				return reject(new Error(`scale child (${env.BENCH_SCALE}) exited ${code ?? signal}\n${stderr.slice(-3000)}`));
			resolve(JSON.parse(stdout.trim().split('\n').pop()));
		});
	});
}

module.exports = async function scale({ idcs, sizes, timeoutMs = 10 * 60_000, onProgress = () => {} }) {
	const client = idcs.clients.basic;
	const rows = [];
	for (const items of sizes) {
		const row = { items };
		for (const node of ['fst', 'setLike', 'setLikeCredential']) {
			const { refresh_token: refreshToken } = await admin(idcs.issuer, 'refresh-tokens', { client: 'basic' });
			const before = tokenCounts(await admin(idcs.issuer, 'stats'));
			const result = await runChild(
				{ BENCH_SCALE: JSON.stringify({ issuer: idcs.issuer, client, refreshToken, items, node }) },
				timeoutMs,
			);
			const after = tokenCounts(await admin(idcs.issuer, 'stats'));
			row[node] = { ...result, tokenCalls: after.calls - before.calls, tokenCallsOk: after.ok - before.ok };
			onProgress(`${items} items through ${node}: ${result.ms.toFixed(0)} ms, ${row[node].tokenCalls} token call(s)`);
		}
		rows.push(row);
	}
	return { rows };
};
