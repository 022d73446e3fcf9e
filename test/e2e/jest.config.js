// End-to-end tests: real n8n (cached Node 24 + n8n, see scripts/n8n/) with this package installed as a
// community package, driven through its CLI and server against the local IDCS. `npm run test:e2e`.
// The files are *.e2e.js so that the unit suite (`npm test`, **/*.test.ts) never picks them up.
/** @type {import('jest').Config} */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.js'],
	// Build + n8n cache (cold: ~3 min) + npm pack + a migrated template user folder, once.
	globalSetup: '<rootDir>/test/e2e/globalSetup.js',
	globalTeardown: '<rootDir>/test/e2e/globalTeardown.js',
	// Every n8n CLI call starts n8n (about 5 s of one core, mostly loading n8n's modules): two files run
	// at a time, each with its own user folder and local IDCS, its n8n processes one after another
	// (2 cores: 304 s instead of 380 s).
	maxWorkers: 2,
	testTimeout: 240_000,
	slowTestThreshold: 60,
	verbose: true,
};
