import { Workflow, type INode, type INodeProperties, type INodeTypes } from 'n8n-workflow';

import { FieldServiceToken } from '../../nodes/FieldServiceToken/FieldServiceToken.node';

const { description } = new FieldServiceToken();

describe('the node description', () => {
	it('declares what n8n and its community package scanner look for', () => {
		expect(description).toMatchObject({
			name: 'fieldServiceToken',
			displayName: 'Field Service Token',
			credentials: [
				{ name: 'idcsOAuth2Api', required: true, displayOptions: { hide: { operation: ['getFieldServiceToken'] } } },
				{
					name: 'oracleFieldServiceApi',
					required: true,
					displayOptions: { show: { operation: ['getFieldServiceToken'] } },
				},
			],
			icon: { light: 'file:fieldServiceToken.svg', dark: 'file:fieldServiceToken.dark.svg' },
		});
		// Not offered to AI Agents: a tool's output, here an access token, goes to the model's provider.
		expect(Object.hasOwn(description, 'usableAsTool')).toBe(true);
		expect(description.usableAsTool).toBeUndefined();
		const operation = description.properties.find((p) => p.name === 'operation')!;
		expect(operation.default).toBe('refreshAccessToken');
		expect(operation.options?.map((o) => (o as { value: string }).value)).toEqual([
			'buildAuthorizationRequest',
			'exchangeAuthorizationCode',
			'getClientCredentialsToken',
			'getFieldServiceToken',
			'getUserAssertionToken',
			'refreshAccessToken',
		]);
	});

	// The tooltip speaks of a refresh token or code only where the request spends one.
	it.each([
		[
			'refreshAccessToken',
			/^How long the whole call to the IDCS token endpoint .* IDCS may already have used its refresh token\.$/,
		],
		[
			'exchangeAuthorizationCode',
			/^How long the whole call to the IDCS token endpoint .* IDCS may already have used its authorization code\.$/,
		],
		[
			'getClientCredentialsToken',
			/^How long the whole call to the IDCS token endpoint .*; running the workflow again is safe\.$/,
		],
		[
			'getUserAssertionToken',
			/^How long the whole call to the IDCS token endpoint .*; running the workflow again is safe\.$/,
		],
		[
			'getFieldServiceToken',
			/^How long the whole call to Field Service's token service .*; running the workflow again is safe\.$/,
		],
	])(
		'offers %s a Timeout of 1 to 300 seconds, 30 by default, with a tooltip for that operation',
		(operation, tooltip) => {
			const options = description.properties.find(
				(p) => p.name === 'options' && p.displayOptions?.show?.operation?.includes(operation),
			)!;
			const timeout = (options.options as INodeProperties[]).find((o) => o.name === 'timeoutSeconds');
			expect(timeout).toMatchObject({
				type: 'number',
				default: 30,
				typeOptions: { minValue: 1, maxValue: 300 },
				description: expect.stringMatching(tooltip),
			});
		},
	);

	it.each([
		['refreshAccessToken', 'Refresh Access Token'],
		['exchangeAuthorizationCode', 'Exchange Authorization Code'],
		['buildAuthorizationRequest', 'Build Authorization Request'],
		['getClientCredentialsToken', 'Get Client Credentials Token'],
		['getUserAssertionToken', 'Get User Assertion Token'],
		['getFieldServiceToken', 'Get Field Service Token'],
	])('shows the operation %s on the canvas as "%s"', (operation, label) => {
		const node: INode = {
			id: '1',
			name: 'Token',
			type: 'fieldServiceToken',
			typeVersion: 1,
			position: [0, 0],
			parameters: { operation },
		};
		const nodeTypes = { getByNameAndVersion: () => new FieldServiceToken() } as unknown as INodeTypes;
		const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
		expect(workflow.expression.getSimpleParameterValue(node, description.subtitle!, 'internal', {})).toBe(label);
	});
});
