// n8n's own community package installer against a private npm registry: `npm run test:install`.
/** @type {import('jest').Config} */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/install'],
	testMatch: ['**/*.install.js'],
	maxWorkers: 1,
	testTimeout: 300_000,
	verbose: true,
};
