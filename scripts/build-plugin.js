#!/usr/bin/env node
// `npm run build:plugin`: the Field Service plugin (plugin/) as the archive an administrator uploads
// as it is, dist/plugin/field-service-token-plugin.zip, checked against the classic hosted-plugin
// limits (index.html at the root, at most 10 entries, under 500 KB, html/css/js/images only) and for
// anything that must not be in a file anyone can download: no secret, no address of this machine.
// `--host-origin <origin>` adds one origin the plugin trusts as its Field Service host besides Oracle's
// own (a test host, a private one); it is written into plugin.js after the checks, and only then.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const { writeZip } = require('./zip');

const ROOT = path.resolve(__dirname, '..');
const SOURCE = path.join(ROOT, 'plugin');
const OUTPUT = path.join(ROOT, 'dist', 'plugin', 'field-service-token-plugin.zip');
const LIMITS = {
	maxBytes: 500 * 1024,
	maxEntries: 10,
	maxFileBytes: 1024 * 1024,
	extensions: ['.html', '.css', '.js', '.jpg', '.png', '.gif', '.svg', '.appcache'],
};

/** What no file of the archive may contain: this machine's names and folders, secrets in any form. */
function forbiddenIn(text) {
	const found = [];
	const machine = [
		'127.0.0.1',
		'localhost',
		os.hostname(),
		ROOT,
		os.homedir(),
		os.tmpdir(),
		'client_secret',
		'clientSecret',
		'-----BEGIN',
	];
	for (const value of machine) if (value && value.length > 2 && text.includes(value)) found.push(value);
	if (/https?:\/\/(?!www\.w3\.org)[a-z0-9.-]+/i.test(text)) found.push(text.match(/https?:\/\/[a-z0-9.-]+/i)[0]);
	return found;
}

/** The archive's entries, checked; throws on anything over a limit or forbidden. */
function pluginEntries(source) {
	const names = fs.readdirSync(source).sort();
	if (!names.includes('index.html')) throw new Error('plugin/ has no index.html');
	return names.map((name) => {
		const data = fs.readFileSync(path.join(source, name));
		if (!LIMITS.extensions.includes(path.extname(name)))
			throw new Error(`plugin/${name}: not a file type hosted plugins allow`);
		if (data.length > LIMITS.maxFileBytes) throw new Error(`plugin/${name}: over 1 MB`);
		const found = forbiddenIn(data.toString('utf8'));
		if (found.length)
			throw new Error(`plugin/${name} contains ${found.join(', ')}: the archive can be downloaded without signing in`);
		return { name, data };
	});
}

const EXTRA_HOST_ORIGIN = "var EXTRA_HOST_ORIGIN = '';";

/** plugin.js trusting `hostOrigin` too (an origin: scheme, host and port only). */
function withHostOrigin(entries, hostOrigin) {
	let origin;
	try {
		origin = new URL(hostOrigin).origin;
	} catch {
		origin = undefined;
	}
	if (origin !== hostOrigin)
		throw new Error(`--host-origin ${hostOrigin}: give an origin, e.g. https://fs.example.com:8443`);
	return entries.map((entry) => {
		if (entry.name !== 'plugin.js') return entry;
		const text = entry.data.toString('utf8');
		if (!text.includes(EXTRA_HOST_ORIGIN)) throw new Error(`plugin/plugin.js has no ${EXTRA_HOST_ORIGIN}`);
		return {
			...entry,
			data: Buffer.from(text.replace(EXTRA_HOST_ORIGIN, `var EXTRA_HOST_ORIGIN = ${JSON.stringify(origin)};`)),
		};
	});
}

/** Builds the archive from `source` into `output`; `hostOrigin` adds one trusted Field Service host. */
function buildPlugin(output = OUTPUT, { source = SOURCE, hostOrigin } = {}) {
	const checked = pluginEntries(source);
	const entries = hostOrigin ? withHostOrigin(checked, hostOrigin) : checked;
	if (entries.length > LIMITS.maxEntries)
		throw new Error(`${entries.length} entries: hosted plugins allow ${LIMITS.maxEntries}`);
	const zip = writeZip(entries);
	if (zip.length >= LIMITS.maxBytes)
		throw new Error(`the archive is ${zip.length} bytes: hosted plugins must stay under 500 KB`);
	fs.mkdirSync(path.dirname(output), { recursive: true });
	fs.writeFileSync(output, zip);
	return { output, bytes: zip.length, entries: entries.map((e) => e.name) };
}

if (require.main === module) {
	const at = process.argv.indexOf('--host-origin');
	const hostOrigin = at > 0 ? process.argv[at + 1] : undefined;
	const { output, bytes, entries } = buildPlugin(OUTPUT, { hostOrigin });
	if (hostOrigin) console.log(`trusting ${hostOrigin} as a Field Service host besides Oracle's own`);
	console.log(`${path.relative(ROOT, output)}: ${bytes} bytes, ${entries.length} entries (${entries.join(', ')})`);
}

module.exports = { buildPlugin, forbiddenIn, LIMITS, OUTPUT };
