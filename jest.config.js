/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }] },
	// One local IDCS (oidc-provider on 127.0.0.1) for the whole suite.
	globalSetup: '<rootDir>/test/support/globalSetup.js',
	globalTeardown: '<rootDir>/test/support/globalTeardown.js',
	testTimeout: 30_000,
	// Jest's default is one worker fewer than the cores, which on 2 cores runs every file in one process
	// with a core left idle: 62 s. Two workers: 35 s (571 tests; 53 s with both cores busy elsewhere). The
	// files share the local IDCS and never its logs (each test mints refresh tokens of its own).
	maxWorkers: '100%',
};
