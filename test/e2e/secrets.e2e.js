// A revoked refresh token, and what n8n keeps of it: the documented invalid_grant message, and no
// client secret or refresh token in n8n's database (executions included) or in the CLI's output.
// This user folder runs nothing that outputs a refresh token by design (the "From a Field" source
// returns the rotated one as refresh_token on success), so any refresh token found here is a leak.
const path = require('path');

const {
	n8n,
	TOKEN_NODE,
	MESSAGES,
	prepared,
	preparation,
	envWithRefreshToken,
	expectSuccess,
	filesUnder,
	findSecrets,
} = require('./helpers');

let idcs;
let folder;
let connected;
const cliOutput = {}; // name -> stdout + stderr of every n8n command this file runs, and of globalSetup's imports
const minted = [];
let accessTokenOutput; // the successful run's access token: output by design, so stored with the execution

async function execute(name, workflowId, options) {
	const result = await n8n.executeWorkflow(folder, workflowId, options);
	cliOutput[name] = `${result.stdout}\n${result.stderr}`;
	return result;
}

beforeAll(() => {
	({ idcs, folder, connected } = prepared('secrets'));
	minted.push(connected.oauthTokenData.refresh_token);
	// globalSetup imported every file's credentials and workflows, this file's among them, in one command each.
	const { imports } = preparation();
	cliOutput.importCredentials = imports.credentials;
	cliOutput.importWorkflows = imports.workflows;
});

test('credential source: after the refresh token n8n stored is revoked, the execution fails with the invalid_grant message', async () => {
	const first = await execute('credential ok', 'secretsCredFlow1');
	expectSuccess(first);
	accessTokenOutput = first.output(TOKEN_NODE)[0].access_token;
	const requests = await idcs.tokenRequests();
	const stored = requests[requests.length - 1].response.refresh_token; // what n8n saved into the credential
	await idcs.revoke(stored);

	const result = await execute('credential revoked', 'secretsCredFlow1');

	expect(result.ok).toBe(false);
	// n8n exits 1, or dies by SIGSEGV while exiting after it printed the failed run (see executeWorkflow).
	expect([
		[1, null],
		[null, 'SIGSEGV'],
	]).toContainEqual([result.code, result.signal]);
	expect(result.error.message).toBe(MESSAGES.invalid_grant);
	expect(result.error.node.name).toBe(TOKEN_NODE);
	const last = (await idcs.tokenRequests()).pop();
	expect(last.body.refresh_token).toBe(stored);
	expect(last.outcome).toBe('invalid_grant');
});

test('refresh token by field: a revoked one fails the execution with the invalid_grant message', async () => {
	const refreshToken = await idcs.mintRefreshToken('basic');
	minted.push(refreshToken);
	await idcs.revoke(refreshToken);

	const result = await execute('field revoked', 'secretsFieldFlow', { env: envWithRefreshToken(refreshToken) });

	expect(result.ok).toBe(false);
	expect(result.error.message).toBe(MESSAGES.invalid_grant);
	const last = (await idcs.tokenRequests()).pop();
	expect(last.body.refresh_token).toBe(refreshToken);
	expect(last.outcome).toBe('invalid_grant');
});

test("no client secret and no refresh token in n8n's database files, its other files or the CLI output", async () => {
	const requests = await idcs.tokenRequests();
	const refreshTokens = [
		...minted,
		...requests.map((r) => r.response?.refresh_token),
		...requests.map((r) => r.body?.refresh_token),
	].filter(Boolean);
	// Issued by the local IDCS here: the Connect stand-in's, the successful run's, and the revoked ones.
	expect(new Set(refreshTokens).size).toBeGreaterThanOrEqual(4);
	const secrets = [idcs.clients.basic.clientSecret, ...refreshTokens];

	const databaseFiles = folder.databaseFiles();
	expect(databaseFiles.map((file) => path.basename(file))).toContain('database.sqlite');
	// Everything in the user folder except the installed package (and the encryption key file).
	const files = filesUnder(folder.dir, [path.join(folder.n8nDir, 'nodes')]);

	// The search looks where n8n keeps executions: the failed runs' error message and the successful
	// run's output (its access token) are found there, byte for byte.
	expect(findSecrets([MESSAGES.invalid_grant], { files: databaseFiles }).length).toBeGreaterThan(0);
	expect(findSecrets([accessTokenOutput], { files: databaseFiles }).length).toBeGreaterThan(0);

	expect(findSecrets(secrets, { files, texts: cliOutput })).toEqual([]);
});
