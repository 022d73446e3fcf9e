#!/usr/bin/env node
// `npm run build:plugin`: the Field Service plugin (plugin/) as the archive an administrator uploads
// as it is, dist/plugin/field-service-token-plugin.zip, checked against the classic hosted-plugin
// limits (index.html at the root, at most 10 entries, under 500 KB, html/css/js/images only) and for
// anything that must not be in a file anyone can download: no secret, no address of this machine.
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
function pluginEntries() {
	const names = fs.readdirSync(SOURCE).sort();
	if (!names.includes('index.html')) throw new Error('plugin/ has no index.html');
	return names.map((name) => {
		const data = fs.readFileSync(path.join(SOURCE, name));
		if (!LIMITS.extensions.includes(path.extname(name)))
			throw new Error(`plugin/${name}: not a file type hosted plugins allow`);
		if (data.length > LIMITS.maxFileBytes) throw new Error(`plugin/${name}: over 1 MB`);
		const found = forbiddenIn(data.toString('utf8'));
		if (found.length)
			throw new Error(`plugin/${name} contains ${found.join(', ')}: the archive can be downloaded without signing in`);
		return { name, data };
	});
}

function buildPlugin(output = OUTPUT) {
	const entries = pluginEntries();
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
	const { output, bytes, entries } = buildPlugin();
	console.log(`${path.relative(ROOT, output)}: ${bytes} bytes, ${entries.length} entries (${entries.join(', ')})`);
}

module.exports = { buildPlugin, forbiddenIn, LIMITS, OUTPUT };
