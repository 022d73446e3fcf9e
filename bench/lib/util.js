// Small helpers shared by the bench sections: statistics, formatting, the machine, and the local
// IDCS admin calls made robust against a keep-alive socket the server closed meanwhile.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const QUICK = /^(1|true|yes)$/i.test(process.env.BENCH_QUICK ?? '');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function quantile(values, q) {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const pos = (sorted.length - 1) * q;
	const lo = Math.floor(pos);
	const hi = Math.ceil(pos);
	return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
const median = (values) => quantile(values, 0.5);

/** 1234.5 -> "1,234.5"; fixed decimals. */
function num(value, decimals = 0) {
	if (value === undefined || value === null || Number.isNaN(value)) return 'n/a';
	return Number(value).toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** A duration in ms, in the unit that reads best. */
function ms(value) {
	if (value === undefined || Number.isNaN(value)) return 'n/a';
	if (value < 1) return `${num(value * 1000, 0)} µs`;
	if (value < 100) return `${num(value, 2)} ms`;
	if (value < 10_000) return `${num(value, 0)} ms`;
	return `${num(value / 1000, 1)} s`;
}

/** A ratio as "×12.3" (or "×0.05"). */
function ratio(value) {
	if (value === undefined || !Number.isFinite(value)) return 'n/a';
	if (value >= 100) return `×${num(value, 0)}`;
	if (value >= 10) return `×${num(value, 1)}`;
	if (value >= 0.1) return `×${num(value, 2)}`;
	return `×${num(value, 3)}`;
}

const mib = (bytes) => `${num(bytes / 1024 / 1024, 1)} MiB`;

/** A markdown table from a header row and rows (arrays of cells). */
function table(header, rows, align) {
	const esc = (cell) => String(cell).replace(/\|/g, '\\|');
	const lines = [`| ${header.map(esc).join(' | ')} |`];
	lines.push(`|${header.map((_, i) => ((align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'r' ? '---:' : '---')).join('|')}|`);
	for (const row of rows) lines.push(`| ${row.map(esc).join(' | ')} |`);
	return lines.join('\n');
}

function packageVersion(dir) {
	try {
		return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
	} catch {
		return undefined;
	}
}

/** CPU, cores, memory, OS, Node; versions of n8n-core / n8n-workflow this repository tests with. */
function machine() {
	const cpus = os.cpus();
	return {
		cpu: cpus[0]?.model?.trim() ?? 'unknown',
		cores: cpus.length,
		memory: `${num(os.totalmem() / 1024 ** 3, 1)} GiB`,
		os: `${os.type()} ${os.release()} (${os.arch()})`,
		node: process.version,
		n8nCore: packageVersion(path.join(REPO_ROOT, 'node_modules', 'n8n-core')),
		n8nWorkflow: packageVersion(path.join(REPO_ROOT, 'node_modules', 'n8n-workflow')),
		packageVersion: packageVersion(REPO_ROOT),
		date: new Date().toISOString(),
	};
}

/** Retries fn once or twice when a kept-alive socket was closed by the server (UND_ERR_SOCKET). */
async function retrySocket(fn, attempts = 3) {
	for (let attempt = 1; ; attempt++) {
		try {
			return await fn();
		} catch (error) {
			const code = error?.cause?.code ?? error?.code;
			if (attempt >= attempts || !/UND_ERR_SOCKET|ECONNRESET|EPIPE/.test(String(code))) throw error;
			await sleep(50);
		}
	}
}

/** GET/POST on a local IDCS's /__admin/ routes. */
async function admin(issuer, route, body) {
	return retrySocket(async () => {
		const response = await fetch(`${issuer}/__admin/${route}`, {
			method: body === undefined ? 'GET' : 'POST',
			headers: body === undefined ? undefined : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		if (!response.ok) throw new Error(`local IDCS admin ${route}: HTTP ${response.status} ${await response.text()}`);
		return response.json();
	});
}

/** Token-endpoint counts of a local IDCS's stats: calls, ok, invalid_grant, other failures. */
function tokenCounts(stats) {
	const outcomes = stats.token.byOutcome ?? {};
	const ok = outcomes.ok ?? 0;
	const invalidGrant = outcomes.invalid_grant ?? 0;
	return { calls: stats.token.total, ok, invalidGrant, otherErrors: stats.token.total - ok - invalidGrant };
}

/**
 * The refresh_token grant as a client would post it by hand with fetch (Basic header for the
 * `basic` client). Resolves { status, json, ms }.
 */
async function postRefreshGrant(tokenUrl, client, refreshToken) {
	const headers = { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' };
	const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
	if (client.authMethod === 'client_secret_basic') {
		headers.authorization = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
	} else {
		body.set('client_id', client.clientId);
		if (client.clientSecret) body.set('client_secret', client.clientSecret);
	}
	const response = await fetch(tokenUrl, { method: 'POST', headers, body });
	return { status: response.status, json: await response.json() };
}

module.exports = {
	REPO_ROOT,
	QUICK,
	sleep,
	quantile,
	median,
	num,
	ms,
	ratio,
	mib,
	table,
	machine,
	packageVersion,
	retrySocket,
	admin,
	tokenCounts,
	postRefreshGrant,
};
