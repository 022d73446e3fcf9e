import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';

// scripts/ is plain CommonJS without types.
const { buildStamp } = require('../../scripts/n8n/package') as { buildStamp(root: string): string | undefined };

let root: string;

function write(file: string, text: string) {
	mkdirSync(dirname(join(root, file)), { recursive: true });
	writeFileSync(join(root, file), text);
}

beforeEach(() => {
	root = mkdtempSync(join(tmpdir(), 'fst-stamp-'));
	write(
		'package.json',
		JSON.stringify({ n8n: { nodes: ['dist/nodes/A/A.node.js'], credentials: ['dist/credentials/B.credentials.js'] } }),
	);
	for (const file of ['package-lock.json', 'tsconfig.json', 'gulpfile.js']) write(file, '{}');
	write('nodes/A/A.node.ts', 'export class A {}');
	write('nodes/A/a.svg', '<svg/>');
	write('credentials/B.credentials.ts', 'export class B {}');
	write('dist/nodes/A/A.node.js', 'class A {}');
	write('dist/credentials/B.credentials.js', 'class B {}');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('buildStamp: whether dist/ is what the last build made from these sources', () => {
	it('is the same while neither the sources nor dist/ change', () => {
		expect(buildStamp(root)).toBe(buildStamp(root));
	});

	it('changes when a source file under nodes/ changes, or one is added', () => {
		const before = buildStamp(root);
		write('nodes/A/A.node.ts', 'export class A { x = 1 }');
		const edited = buildStamp(root);
		expect(edited).not.toBe(before);
		write('nodes/A/helper.ts', 'export const y = 2;');
		expect(buildStamp(root)).not.toBe(edited);
	});

	it('changes when an icon, the lockfile or the compiler settings change', () => {
		for (const file of ['nodes/A/a.svg', 'package-lock.json', 'tsconfig.json']) {
			const before = buildStamp(root);
			write(file, `changed ${file}`);
			expect(buildStamp(root)).not.toBe(before);
		}
	});

	it('changes when dist/ was built again since (an entry point has another modification time)', () => {
		const before = buildStamp(root);
		utimesSync(join(root, 'dist/nodes/A/A.node.js'), new Date(), new Date(Date.now() + 5_000));
		expect(buildStamp(root)).not.toBe(before);
	});

	it('is undefined when an entry point is missing (dist/ removed or half built)', () => {
		rmSync(join(root, 'dist/credentials/B.credentials.js'));
		expect(buildStamp(root)).toBeUndefined();
	});
});
