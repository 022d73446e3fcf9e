import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { hostname, tmpdir } from 'os';
import { join, resolve } from 'path';

import { clients } from '../support/localIdcs';

// The Field Service plugin archive (`npm run build:plugin`): what an administrator uploads as it is.
// Classic hosted-plugin limits, and nothing inside that must not be downloadable by anyone.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildPlugin, forbiddenIn } = require('../../scripts/build-plugin.js') as {
	buildPlugin: (
		output: string,
		options?: { source?: string; hostOrigin?: string },
	) => { output: string; bytes: number; entries: string[] };
	forbiddenIn: (text: string) => string[];
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { readZip } = require('../../scripts/zip.js') as {
	readZip: (zip: Buffer) => Array<{ name: string; data: Buffer }>;
};

const root = resolve(__dirname, '../..');
let dir: string;
let zip: Buffer;
let entries: Array<{ name: string; data: Buffer }>;

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'fst-plugin-'));
	const built = buildPlugin(join(dir, 'plugin.zip'));
	zip = readFileSync(built.output);
	entries = readZip(zip);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the plugin archive', () => {
	it('has index.html at the root and only html, css and js: 3 entries, under 500 KB, each file as in plugin/', () => {
		expect(entries.map((e) => e.name)).toEqual(['index.html', 'plugin.css', 'plugin.js']);
		expect(zip.length).toBeLessThan(500 * 1024);
		expect(zip.length).toBeLessThan(8 * 1024);
		for (const { name, data } of entries) expect(data.equals(readFileSync(join(root, 'plugin', name)))).toBe(true);
	});

	it('is the same bytes every build (fixed dates, fixed order)', () => {
		const again = buildPlugin(join(dir, 'again.zip'));
		expect(readFileSync(again.output).equals(zip)).toBe(true);
	});

	it('holds no secret and no address or folder of this machine', () => {
		const text = entries.map((e) => e.data.toString('utf8')).join('\n');
		for (const client of Object.values(clients)) {
			expect(text).not.toContain(client.clientId);
			if (client.clientSecret) expect(text).not.toContain(client.clientSecret);
		}
		for (const value of ['127.0.0.1', 'localhost', hostname(), root, tmpdir(), 'client_secret', 'http://', 'https://'])
			expect(text).not.toContain(value);
		// What an administrator sets is read from the plugin's secured parameters.
		expect(text).toContain("['idcsDomainUrl', 'clientId', 'resourceScope', 'n8nWebhookUrl']");
	});

	it('refuses to build with a secret or an address inside', () => {
		expect(forbiddenIn("var secret = 'x'; // client_secret")).toEqual(['client_secret']);
		expect(forbiddenIn("fetch('http://127.0.0.1:5678/webhook/x')")).toEqual(['127.0.0.1', 'http://127.0.0.1']);
		expect(forbiddenIn("var url = 'https://idcs-abc.identity.oraclecloud.com'")).toEqual([
			'https://idcs-abc.identity.oraclecloud.com',
		]);
		expect(forbiddenIn('-----BEGIN PRIVATE KEY-----')).toEqual(['-----BEGIN']);
		expect(forbiddenIn("send({ method: 'ready' })")).toEqual([]);
	});

	it.each([
		['a client secret', "var clientSecret = 'idcscs-0000';", 'clientSecret'],
		[
			'an identity domain URL',
			"var domain = 'https://idcs-abc.identity.oraclecloud.com';",
			'https://idcs-abc.identity.oraclecloud.com',
		],
		['an n8n address of this machine', "var n8n = 'http://127.0.0.1:5678/webhook/ofs-plugin';", '127.0.0.1'],
		['a private key', "var key = '-----BEGIN PRIVATE KEY-----';", '-----BEGIN'],
	])('does not build an archive when a file of plugin/ holds %s', (_what, line, named) => {
		const source = join(dir, `planted-${named.length}`);
		cpSync(join(root, 'plugin'), source, { recursive: true });
		writeFileSync(join(source, 'plugin.js'), `${readFileSync(join(source, 'plugin.js'), 'utf8')}\n${line}\n`);
		const output = join(dir, `planted-${named.length}.zip`);
		expect(() => buildPlugin(output, { source })).toThrow(
			new RegExp(
				`^plugin/plugin\\.js contains .*${named.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.*: the archive can be downloaded without signing in$`,
			),
		);
		expect(() => readFileSync(output)).toThrow(/ENOENT/);
	});

	it("trusts only Field Service's own hosts, plus one origin given at build time (--host-origin)", () => {
		const text = entries.find((e) => e.name === 'plugin.js')!.data.toString('utf8');
		expect(text).toContain("var EXTRA_HOST_ORIGIN = '';");
		const withHost = readZip(
			readFileSync(buildPlugin(join(dir, 'host.zip'), { hostOrigin: 'https://fs.example.com:8443' }).output),
		);
		const js = withHost.find((e) => e.name === 'plugin.js')!.data.toString('utf8');
		expect(js).toContain('var EXTRA_HOST_ORIGIN = "https://fs.example.com:8443";');
		expect(js.replace('var EXTRA_HOST_ORIGIN = "https://fs.example.com:8443";', "var EXTRA_HOST_ORIGIN = '';")).toBe(
			text,
		);
		expect(() => buildPlugin(join(dir, 'bad.zip'), { hostOrigin: 'https://fs.example.com/path' })).toThrow(
			'--host-origin https://fs.example.com/path: give an origin, e.g. https://fs.example.com:8443',
		);
	});

	it('is not in the npm package (package.json files leaves dist/plugin out)', () => {
		const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] };
		expect(pkg.files).toEqual(['dist', '!dist/plugin', 'CHANGELOG.md']);
	});
});
