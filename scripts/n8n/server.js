// n8n's server (`n8n start`, and any other long-running n8n process) on a user folder: started in a
// process group of its own, tracked, its log kept; the editor's owner set-up, login and Publish.
'use strict';

const { spawn } = require('child_process');

const { freePort, sleep, stopProcess, track } = require('../processes');
const { n8nEnv } = require('./cli');
const { ensureN8n } = require('./install');

/**
 * fetch for requests to n8n, each on a connection of its own (`Connection: close`): a kept-alive connection
 * that n8n closes after 5 s idle, while the caller's process is busy, fails the next request with "other side
 * closed".
 */
const n8nFetch = (url, init = {}) => fetch(url, { ...init, headers: { ...init.headers, connection: 'close' } });

async function waitForHttp(url, { timeoutMs = 120_000, child } = {}) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child && (child.exitCode !== null || child.signalCode !== null))
			throw new Error(`n8n exited (${child.exitCode ?? child.signalCode}) before it answered ${url}`);
		try {
			const response = await n8nFetch(url, { signal: AbortSignal.timeout(2_000) });
			if (response.ok) return response;
		} catch {
			// not yet
		}
		await sleep(500);
	}
	throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/**
 * `n8n <args>` on `folder` as a long-running process, in a process group of its own (the task
 * runner n8n starts goes with it), tracked so that an exit or a signal stops it. Keeps the last
 * part of its log; `onLine` sees every line; `echo` streams it to our stderr. Resolves
 * { process, logs(), stop() }.
 */
async function spawnN8n(folder, args, { env = {}, echo = false, onLine, graceMs = 15_000 } = {}) {
	const { node, n8n } = await ensureN8n();
	const child = track(
		spawn(node, [n8n, ...args], {
			cwd: folder.dir,
			env: await n8nEnv(folder, env),
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		}),
		{ group: true },
	);
	let output = '';
	let partial = '';
	const collect = (chunk) => {
		output += chunk;
		if (output.length > 1_000_000) output = output.slice(-500_000);
		if (echo) process.stderr.write(chunk);
		if (onLine) {
			const lines = (partial + chunk).split('\n');
			partial = lines.pop();
			for (const line of lines) onLine(line);
		}
	};
	child.stdout.on('data', collect);
	child.stderr.on('data', collect);
	return { process: child, logs: () => output, stop: () => stopProcess(child, { graceMs }) };
}

/** What `n8n start` needs to serve the editor, the REST API and webhooks at http://127.0.0.1:<port>. */
function serverEnv(port) {
	const url = `http://127.0.0.1:${port}`;
	return {
		N8N_PORT: String(port),
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `${url}/`,
		WEBHOOK_URL: `${url}/`,
		// Plain http on loopback: a Secure cookie would not be sent back by every browser.
		N8N_SECURE_COOKIE: 'false',
	};
}

/** Waits until n8n's server at `url` is ready (`child` exiting first fails at once). */
async function waitForServer(url, { timeoutMs, child }) {
	// /rest/settings answers 200 "n8n is starting up" on a new database; readiness waits for real.
	await waitForHttp(`${url}/healthz/readiness`, { timeoutMs, child });
	await waitForHttp(`${url}/rest/settings`, { timeoutMs, child });
}

/**
 * `n8n start` on 127.0.0.1:<port> (a free port when none is given: suites run side by side, and a
 * preferred port would be chosen twice while the first n8n is still starting). Resolves
 * { url, port, process, logs(), stop() }. `echo` streams n8n's log to our stderr.
 */
async function startN8n(folder, { port, env = {}, echo = false, timeoutMs = 120_000 } = {}) {
	const chosen = port ?? (await freePort());
	const url = `http://127.0.0.1:${chosen}`;
	const n8n = await spawnN8n(folder, ['start'], { env: { ...serverEnv(chosen), ...env }, echo });
	const server = { url, port: chosen, ...n8n };
	try {
		await waitForServer(url, { timeoutMs, child: n8n.process });
	} catch (error) {
		await server.stop();
		throw new Error(`${error.message}\n${n8n.logs().slice(-4000)}`);
	}
	return server;
}

/**
 * Creates the instance owner through the editor's own first-run endpoint (POST /rest/owner/setup);
 * when an owner exists already, checks the login instead. Resolves 'created' or 'existing'.
 */
async function setupOwner(url, { email, password, firstName = 'Demo', lastName = 'Owner' }) {
	const settings = await (await n8nFetch(`${url}/rest/settings`)).json();
	if (settings.data?.userManagement?.showSetupOnFirstLoad) {
		const response = await n8nFetch(`${url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email, password, firstName, lastName }),
		});
		if (!response.ok) throw new Error(`owner setup: HTTP ${response.status} ${await response.text()}`);
		return 'created';
	}
	const login = await n8nFetch(`${url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: email, password }),
	});
	if (!login.ok)
		throw new Error(
			`this user folder has an owner already, and ${email} cannot log in with the demo password (HTTP ${login.status})`,
		);
	return 'existing';
}

/** POST /rest/login; resolves the Cookie header value (n8n-auth) for further REST calls. */
async function login(url, { email, password }) {
	const response = await n8nFetch(`${url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: email, password }),
	});
	if (!response.ok) throw new Error(`login as ${email}: HTTP ${response.status} ${await response.text()}`);
	return response.headers
		.getSetCookie()
		.map((line) => line.split(';')[0])
		.join('; ');
}

/** A workflow as a running n8n stores it (GET /rest/workflows/:id, as the editor reads it); `cookie` from login(). */
async function restWorkflow(url, cookie, id) {
	const response = await n8nFetch(`${url}/rest/workflows/${id}`, { headers: { cookie } });
	if (!response.ok) throw new Error(`workflow ${id}: HTTP ${response.status} ${await response.text()}`);
	return (await response.json()).data;
}

/**
 * Publishes workflows on a running n8n 2.x as its editor's Publish button does: the current version from
 * GET /rest/workflows/:id, then POST /rest/workflows/:id/activate with it; `cookie` from login(). A running
 * n8n registers their webhooks at once, where `n8n publish:workflow` is a process of its own (about 5 s of
 * one core) and takes effect at the next start.
 */
async function publishWorkflows(url, cookie, ids) {
	for (const id of ids) {
		const { versionId } = await restWorkflow(url, cookie, id);
		const answer = await n8nFetch(`${url}/rest/workflows/${id}/activate`, {
			method: 'POST',
			headers: { cookie, 'content-type': 'application/json' },
			body: JSON.stringify({ versionId }),
		});
		const text = await answer.text();
		if (!answer.ok) throw new Error(`publishing workflow ${id}: HTTP ${answer.status} ${text}`);
		const { active, activeVersionId } = JSON.parse(text).data;
		if (!active || activeVersionId !== versionId)
			throw new Error(
				`workflow ${id} is not published after POST /activate: ${JSON.stringify({ active, activeVersionId })}`,
			);
	}
}

/**
 * The editor's address that opens `pathname` once signed in: n8n's sign-in page takes ?redirect= (a
 * path on the same origin), and otherwise lands on its home page.
 */
const signInUrl = (serverUrl, pathname) => `${serverUrl}/signin?redirect=${encodeURIComponent(pathname)}`;

module.exports = {
	n8nFetch,
	waitForHttp,
	waitForServer,
	spawnN8n,
	serverEnv,
	startN8n,
	setupOwner,
	login,
	restWorkflow,
	publishWorkflows,
	signInUrl,
};
