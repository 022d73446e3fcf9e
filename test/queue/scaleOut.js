// Shared by the scale-out files: the scenario of scripts/bursts.js in one n8n mode, reported on stderr.
const { scaleOut, report } = require('../../scripts/bursts');

const settings = JSON.parse(process.env.FST_QUEUE ?? 'null');
if (!settings)
	throw new Error('FST_QUEUE is not set: run these tests with `npm run test:queue` (its globalSetup prepares n8n)');

// Straight to stderr: Jest would decorate console output with source locations.
const write = (text) => process.stderr.write(`${text}\n`);
const log = (text) => write(`[fst] ${text}`);

/** Runs the scenario in `mode` ('queue' or 'regular'), prints its report, resolves its results. */
async function run(mode) {
	const result = await scaleOut({
		mode,
		tarball: settings.tarball,
		parent: settings.workDir,
		log,
		keep: Boolean(process.env.FST_QUEUE_KEEP),
		// n8n settings to try under the same bursts, as JSON: FST_QUEUE_N8N_ENV='{"N8N_EXECUTIONS_QUEUE_KEEP_LAST_COMPLETED":"1000"}'
		n8nEnv: JSON.parse(process.env.FST_QUEUE_N8N_ENV ?? '{}'),
	});
	write(`\n== ${report(result).join('\n')}\n`);
	return result;
}

const rowsOf = (result, key) => result.result.rounds.filter((r) => r.key === key);
const summaryOf = (result, key) => result.summaries.find((s) => s.key === key);

module.exports = { settings, run, rowsOf, summaryOf };
