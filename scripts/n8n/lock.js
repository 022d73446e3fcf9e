#!/usr/bin/env node
// The lockfile the n8n cache is installed from: `node scripts/n8n/lock.js [version]` (default: the
// version install.js installs) writes scripts/n8n/locks/n8n-<version>.package-lock.json from the tree
// of that n8n installed in the cache (what the suites ran on), or, with none there, resolves
// `n8n@<version>` as `npm install` would today. With it, a first install runs `npm ci`: npm fetches
// the ~2,200 tarballs at once instead of first reading ~1,700 package manifests one level at a time
// (on 2 idle cores, with sqlite3 built beside it: 2.6 min instead of 5.9 min). Same n8n, same
// dependency versions as the install it was taken from. Run it again when DEFAULT_N8N_VERSION
// changes; the unit suite checks that they match.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const { cleanEnv, runOrThrow, log } = require('../processes');

const LOCKS = path.join(__dirname, 'locks');
const lockPath = (version) => path.join(LOCKS, `n8n-${version}.package-lock.json`);
const manifest = (version) => ({ private: true, dependencies: { n8n: version } });
const REGISTRY = 'https://registry.npmjs.org/';

/**
 * Every registry package gets its tarball URL on npm's public registry, so that `npm ci` reads no
 * manifest at all (npm rewrites that host to the user's own registry, `replace-registry-host`).
 * Written whatever the local `omit-lockfile-registry-resolved` setting.
 */
function withResolved(lock) {
	for (const [where, entry] of Object.entries(lock.packages)) {
		if (!where || entry.link || entry.resolved || !entry.version) continue;
		const name = entry.name ?? where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length);
		entry.resolved = `${REGISTRY}${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
	}
	return lock;
}

/** The lock of n8n `version` as installed in the cache, or undefined. */
function installedLock(version) {
	const { n8nComplete, n8nInstallDir } = require('./install');
	if (!n8nComplete(version)) return undefined;
	const dir = n8nInstallDir(version);
	log(`taking the tree of ${dir}`);
	return JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
}

async function resolvedLock(version) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fst-n8n-lock-'));
	try {
		fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest(version))}\n`);
		log(`resolving n8n@${version} (npm install --package-lock-only, a few minutes) ...`);
		await runOrThrow('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], {
			cwd: dir,
			env: cleanEnv(),
		});
		return JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

async function writeLock(version) {
	const lock = withResolved(installedLock(version) ?? (await resolvedLock(version)));
	lock.name = `n8n-${version}`;
	lock.packages[''] = { dependencies: manifest(version).dependencies };
	fs.mkdirSync(LOCKS, { recursive: true });
	fs.writeFileSync(lockPath(version), `${JSON.stringify(lock, null, 2)}\n`);
	log(`wrote ${path.relative(process.cwd(), lockPath(version))}: ${Object.keys(lock.packages).length - 1} packages`);
}

module.exports = { lockPath, manifest, withResolved };

if (require.main === module) {
	const { DEFAULT_N8N_VERSION } = require('./install');
	writeLock(process.argv[2] || DEFAULT_N8N_VERSION).catch((error) => {
		console.error(error.message);
		process.exit(1);
	});
}
