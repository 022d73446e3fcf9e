import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';

// scripts/ is plain CommonJS without types.
const n8n = require('../../scripts/n8n') as {
	checkN8nVersion(version: string): Promise<void>;
	ensureN8n(options?: { version?: string }): Promise<unknown>;
};

// The real npm client (npm view), against a registry on 127.0.0.1 that knows these n8n versions.
const VERSIONS = ['1.123.79', '1.123.80', '1.123.81', '2.40.5', '2.40.7', '2.41.0', '2.41.1', '2.41.3'];
const packument = {
	name: 'n8n',
	'dist-tags': { latest: '2.41.3' },
	versions: Object.fromEntries(VERSIONS.map((version) => [version, { name: 'n8n', version }])),
};

let registry: Server;
let work: string;
const saved = { ...process.env };

beforeAll(async () => {
	registry = createServer((request, response) => {
		if (request.url === '/n8n')
			response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument));
		else response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
	});
	await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
	work = mkdtempSync(join(tmpdir(), 'fst-registry-'));
	process.env.npm_config_registry = `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`;
	process.env.npm_config_cache = join(work, 'npm-cache');
	process.env.npm_config_fetch_retries = '0';
});

afterAll(async () => {
	process.env = saved;
	await new Promise((resolve) => registry.close(resolve));
	rmSync(work, { recursive: true, force: true });
});

describe('checkN8nVersion (N8N_VERSION, before anything is installed)', () => {
	it('accepts a version the registry has', async () => {
		await expect(n8n.checkN8nVersion('2.41.1')).resolves.toBeUndefined();
	});

	it('names the newest versions of the same major for one the registry does not have', async () => {
		await expect(n8n.checkN8nVersion('2.99.0')).rejects.toMatchObject({
			userFacing: true,
			message:
				'n8n 2.99.0 (N8N_VERSION) is not on the npm registry: the newest n8n 2.x versions are 2.41.3, 2.41.1, 2.41.0, 2.40.7, 2.40.5.',
		});
		await expect(n8n.checkN8nVersion('1.999.0')).rejects.toThrow(
			'the newest n8n 1.x versions are 1.123.81, 1.123.80, 1.123.79.',
		);
	});

	it('says when no version of that major exists, or the version is not exact', async () => {
		await expect(n8n.checkN8nVersion('7.0.0')).rejects.toThrow(
			'n8n 7.0.0 (N8N_VERSION) is not on the npm registry: n8n has no 7.x version; the newest are 2.41.3, 2.41.1, 2.41.0, 2.40.7, 2.40.5.',
		);
		await expect(n8n.checkN8nVersion('latest')).rejects.toThrow('give an exact version; the newest are 2.41.3,');
	});

	it('says when the registry cannot be asked', async () => {
		const registryUrl = process.env.npm_config_registry;
		process.env.npm_config_registry = 'http://127.0.0.1:9/';
		try {
			await expect(n8n.checkN8nVersion('2.41.1')).rejects.toMatchObject({
				userFacing: true,
				message: expect.stringMatching(
					/^Could not ask the npm registry whether n8n 2\.41\.1 exists \(N8N_VERSION\): .*ECONNREFUSED 127\.0\.0\.1:9$/,
				),
			});
		} finally {
			process.env.npm_config_registry = registryUrl;
		}
	});

	it('leaves no folder for an unknown version in the cache', async () => {
		// A cache with Node 24 in place (marker and binary path), so that only n8n would be installed.
		const cache = join(work, 'cache');
		mkdirSync(join(cache, 'node24', 'node_modules', 'node', 'bin'), { recursive: true });
		writeFileSync(join(cache, 'node24', '.fst-install-complete'), '{}');
		writeFileSync(join(cache, 'node24', 'node_modules', 'node', 'bin', 'node'), '');
		process.env.FST_CACHE_DIR = cache;

		await expect(n8n.ensureN8n({ version: '2.99.0' })).rejects.toThrow('n8n 2.99.0 (N8N_VERSION) is not on');
		expect(readdirSync(cache)).toEqual(['node24']);
	});
});
