// Section 7: listing 10,000 activities in real n8n (the package installed as a community package, one
// `n8n execute` per run), two ways, side by side in one run:
//   (f) the Field Service node: Get Many activities, Return All; it gets its token itself;
//   (h) Field Service Token (Get Client Credentials Token) in front of n8n's HTTP Request node with its
//       own pagination (offset from the last answer, done when hasMore is false) and a Split Out node that
//       makes each activity an item, as users build it today.
// Both with the same IDCS application (client credentials) against the local OFS stand-in, whose Get
// activities pages by Field Service's rules (limit at most 100). Counted from the stand-in's logs: token
// calls and requests to Field Service; timed from n8n's own run data (the nodes' execution time).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const n8n = require('../scripts/n8n');
const local = require('../scripts/local-idcs');
const wf = require('../scripts/workflows');
const { median } = require('./lib/util');

const RANGE = { dateFrom: '2026-12-01', dateTo: '2026-12-31' };
const CREDENTIAL_ID = 'benchListCred001';

/** How many activities the stand-in needs so that December (31 of its 60 days) holds `wanted`. */
function standInActivities(wanted) {
	const perCycle = Math.floor(wanted / 31);
	return 60 * perCycle + (wanted - 31 * perCycle);
}

/** Manual Trigger, then `nodes` one after the other. */
const workflow = (id, nodes) =>
	wf.chain(id, `bench ${id}`, [
		{ name: 'Manual Trigger', type: 'n8n-nodes-base.manualTrigger', position: [0, 0], parameters: {} },
		...nodes,
	]);

const credentials = { [n8n.CREDENTIAL_TYPE]: { id: CREDENTIAL_ID, name: CREDENTIAL_ID } };

function fieldServiceWorkflow(ofsBaseUrl) {
	return workflow('benchListFsNode1', [
		{
			id: 'fs',
			name: 'Field Service',
			type: `${n8n.PACKAGE_NAME}.fieldService`,
			typeVersion: 1,
			position: [240, 0],
			parameters: {
				authentication: 'idcsClientCredentials',
				instanceUrl: ofsBaseUrl,
				resource: 'activity',
				operation: 'getMany',
				resources: 'FS-TECH-0042',
				...RANGE,
				returnAll: true,
			},
			credentials,
		},
	]);
}

function httpRequestWorkflow(ofsBaseUrl) {
	return workflow('benchListHttpRq1', [
		{
			id: 'token',
			name: 'Field Service Token',
			type: n8n.NODE_TYPE,
			typeVersion: 1,
			position: [240, 0],
			parameters: { operation: 'getClientCredentialsToken' },
			credentials,
		},
		{
			id: 'http',
			name: 'HTTP Request',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			position: [480, 0],
			parameters: {
				method: 'GET',
				url: `${ofsBaseUrl}/rest/ofscCore/v1/activities`,
				sendQuery: true,
				queryParameters: {
					parameters: [
						{ name: 'resources', value: 'FS-TECH-0042' },
						{ name: 'dateFrom', value: RANGE.dateFrom },
						{ name: 'dateTo', value: RANGE.dateTo },
						{ name: 'limit', value: '100' },
					],
				},
				sendHeaders: true,
				headerParameters: { parameters: [{ name: 'Authorization', value: '={{ $json.authorization }}' }] },
				options: {
					pagination: {
						pagination: {
							paginationMode: 'updateAParameterInEachRequest',
							parameters: {
								parameters: [
									{
										type: 'qs',
										name: 'offset',
										value: '={{ $response.body.offset + $response.body.items.length }}',
									},
								],
							},
							paginationCompleteWhen: 'other',
							completeExpression: '={{ !$response.body.hasMore }}',
						},
					},
				},
			},
		},
		{
			id: 'split',
			name: 'Split Out',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [720, 0],
			parameters: { fieldToSplitOut: 'items', options: {} },
		},
	]);
}

