// The scale-out suite: the package in real n8n in queue mode (main + 2 workers, PostgreSQL, Redis)
// and, for comparison, in regular mode, under bursts of concurrent production-webhook executions at
// token expiry. `npm run test:queue`. The files are *.queue.js so no other suite picks them up.
/** @type {import('jest').Config} */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/queue'],
	testMatch: ['**/*.queue.js'],
	// Build + n8n cache (cold: ~4 min) + npm pack, once.
	globalSetup: '<rootDir>/test/queue/globalSetup.js',
	globalTeardown: '<rootDir>/test/queue/globalTeardown.js',
	// One file at a time: each runs n8n processes that take the machine's cores.
	maxWorkers: 1,
	testSequencer: '<rootDir>/test/queue/sequencer.js',
	testTimeout: 600_000,
	slowTestThreshold: 300,
	verbose: true,
};
