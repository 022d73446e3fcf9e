#!/usr/bin/env node
// n8n's community package scanner itself (@n8n/scan-community-package, whose verdict decides whether
// n8n verifies the package), run offline on both things it looks at: the source, with the file
// patterns it applies to the commit a provenance attestation names, and the packed tarball. Only the
// scanner's download and provenance steps need the network; they are left out. Run by `npm run lint`.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
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

/**
 * package.json declares `n8n.strict` (n8n Cloud's stricter rules). The rules n8n Cloud adds are those of
 * the community-nodes plugin's `recommended` config that its `recommendedWithoutN8nCloudSupport` leaves
 * out; the scanner must apply each of them as an error, and a copy of the tarball with a timer and an
 * outside module planted in the node must fail its scan by them. So a clean scan above is a clean scan
 * under the strict rules.
 */
async function strictRulesHold(unpacked) {
	const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
	if (manifest.n8n?.strict !== true) return fail('package.json does not declare n8n.strict: true');
	const { n8nCommunityNodesPlugin } = await import('@n8n/eslint-plugin-community-nodes');
	const { recommended, recommendedWithoutN8nCloudSupport } = n8nCommunityNodesPlugin.configs;
	const cloudRules = Object.keys(recommended.rules).filter(
		(rule) => !(rule in recommendedWithoutN8nCloudSupport.rules),
	);
	const severity = {};
	for (const part of await buildScanConfig()) Object.assign(severity, part.rules ?? {});
	const notErrors = cloudRules.filter((rule) => severity[rule] !== 'error');
	if (cloudRules.length === 0 || notErrors.length)
		return fail(`the scanner does not apply n8n Cloud's rules as errors: ${JSON.stringify({ cloudRules, notErrors })}`);

	const probe = path.join(work, 'strict-probe');
	cpSync(unpacked, probe, { recursive: true });
	const node = path.join(probe, manifest.n8n.nodes[0]);
	writeFileSync(node, `${readFileSync(node, 'utf8')}\nsetTimeout(() => {}, 0);\nrequire('axios');\n`);
	const result = await analyzePackage(probe);
	const planted = ['@n8n/community-nodes/no-restricted-globals', '@n8n/community-nodes/no-restricted-imports'];
	const missed = planted.filter((rule) => !result.details?.includes(rule));
	if (result.passed || missed.length)
		return fail(`a timer and an outside module planted in the node did not fail the scan by ${missed.join(', ')}`);
	console.log(
		`clean under n8n.strict: the scanner applies n8n Cloud's rules (${cloudRules.join(', ')}) as errors, and they fail a planted timer and import`,
	);
	return true;
}

function fail(message) {
	console.log(`NOT CLEAN: ${message}`);
	return false;
}

const work = mkdtempSync(path.join(tmpdir(), 'fst-scan-'));
// The scanner makes a temporary folder of its own when loaded: inside ours, so that nothing is left.
process.env.TMPDIR = work;
const { SOURCE_FILE_PATTERNS, analyzePackage, buildScanConfig } =
	await import('@n8n/scan-community-package/scanner/scanner.mjs');
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
	clean = sourceClean && tarballClean && (await strictRulesHold(unpacked));
} finally {
	rmSync(work, { recursive: true, force: true });
}
process.exit(clean ? 0 : 1);
