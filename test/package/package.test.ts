import { execFileSync } from 'child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function filesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? filesUnder(path) : [path];
	});
}

describe('the published package (after npm run build)', () => {
	it('follows the community node conventions', () => {
		expect(pkg.name).toBe('n8n-nodes-field-service-token');
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.files).toEqual(['dist', '!dist/plugin', 'CHANGELOG.md']);
		expect(pkg.dependencies).toBeUndefined();
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		for (const script of ['prepare', 'preinstall', 'install', 'postinstall', 'prepublish']) {
			expect(pkg.scripts[script]).toBeUndefined();
		}
		expect(pkg.n8n).toEqual({
			n8nNodesApiVersion: 1,
			strict: true,
			credentials: [
				'dist/credentials/IdcsOAuth2Api.credentials.js',
				'dist/credentials/IdcsClientCredentialsOAuth2Api.credentials.js',
				'dist/credentials/OracleFieldServiceApi.credentials.js',
			],
			nodes: ['dist/nodes/FieldServiceToken/FieldServiceToken.node.js', 'dist/nodes/FieldService/FieldService.node.js'],
		});
	});

	it('has in dist/ every file the n8n section lists, with the icons and codex beside them', () => {
		const expected = [
			...pkg.n8n.credentials,
			...pkg.n8n.nodes,
			'dist/credentials/idcs.svg',
			'dist/credentials/idcs.dark.svg',
			'dist/credentials/fieldService.svg',
			'dist/credentials/fieldService.dark.svg',
			'dist/nodes/FieldServiceToken/FieldServiceToken.node.json',
			'dist/nodes/FieldServiceToken/fieldServiceToken.svg',
			'dist/nodes/FieldServiceToken/fieldServiceToken.dark.svg',
			'dist/nodes/FieldService/FieldService.node.json',
			'dist/nodes/FieldService/fieldService.svg',
			'dist/nodes/FieldService/fieldService.dark.svg',
		];
		for (const file of expected) expect(existsSync(join(root, file))).toBe(true);
	});

	it("ships code that requires n8n-workflow and Node's crypto only", () => {
		const required = new Set<string>();
		for (const file of filesUnder(join(root, 'dist')).filter((f) => f.endsWith('.js'))) {
			for (const match of readFileSync(file, 'utf8').matchAll(/require\("([^"]+)"\)/g)) {
				if (!match[1].startsWith('.')) required.add(match[1]);
			}
		}
		expect([...required].sort()).toEqual(['crypto', 'n8n-workflow']);
	});

	it('keeps the Field Service REST core free of n8n: api/ imports only its siblings and the OAuth core', () => {
		const core = filesUnder(join(root, 'nodes/FieldService/api'));
		expect(core.length).toBeGreaterThan(4);
		for (const file of core) {
			const imports = [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
			expect(imports.filter((name) => !name.startsWith('./') && name !== '../../FieldServiceToken/oauth')).toEqual([]);
		}
	});

	it('keeps the OAuth core free of n8n: nothing under oauth/ imports n8n-workflow', () => {
		const core = filesUnder(join(root, 'nodes/FieldServiceToken/oauth'));
		expect(core.length).toBeGreaterThan(10);
		for (const file of core) {
			const imports = [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
			expect(imports.filter((name) => !name.startsWith('./') && name !== 'crypto')).toEqual([]);
		}
	});

	it('never touches workflow static data, which n8n stores in plain text', () => {
		const shipped = filesUnder(join(root, 'dist')).filter((f) => f.endsWith('.js'));
		expect(shipped.length).toBeGreaterThan(10);
		for (const file of shipped) expect(readFileSync(file, 'utf8')).not.toContain('getWorkflowStaticData');
	});

	// What n8n needs at run time, and the documents a package page shows: nothing else is published.
	it('packs only the compiled JavaScript, the codex, the icons, the README, the CHANGELOG and the LICENSE', () => {
		// The Field Service plugin archive, built beside the package's files, is uploaded to Field Service: not packed.
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		(require('../../scripts/build-plugin.js') as { buildPlugin: () => unknown }).buildPlugin();
		expect(existsSync(join(root, 'dist/plugin/field-service-token-plugin.zip'))).toBe(true);
		const [packed] = JSON.parse(
			execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }),
		) as Array<{ files: Array<{ path: string }> }>;
		const files = packed.files.map((file) => file.path);
		expect(
			files.filter((file) => !/^dist\/.+\.(js|svg)$|^dist\/nodes\/[^/]+\/[^/]+\.node\.json$/.test(file)).sort(),
		).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json']);
		expect(files).toEqual(expect.arrayContaining([...pkg.n8n.credentials, ...pkg.n8n.nodes]));
	});

	it.each([
		['FieldServiceToken', 'fieldServiceToken', 'operations'],
		['FieldService', 'fieldService', 'field-service-node'],
	])('points the codex of %s at full documentation URLs, to headings of the README', (folder, name, anchor) => {
		const codex = JSON.parse(readFileSync(join(root, `nodes/${folder}/${folder}.node.json`), 'utf8'));
		expect(codex.node).toBe(`n8n-nodes-field-service-token.${name}`);
		const urls = [...codex.resources.primaryDocumentation, ...codex.resources.credentialDocumentation].map(
			(d: { url: string }) => d.url,
		);
		expect(urls).toEqual([
			`https://www.npmjs.com/package/n8n-nodes-field-service-token#${anchor}`,
			'https://www.npmjs.com/package/n8n-nodes-field-service-token#credentials',
		]);
		const headings = readFileSync(join(root, 'README.md'), 'utf8')
			.split('\n')
			.filter((line) => line.startsWith('#'))
			.map((line) => line.replace(/^#+ /, '').toLowerCase().replace(/\s+/g, '-'));
		expect(headings).toEqual(expect.arrayContaining([anchor, 'credentials']));
	});
});
