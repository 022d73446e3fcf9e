// `npm start` as a user meets it (scripts/start.js, in a user folder of its own): it prints a sign-in
// URL that opens the example workflow, and a restart keeps the user's edits of that workflow
// (`--reset-example` imports it anew).
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

/** Runs `npm start`'s script until it says it is ready, then Ctrl-C; resolves what it printed. */
function startOnce(args = []) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [START, ...args], {
			env: { ...process.env, FST_DEMO_USER_DIR: dir },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const lines = [];
		let stderr = '';
		child.stderr.on('data', (chunk) => (stderr += chunk));
		readline.createInterface({ input: child.stdout }).on('line', (line) => {
			lines.push(line);
			if (line.startsWith('Ctrl-C stops')) child.kill('SIGINT');
		});
		child.once('error', reject);
		child.once('exit', (code, signal) => {
			const printed = lines.join('\n');
			if (!printed.includes('Ctrl-C stops'))
				reject(new Error(`npm start exited (${code ?? signal}):\n${printed}\n${stderr.slice(-3000)}`));
			else resolve(printed);
		});
	});
}

const workflowId = () => local.exampleWorkflow().id;
const storedWorkflow = () => n8n.exportWorkflow(n8n.userFolder(dir), workflowId());

test('prints a sign-in URL that opens the example workflow', async () => {
	const printed = await startOnce();
	expect(printed).toMatch(
		new RegExp(`^  Editor: +http://127\\.0\\.0\\.1:\\d+/signin\\?redirect=%2Fworkflow%2F${workflowId()}$`, 'm'),
	);
	expect(printed).not.toContain('Kept as you left it');
	expect((await storedWorkflow()).name).toBe(local.exampleWorkflow().name);
});

test("a restart keeps the user's edits of the example workflow; --reset-example imports it anew", async () => {
	const edited = { ...(await storedWorkflow()), name: 'My edited example' };
	await n8n.importWorkflows(n8n.userFolder(dir), edited);

	const printed = await startOnce();
	expect(printed).toContain('Kept as you left it: your edits survive a restart');
	expect((await storedWorkflow()).name).toBe('My edited example');

	const reset = await startOnce(['--reset-example']);
	expect(reset).not.toContain('Kept as you left it');
	expect((await storedWorkflow()).name).toBe(local.exampleWorkflow().name);
});
