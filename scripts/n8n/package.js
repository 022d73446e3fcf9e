// This package as n8n sees it: built, packed with `npm pack`, and installed into an n8n user folder
// the way Settings > Community Nodes installs a community package.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const { log, cleanEnv, runOrThrow } = require('../processes');
const { withLock } = require('./install');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = require(path.join(REPO_ROOT, 'package.json')).name;
/** The node type as n8n names it when the package is installed as a community package. */
const NODE_TYPE = `${PACKAGE_NAME}.fieldServiceToken`;
const CREDENTIAL_TYPE = 'idcsOAuth2Api';

/** What `npm run build` compiles and copies from: tsc's and gulp's settings, the nodes and credentials. */
const BUILD_INPUTS = ['package.json', 'package-lock.json', 'tsconfig.json', 'gulpfile.js', 'nodes', 'credentials'];
/** The inputs' hash and the built entry points' times, of the last build buildPackage made. */
const BUILD_STAMP = path.join(REPO_ROOT, '.cache', 'build-stamp.json');

function filesOf(root, entry) {
	const full = path.join(root, entry);
	if (!fs.statSync(full).isDirectory()) return [entry];
	return fs
		.readdirSync(full)
		.sort()
		.flatMap((name) => filesOf(root, path.join(entry, name)));
}

/**
 * The stamp of the sources under `root` as they are and of its dist/ as it is: the inputs' hash and the
 * modification times of the entry points package.json names (undefined when one is missing).
 */
function buildStamp(root = REPO_ROOT) {
	const hash = crypto.createHash('sha256');
	for (const file of BUILD_INPUTS.flatMap((entry) => filesOf(root, entry)))
		hash.update(`${file}\0`).update(fs.readFileSync(path.join(root, file)));
	const { n8n } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
	const outputs = {};
	for (const file of [...n8n.nodes, ...n8n.credentials]) {
		const stat = fs.statSync(path.join(root, file), { throwIfNoEntry: false });
		if (!stat) return undefined;
		outputs[file] = stat.mtimeMs;
	}
	return JSON.stringify({ inputs: hash.digest('hex'), outputs });
}

/**
 * `npm run build`, unless dist/ is what this function built last from the same sources and nothing
 * rebuilt it since (each suite's set-up builds, and CI runs several suites on one checkout).
 */
async function buildPackage() {
	const current = buildStamp();
	if (current && fs.existsSync(BUILD_STAMP) && fs.readFileSync(BUILD_STAMP, 'utf8') === current) {
		log('dist/ is built from these sources already');
		return;
	}
	log('npm run build');
	await runOrThrow('npm', ['run', 'build'], { cwd: REPO_ROOT, env: cleanEnv() });
	fs.mkdirSync(path.dirname(BUILD_STAMP), { recursive: true });
	fs.writeFileSync(BUILD_STAMP, buildStamp());
}

/** `npm pack` of the repository into `destDir`; resolves the tarball's path. */
async function packPackage(destDir) {
	fs.mkdirSync(destDir, { recursive: true });
	const { stdout } = await runOrThrow('npm', ['pack', '--json', '--pack-destination', destDir], {
		cwd: REPO_ROOT,
		env: cleanEnv(),
	});
	const [{ filename }] = JSON.parse(stdout.slice(stdout.indexOf('[')));
	return path.join(destDir, filename);
}

/**
 * Builds and packs; resolves the tarball. One build at a time (lock `dist.lock`): suites that run side by
 * side (CI runs the scale-out suite beside the others) each build, and a build starts by removing dist/.
 */
async function buildAndPack(destDir) {
	return withLock(path.join(REPO_ROOT, 'dist'), async () => {
		await buildPackage();
		const tarball = await packPackage(destDir);
		log(`packed ${path.basename(tarball)}`);
		return tarball;
	});
}

/** `npm install <tarball>` into `<user folder>/.n8n/nodes`, as n8n's community package installer does. */
async function installPackage(folder, tarball) {
	const nodesDir = path.join(folder.n8nDir, 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	const manifest = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(manifest))
		fs.writeFileSync(manifest, '{"name":"installed-nodes","private":true,"dependencies":{}}\n');
	// A kept user folder may hold an older build under the same version: replace it, never "up to date".
	fs.rmSync(path.join(nodesDir, 'node_modules', PACKAGE_NAME), { recursive: true, force: true });
	await runOrThrow(
		'npm',
		['install', tarball, '--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund', '--no-package-lock'],
		{
			cwd: nodesDir,
			env: cleanEnv(),
		},
	);
	const installed = path.join(nodesDir, 'node_modules', PACKAGE_NAME, 'package.json');
	if (!fs.existsSync(installed))
		throw new Error(`${PACKAGE_NAME} is not in ${nodesDir}/node_modules after npm install`);
	return JSON.parse(fs.readFileSync(installed, 'utf8')).version;
}

module.exports = {
	REPO_ROOT,
	PACKAGE_NAME,
	NODE_TYPE,
	CREDENTIAL_TYPE,
	buildStamp,
	buildPackage,
	packPackage,
	buildAndPack,
	installPackage,
};
