// `npm start` as a user meets it (scripts/start.js, in a user folder of its own): it prints a sign-in
// URL that opens the example workflow, and a restart keeps the user's edits of that workflow
// (`--reset-example` imports it anew). The workflow is read and edited through n8n's REST API, as the
// editor does, with the login npm start prints, while npm start runs.
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const readline = require('readline');

const { n8n, local, settings } = require('./helpers');

const START = path.join(__dirname, '..', '..', 'scripts', 'start.js');
let dir;

beforeAll(() => {
	dir = fs.mkdtempSync(path.join(settings.workDir, 'start-'));
});

/**
 * Runs `npm start`'s script until it says it is ready, then `whileRunning({ printed, url, cookie })` with
 * the editor's address and a login by the printed account, then Ctrl-C. Resolves { printed, value } (what
 * whileRunning resolved).
 */
function startOnce(args, whileRunning) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [START, ...args], {
			env: { ...process.env, FST_DEMO_USER_DIR: dir },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const lines = [];
		let stderr = '';
		let value;
		let failure;
		child.stderr.on('data', (chunk) => (stderr += chunk));
		readline.createInterface({ input: child.stdout }).on('line', async (line) => {
			lines.push(line);
			if (!line.startsWith('Ctrl-C stops')) return;
			const printed = lines.join('\n');
			try {
				const url = new URL(printed.match(/^ {2}Editor: +(\S+)$/m)[1]).origin;
				const [, email, password] = printed.match(/^ {2}Log in: +(\S+) \/ (\S+)/m);
				value = await whileRunning({ printed, url, cookie: await n8n.login(url, { email, password }) });
			} catch (error) {
				failure = error;
			}
			child.kill('SIGINT');
		});
		child.once('error', reject);
		child.once('exit', (code, signal) => {
			const printed = lines.join('\n');
			if (!printed.includes('Ctrl-C stops'))
				reject(new Error(`npm start exited (${code ?? signal}):\n${printed}\n${stderr.slice(-3000)}`));
			else if (failure) reject(failure);
			else resolve({ printed, value });
		});
	});
}

const workflowId = () => local.exampleWorkflow().id;

/** The example workflow as n8n stores it (GET /rest/workflows/:id). */
const storedWorkflow = ({ url, cookie }) => n8n.restWorkflow(url, cookie, workflowId());

/** Renames the example workflow as the editor saves it (PATCH /rest/workflows/:id). */
async function rename({ url, cookie }, name) {
	const { versionId } = await storedWorkflow({ url, cookie });
	const response = await n8n.n8nFetch(`${url}/rest/workflows/${workflowId()}`, {
		method: 'PATCH',
		headers: { cookie, 'content-type': 'application/json' },
		body: JSON.stringify({ name, versionId }),
	});
	if (!response.ok) throw new Error(`PATCH workflow: HTTP ${response.status} ${await response.text()}`);
}

test('prints a sign-in URL that opens the example workflow', async () => {
	const { printed, value: stored } = await startOnce([], async (server) => {
		const before = await storedWorkflow(server);
		// The user's edit, for the restart below.
		await rename(server, 'My edited example');
		return before;
	});
	expect(printed).toMatch(
		new RegExp(`^  Editor: +http://127\\.0\\.0\\.1:\\d+/signin\\?redirect=%2Fworkflow%2F${workflowId()}$`, 'm'),
	);
	expect(printed).not.toContain('Kept as you left it');
	expect(stored.name).toBe(local.exampleWorkflow().name);
});

test("a restart keeps the user's edits of the example workflow; --reset-example imports it anew", async () => {
	const kept = await startOnce([], storedWorkflow);
	expect(kept.printed).toContain('Kept as you left it: your edits survive a restart');
	expect(kept.printed).toMatch(/^ {2}Workflow: +\S+ +"My edited example"$/m);
	expect(kept.value.name).toBe('My edited example');

	const reset = await startOnce(['--reset-example'], storedWorkflow);
	expect(reset.printed).not.toContain('Kept as you left it');
	expect(reset.value.name).toBe(local.exampleWorkflow().name);
});
