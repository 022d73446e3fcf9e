// Runs one section of the bench on its own (`node bench/<section>.js`): `section({ log, registerCleanup })`
// resolves to the markdown to print. Everything registered is stopped before the process exits, on
// Ctrl-C too (bench/README.md); exit code 0, or 1 after a failure.
'use strict';

const { onSignals } = require('../../scripts/n8n');

function runAlone(name, section) {
	const cleanups = [];
	const log = (message) => process.stderr.write(`[bench ${name}] ${message}\n`);
	const cleanup = async () => {
		while (cleanups.length)
			await cleanups
				.pop()()
				.catch((error) => log(`cleanup: ${error.message}`));
	};
	onSignals(cleanup);
	section({ log, registerCleanup: (fn) => cleanups.push(fn) })
		.then((markdown) => process.stdout.write(`${markdown}\n`))
		.then(
			() => 0,
			(error) => (log(`FAILED: ${error.stack ?? error}`), 1),
		)
		.then(async (code) => {
			await cleanup();
			process.exit(code);
		});
}

module.exports = { runAlone };
