// Once per `npm run test:e2e`: n8n in the cache, the package built and packed, and a template n8n user
// folder with the package installed, which each test file copies. Each file's fixture
// (test/e2e/fixtures/<file>.js) gets its own local IDCS here, kept running until globalTeardown, and
// its credentials and workflows; all of them are imported into the template with one
// `n8n import:credentials` and one `n8n import:workflow` (each n8n command is a new n8n process,
// about 5 s of one core): two commands instead of two per file.
const fs = require('fs');
const os = require('os');
const path = require('path');

const n8n = require('../../scripts/n8n');
const local = require('../../scripts/local-idcs');
const reaper = require('../../scripts/services/reaper');

const FIXTURES = path.join(__dirname, 'fixtures');

/** Starts the fixture's local IDCS (on ports reserved for it) and resolves what it imports and keeps. */
async function prepareFixture(name) {
	const fixture = require(path.join(FIXTURES, `${name}.js`));
	const ports = {};
	for (const port of fixture.ports ?? []) ports[port] = await n8n.freePort();
	const idcs = await local.startIdcs(fixture.idcs?.({ ports }) ?? {});
	globalThis.__FST_E2E_IDCS__.push(idcs);
	reaper.guardProcess(idcs.process.pid);
	const { credentials = [], workflows = [], context = {} } = await fixture.prepare({ idcs, ports });
	return { name, credentials, workflows, kept: { idcs: idcs.ready, ports, context } };
}

module.exports = async () => {
	const started = Date.now();
	process.stderr.write('\n');
	await n8n.ensureN8n();
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fst-e2e-'));
	globalThis.__FST_E2E_DIR__ = workDir;
	globalThis.__FST_E2E_IDCS__ = [];
	const names = fs
		.readdirSync(FIXTURES)
		.filter((file) => file.endsWith('.js'))
		.map((file) => path.basename(file, '.js'))
		.sort();
	// The fixtures' local IDCS instances start while the package is built and installed.
	const [fixtures, tarball] = await Promise.all([
		Promise.all(names.map(prepareFixture)),
		n8n.buildAndPack(path.join(workDir, 'pack')),
	]);
	const template = n8n.userFolder(path.join(workDir, 'template'));
	await n8n.installPackage(template, tarball);
	const credentials = fixtures.flatMap((f) => f.credentials);
	const workflows = fixtures.flatMap((f) => f.workflows);
	const output = (result) => `${result.stdout}\n${result.stderr}`;
	// One command for every fixture's credentials, one for their workflows; the first n8n command on a
	// folder creates and migrates its database.
	const imports = {
		credentials: output(await n8n.importCredentials(template, credentials)),
		workflows: output(await n8n.importWorkflows(template, workflows)),
	};
	// A file, not the environment: it holds the fixtures' secrets, and n8n's processes inherit the environment.
	const prepared = path.join(workDir, 'prepared.json');
	const kept = {
		fixtures: Object.fromEntries(fixtures.map((f) => [f.name, f.kept])),
		imported: { credentials: credentials.map((c) => [c.id, c.type]), workflows: workflows.map((w) => w.id) },
		imports,
	};
	fs.writeFileSync(prepared, JSON.stringify(kept), { mode: 0o600 });
	n8n.log(
		`e2e setup ready in ${Math.round((Date.now() - started) / 1000)} s: ${names.length} fixtures, ${credentials.length} credentials and ${workflows.length} workflows imported: ${workDir}`,
	);
	process.env.FST_E2E = JSON.stringify({ workDir, template: template.dir, tarball, prepared });
};
