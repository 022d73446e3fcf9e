#!/usr/bin/env node
// n8n's community package scanner itself (@n8n/scan-community-package, whose verdict decides whether
// n8n verifies the package), run offline on both things it looks at: the source, with the file
// patterns it applies to the commit a provenance attestation names, and the packed tarball. Only the
// scanner's download and provenance steps need the network; they are left out. Run by `npm run lint`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function run(command, args, cwd) {
	const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
	return result.stdout;
}

async function scan(what, dir, patterns) {
	const result = await analyzePackage(dir, patterns);
	console.log(`${result.passed ? 'clean' : 'NOT CLEAN'}: ${what}${result.message ? ` (${result.message})` : ''}`);
	if (result.details) console.log(result.details);
	return result.passed;
}

const work = mkdtempSync(path.join(tmpdir(), 'fst-scan-'));
// The scanner makes a temporary folder of its own when loaded: inside ours, so that nothing is left.
process.env.TMPDIR = work;
const { SOURCE_FILE_PATTERNS, analyzePackage } = await import('@n8n/scan-community-package/scanner/scanner.mjs');
let clean = false;
try {
	const sourceClean = await scan('the source (package.json, nodes/, credentials/)', root, SOURCE_FILE_PATTERNS);
	// The tarball as npm publishes it (dist/ must be built: npm run lint builds first).
	run('npm', ['pack', '--silent', '--pack-destination', work], root);
	const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'));
	if (!tarball) throw new Error('npm pack made no tarball');
	const unpacked = path.join(work, 'package');
	mkdirSync(unpacked);
	run('tar', ['-xzf', path.join(work, tarball), '-C', unpacked, '--strip-components=1'], work);
	const tarballClean = await scan(`the packed tarball ${tarball}`, unpacked);
	clean = sourceClean && tarballClean;
} finally {
	rmSync(work, { recursive: true, force: true });
}
process.exit(clean ? 0 : 1);
