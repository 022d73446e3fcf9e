import { existsSync, readFileSync } from 'fs';

// scripts/ is plain CommonJS without types.
type Entry = { version?: string; resolved?: string; integrity?: string; link?: boolean; name?: string };
type Lock = { name?: string; packages: Record<string, Entry> };
const { DEFAULT_N8N_VERSION } = require('../../scripts/n8n/install') as { DEFAULT_N8N_VERSION: string };
const { lockPath, withResolved } = require('../../scripts/n8n/lock') as {
	lockPath(version: string): string;
	withResolved(lock: Lock): Lock;
};

describe('the lockfile n8n is installed from', () => {
	const lock = JSON.parse(readFileSync(lockPath(DEFAULT_N8N_VERSION), 'utf8')) as Lock;

	test('is the one of the n8n version the scripts install, asking for exactly that n8n', () => {
		expect(existsSync(lockPath(DEFAULT_N8N_VERSION))).toBe(true);
		expect(lock.packages['']).toEqual({ dependencies: { n8n: DEFAULT_N8N_VERSION } });
		expect(lock.packages['node_modules/n8n'].version).toBe(DEFAULT_N8N_VERSION);
		// installFromLock builds this sqlite3 beside the install.
		expect(lock.packages['node_modules/sqlite3'].version).toMatch(/^\d+\.\d+\.\d+$/);
	});

	test('names every tarball and its checksum, so that npm ci reads no package manifest', () => {
		const entries = Object.entries(lock.packages).filter(([where, entry]) => where && !entry.link);
		expect(entries.length).toBeGreaterThan(2000);
		const incomplete = entries
			.filter(
				([, entry]) =>
					!entry.resolved?.startsWith('https://registry.npmjs.org/') || !entry.integrity?.startsWith('sha512-'),
			)
			.map(([where]) => where);
		expect(incomplete).toEqual([]);
	});
});

describe('withResolved', () => {
	test("gives each registry package its tarball URL on npm's registry, scoped, nested and aliased alike", () => {
		const lock = withResolved({
			packages: {
				'': { name: 'root' } as Entry,
				'node_modules/ws': { version: '8.18.0' },
				'node_modules/@azure/core-auth': { version: '1.10.1' },
				'node_modules/a/node_modules/@scope/b': { version: '2.0.0' },
				'node_modules/string-width-cjs': { name: 'string-width', version: '4.2.3' },
				'node_modules/kept': { version: '1.0.0', resolved: 'https://example.test/kept-1.0.0.tgz' },
				'node_modules/local': { link: true },
			},
		});
		expect(Object.fromEntries(Object.entries(lock.packages).map(([where, entry]) => [where, entry.resolved]))).toEqual({
			'': undefined,
			'node_modules/ws': 'https://registry.npmjs.org/ws/-/ws-8.18.0.tgz',
			'node_modules/@azure/core-auth': 'https://registry.npmjs.org/@azure/core-auth/-/core-auth-1.10.1.tgz',
			'node_modules/a/node_modules/@scope/b': 'https://registry.npmjs.org/@scope/b/-/b-2.0.0.tgz',
			'node_modules/string-width-cjs': 'https://registry.npmjs.org/string-width/-/string-width-4.2.3.tgz',
			'node_modules/kept': 'https://example.test/kept-1.0.0.tgz',
			'node_modules/local': undefined,
		});
	});
});
