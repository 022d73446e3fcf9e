// Section 5: scale-out. The scenario of scripts/bursts.js (bursts of concurrent production-webhook
// executions at token expiry: the node's credential source, n8n's own refresh, the node's field
// source and its client credentials grant side by side, each with its own local IDCS) in n8n's regular mode (one process, SQLite) and
// in queue mode (main + 2 workers, PostgreSQL, Redis), one after the other in this run.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const n8n = require('../scripts/n8n');
const { DEFAULTS, scaleOut } = require('../scripts/bursts');

module.exports = async function scaleOutSection({ config: overrides, log, registerCleanup }) {
	const config = { ...DEFAULTS, ...overrides };
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fst-bench-scale-out-'));
	registerCleanup(async () => fs.rmSync(workDir, { recursive: true, force: true }));
	// bench/run.js built dist/ already: pack what it built.
	const tarball = await n8n.packPackage(path.join(workDir, 'pack'));
	const runs = [];
	for (const mode of ['regular', 'queue']) {
		log(`${mode} mode: ${config.bursts} bursts of ${config.size} executions per workflow ...`);
		const run = await scaleOut({ mode, tarball, parent: workDir, config, log: (m) => log(`  ${m}`) });
		runs.push({
			mode: run.mode,
			n8nVersion: run.n8nVersion,
			config: run.config,
			summaries: run.summaries,
			workers: run.workers,
			failedWithInvalidGrant: run.failedWithInvalidGrant,
			rounds: run.result.rounds,
			ms: run.ms,
		});
	}
	return { runs };
};
