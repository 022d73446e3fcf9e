// The browser suites: real n8n 2.41.1 from the cache, driven with playwright-core and Debian's
// /usr/bin/chromium. One n8n for all files (globalSetup.js), which run in a user's order
// (sequencer.js): n8n's own community package installer on the Settings > Community Nodes page,
// then the editor. `npm run test:browser`; `npm run test:install` runs the installer file alone.
// Their files are *.browser.js, so neither `npm test` (*.test.ts) nor `npm run test:e2e` (*.e2e.js) runs them.
/** @type {import('jest').Config} */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/browser'],
	testMatch: ['**/*.browser.js'],
	globalSetup: '<rootDir>/test/browser/globalSetup.js',
	globalTeardown: '<rootDir>/test/browser/globalTeardown.js',
	testSequencer: '<rootDir>/test/browser/sequencer.js',
	// One n8n, one browser at a time; the steps of a file depend on each other.
	maxWorkers: 1,
	// A step waits for the editor (and for n8n's own OAuth popup or installer) at most a few minutes.
	testTimeout: 180_000,
	slowTestThreshold: 60,
	verbose: true,
};
