// The browser test: the n8n editor (real n8n 2.41.1 from the cache, this package installed as a community
// package) driven with playwright-core and Debian's /usr/bin/chromium. `npm run test:browser`.
// Its files are *.browser.js, so neither `npm test` (*.test.ts) nor `npm run test:e2e` (*.e2e.js) runs them.
/** @type {import('jest').Config} */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/browser'],
	testMatch: ['**/*.browser.js'],
	// One n8n, one local IDCS and one browser; the steps of a file depend on each other.
	maxWorkers: 1,
	// A step waits for the editor (and for n8n's own OAuth popup) at most a few minutes.
	testTimeout: 180_000,
	slowTestThreshold: 60,
	verbose: true,
};
