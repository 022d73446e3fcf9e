import type { GrantClient } from './grantClients';

/**
 * A local IDCS of a test file's own (test/local-idcs/start.js, its own process on 127.0.0.1), for tests
 * that change its settings or need other options than the suite's shared one (localIdcs.ts).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { startLocalIdcsProcess } = require('../local-idcs/start.js') as {
	startLocalIdcsProcess: (args: string[]) => Promise<{
		issuer: string;
		clients: Record<string, GrantClient>;
		stop: () => Promise<void>;
	}>;
};
