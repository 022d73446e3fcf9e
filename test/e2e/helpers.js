// Shared by the e2e files: what globalSetup prepared for each file (its local IDCS, and a user folder
// holding its credentials and workflows), the workflow builders, and a search for secrets in files.
const fs = require('fs');
const path = require('path');

const n8n = require('../../scripts/n8n');
const local = require('../../scripts/local-idcs');

const settings = JSON.parse(process.env.FST_E2E ?? 'null');
if (!settings)
	throw new Error('FST_E2E is not set: run these tests with `npm run test:e2e` (its globalSetup prepares n8n)');

const MESSAGES = {
	invalid_grant:
		'The refresh token or authorization code was rejected: it is expired, revoked or already used (invalid_grant)',
	invalid_client: 'IDCS did not accept the client credentials (invalid_client)',
};

const builders = require('./builders');

/** A copy of the template user folder (package installed, every file's credentials and workflows imported). */
const newUserFolder = () => n8n.copyUserFolder(n8n.userFolder(settings.template), settings.workDir, 'user-');

/** What globalSetup wrote: per fixture its local IDCS's ready line, ports and context; the import output. */
const preparation = () => JSON.parse(fs.readFileSync(settings.prepared, 'utf8'));

/**
 * The part of globalSetup's work that belongs to the file whose fixture is test/e2e/fixtures/<name>.js:
 * { idcs (its local IDCS, see attachIdcs), folder (a copy of the template), ports, ...its context }.
 */
function prepared(name) {
	const fixture = preparation().fixtures[name];
	if (!fixture) throw new Error(`no fixture ${name} was prepared (test/e2e/fixtures/${name}.js)`);
	return { idcs: local.attachIdcs(fixture.idcs), folder: newUserFolder(), ports: fixture.ports, ...fixture.context };
}

/** Every file under `dir` (recursively), but not below any of `skip` (absolute paths). */
function filesUnder(dir, skip = []) {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (skip.includes(full)) return [];
		if (entry.isDirectory()) return filesUnder(full, skip);
		return entry.isFile() ? [full] : [];
	});
}

/** [{ file, secret }] for each secret found, byte for byte, in one of the files or texts. */
function findSecrets(secrets, { files = [], texts = {} }) {
	const found = [];
	const wanted = [...new Set(secrets.filter((s) => typeof s === 'string' && s.length >= 8))];
	for (const file of files) {
		const bytes = fs.readFileSync(file);
		for (const secret of wanted) if (bytes.includes(Buffer.from(secret, 'utf8'))) found.push({ file, secret });
	}
	for (const [name, text] of Object.entries(texts)) {
		for (const secret of wanted) if (text.includes(secret)) found.push({ file: name, secret });
	}
	return found;
}

/** A short description of a failed execution, for assertion messages. */
const describeRun = (result) =>
	`exit ${result.code ?? result.signal} after ${result.ms} ms, status ${result.run?.status}; error: ${result.error?.message ?? '(none)'}\n` +
	`stderr: ${result.stderr.slice(-1500)}\nstdout: ${result.stdout.slice(-1500)}`;

/** Fails the test with n8n's own words when an execution did not succeed. */
function expectSuccess(result) {
	if (!result.ok) throw new Error(`the execution failed: ${describeRun(result)}`);
}

module.exports = {
	...builders,
	expectSuccess,
	settings,
	n8n,
	local,
	MESSAGES,
	newUserFolder,
	prepared,
	preparation,
	filesUnder,
	findSecrets,
	describeRun,
};
