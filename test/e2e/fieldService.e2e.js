// The Field Service node in real n8n, installed as a community package: one workflow whose Manual
// Trigger feeds one Field Service node per way to a token (the connected IDCS credential, IDCS client
// credentials with either credential, Field Service's token service, Basic), each listing the resources, and one more listing
// 31 days of activities with Return All. One execution: every way works in n8n, paging runs by Field
// Service's rules, and no token or secret is in the output, n8n's database or its log.
const fs = require('fs');
const path = require('path');

const { n8n, prepared, expectSuccess, findSecrets, filesUnder } = require('./helpers');

const { WORKFLOW_ID, WAYS, ACTIVITIES } = require('./fixtures/fieldService');

let idcs;
let folder;
let fieldService;
let connected;

beforeAll(async () => {
	({ idcs, folder, fieldService, connected } = prepared('fieldService'));
	await idcs.clearRequests();
});

test('every way to a token lists the resources; 31 days of activities page by 100; nothing secret anywhere', async () => {
	const result = await n8n.executeWorkflow(folder, WORKFLOW_ID);
	expectSuccess(result);
	for (const way of Object.keys(WAYS)) {
		expect(result.output(way).map((r) => r.resourceId)).toEqual(['FS-DISPATCH-01', 'FS-TECH-0042']);
	}
	const activities = result.output(ACTIVITIES);
	expect(activities).toHaveLength(1550);
	expect(new Set(activities.map((a) => a.activityId)).size).toBe(1550);

	// Tokens: the connected credential's stored token (no refresh), a client credentials token from IDCS
	// for each of the two credentials, one from Field Service's token service; Basic needs none.
	const tokenRequests = await idcs.tokenRequests();
	expect(tokenRequests.map((r) => [r.grantType, r.clientId, r.status]).sort()).toEqual(
		[
			['client_credentials', idcs.clients.service.clientId, 200],
			['client_credentials', idcs.clients.servicePost.clientId, 200],
		].sort(),
	);
	const issuedByFieldService = (await (await fetch(`${idcs.issuer}/__admin/field-service`)).json()).requests;
	expect(issuedByFieldService.map((r) => [r.grantType, r.status])).toEqual([['client_credentials', 200]]);
	const log = await idcs.ofsRequests();
	const activityPages = log.filter((e) => e.path === '/rest/ofscCore/v1/activities');
	expect(activityPages.map((e) => [e.query.offset, e.query.limit, e.status])).toEqual(
		Array.from({ length: 16 }, (_, i) => [String(i * 100), '100', 200]),
	);
	// One request each: every way's token worked at once.
	expect(log.filter((e) => e.path === '/rest/ofscCore/v1/resources').map((e) => e.status)).toEqual(
		Object.keys(WAYS).map(() => 200),
	);

	const basic = Buffer.from(`${fieldService.clientId}@${fieldService.instance}:${fieldService.clientSecret}`).toString(
		'base64',
	);
	const secrets = [
		connected.oauthTokenData.access_token,
		connected.oauthTokenData.refresh_token,
		connected.clientSecret,
		idcs.clients.service.clientSecret,
		idcs.clients.servicePost.clientSecret,
		...tokenRequests.map((r) => r.response.access_token),
		fieldService.clientSecret,
		basic,
	];
	expect(secrets.every((secret) => typeof secret === 'string' && secret.length >= 8)).toBe(true);
	const n8nDir = path.join(folder.dir, '.n8n');
	expect(
		findSecrets(secrets, {
			files: filesUnder(n8nDir, [path.join(n8nDir, 'nodes')]),
			texts: {
				'workflow output': JSON.stringify(result.run.data.resultData.runData),
				stdout: result.stdout,
				stderr: result.stderr,
			},
		}),
	).toEqual([]);
	expect(fs.existsSync(path.join(n8nDir, 'database.sqlite'))).toBe(true);
});
