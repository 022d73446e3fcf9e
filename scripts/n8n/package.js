// This package as n8n sees it: built, packed with `npm pack`, and installed into an n8n user folder
// the way Settings > Community Nodes installs a community package.
'use strict';

const fs = require('fs');
const path = require('path');

const { log, cleanEnv, runOrThrow } = require('../processes');
const { withLock } = require('./install');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = require(path.join(REPO_ROOT, 'package.json')).name;
/** The node type as n8n names it when the package is installed as a community package. */
const NODE_TYPE = `${PACKAGE_NAME}.fieldServiceToken`;
const CREDENTIAL_TYPE = 'idcsOAuth2Api';

async function buildPackage() {
	log('npm run build');
	await runOrThrow('npm', ['run', 'build'], { cwd: REPO_ROOT, env: cleanEnv() });
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
	buildPackage,
	packPackage,
	buildAndPack,
	installPackage,
};