/** Runs one workflow with `n8n execute`; what the stand-in saw and what n8n recorded. */
async function measure(folder, idcs, id, nodeNames, log) {
	await idcs.clearRequests();
	let result = await n8n.executeWorkflow(folder, id, { timeoutMs: 600_000 });
	if (!result.ok && !result.run) {
		// n8n now and then dies while exiting (scripts/n8n/cli.js); a run it did not print is run once more, and logged.
		log(`n8n printed no run for ${id} (exit ${result.code ?? result.signal}); running it once more`);
		await idcs.clearRequests();
		result = await n8n.executeWorkflow(folder, id, { timeoutMs: 600_000 });
	}
	if (!result.ok)
		throw new Error(
			`bench workflow ${id} failed (exit ${result.code ?? result.signal}, ${result.stdout.length} bytes out): ${result.error?.message ?? ''} ${result.stderr.slice(-800)} ${result.stdout.slice(-400)}`,
		);
	const runData = result.run.data.resultData.runData;
	const last = nodeNames[nodeNames.length - 1];
	const out = result.output(last);
	const activities = out.reduce((sum, item) => sum + (Array.isArray(item.items) ? item.items.length : 1), 0);
	const ofs = await idcs.ofsRequests();
	return {
		tokenCalls: (await idcs.tokenRequests()).length,
		requests: ofs.length,
		pageSizes: [...new Set(ofs.map((e) => e.query.limit))],
		items: out.length,
		activities,
		nodeMs: nodeNames.reduce((sum, name) => sum + runData[name].reduce((s, r) => s + r.executionTime, 0), 0),
		executionMs: Date.parse(result.run.stoppedAt) - Date.parse(result.run.startedAt),
	};
}

async function listing({ activities = 10_000, rounds = 3, log, registerCleanup }) {
	await n8n.ensureN8n();
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fst-bench-listing-'));
	registerCleanup(async () => fs.rmSync(work, { recursive: true, force: true }));
	const tarball = await n8n.buildAndPack(path.join(work, 'pack'));
	const folder = n8n.userFolder(path.join(work, 'user'));
	await n8n.installPackage(folder, tarball);
	const idcs = await local.startIdcs({ activities: standInActivities(activities) });
	registerCleanup(() => idcs.stop());
	const { service } = idcs.clients;
	await n8n.importCredentials(
		folder,
		local.credential(CREDENTIAL_ID, CREDENTIAL_ID, {
			domainUrl: idcs.issuer,
			clientId: service.clientId,
			clientSecret: service.clientSecret,
			resourceScope: local.RESOURCE_SCOPE,
			authentication: 'header',
		}),
	);
	const fieldService = fieldServiceWorkflow(idcs.ofsBaseUrl);
	const httpRequest = httpRequestWorkflow(idcs.ofsBaseUrl);
	await n8n.importWorkflows(folder, [fieldService, httpRequest]);

	const runs = { fieldService: [], httpRequest: [] };
	for (let round = 1; round <= rounds; round++) {
		// Each round, both; the order alternates so that neither always runs on a warmer machine.
		const order = round % 2 ? ['fieldService', 'httpRequest'] : ['httpRequest', 'fieldService'];
		for (const key of order) {
			const run =
				key === 'fieldService'
					? await measure(folder, idcs, fieldService.id, ['Field Service'], log)
					: await measure(folder, idcs, httpRequest.id, ['Field Service Token', 'HTTP Request', 'Split Out'], log);
			runs[key].push(run);
			log(
				`round ${round} ${key}: ${run.activities} activities in ${run.items} items, ${run.requests} requests, ${run.tokenCalls} token call(s), nodes ${Math.round(run.nodeMs)} ms, execution ${run.executionMs} ms`,
			);
		}
	}
	const summary = (list) => ({
		tokenCalls: median(list.map((r) => r.tokenCalls)),
		requests: median(list.map((r) => r.requests)),
		items: list[0].items,
		activities: list[0].activities,
		pageSizes: list[0].pageSizes,
		nodeMs: median(list.map((r) => r.nodeMs)),
		executionMs: median(list.map((r) => r.executionMs)),
	});
	return { activities, rounds, runs, fieldService: summary(runs.fieldService), httpRequest: summary(runs.httpRequest) };
}

module.exports = listing;

// `node bench/listing.js`: this section alone (BENCH_QUICK=1: 2,000 activities), its table on stdout.
if (require.main === module) {
	const { QUICK } = require('./lib/util');
	require('./lib/alone').runAlone('listing', async ({ log, registerCleanup }) =>
		require('./report').listingSection(
			await listing({ activities: QUICK ? 2_000 : 10_000, rounds: 3, log, registerCleanup }),
		),
	);
}
