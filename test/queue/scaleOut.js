// Shared by the scale-out files: the scenario of scripts/bursts.js in one n8n mode, reported on stderr.
const { scaleOut, report, DEFAULTS } = require('../../scripts/bursts');

const settings = JSON.parse(process.env.FST_QUEUE ?? 'null');
if (!settings)
	throw new Error('FST_QUEUE is not set: run these tests with `npm run test:queue` (its globalSetup prepares n8n)');

// 4 bursts per workflow, so 4 token expiries, in each mode (the benchmark and the runs docs/scaling-out.md
// reports: DEFAULTS' 5). FST_QUEUE_BURSTS=5 runs as many.
const BURSTS = Number(process.env.FST_QUEUE_BURSTS ?? 4);
if (!Number.isInteger(BURSTS) || BURSTS < 2) throw new Error(`FST_QUEUE_BURSTS must be a whole number of 2 or more`);
/** The executions of each workflow in a run (bursts of DEFAULTS.size): every one is counted. */
const EXECUTIONS = BURSTS * DEFAULTS.size;

// Straight to stderr: Jest would decorate console output with source locations.
const write = (text) => process.stderr.write(`${text}\n`);
const log = (text) => write(`[fst] ${text}`);

/** Runs the scenario in `mode` ('queue' or 'regular'), prints its report, resolves its results. */
async function run(mode) {
	const result = await scaleOut({
		mode,
		tarball: settings.tarball,
		parent: settings.workDir,
		config: { bursts: BURSTS },
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

module.exports = { settings, run, rowsOf, summaryOf, EXECUTIONS };
