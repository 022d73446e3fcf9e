import { Workflow, type ICredentialType, type INodeProperties, type INodeTypes } from 'n8n-workflow';

/** Resolves a credential's hidden fields the way n8n does: its expressions, with $self = the data. */
export async function hiddenFields(credential: ICredentialType, data: Record<string, string>) {
	const nodeTypes = {
		getByName: () => ({ description: { properties: [] } }),
		getByNameAndVersion: () => ({ description: { properties: [] } }),
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
	const workflow = new Workflow({
		nodes: [{ id: '1', name: 'credential', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} }],
		connections: {},
		active: false,
		nodeTypes,
	});
	const expression = workflow.expression as unknown as {
		acquireIsolate?: () => Promise<void>;
		releaseIsolate?: () => Promise<void>;
	};
	await expression.acquireIsolate?.();
	try {
		const fields: Record<string, unknown> = {};
		for (const property of credential.properties.filter((p: INodeProperties) => p.type === 'hidden')) {
			fields[property.name] = workflow.expression.getParameterValue(
				property.default as string,
				null,
				0,
				0,
				'credential',
				[],
				'internal',
				{},
				undefined,
				false,
				data,
			);
		}
		return fields;
	} finally {
		await expression.releaseIsolate?.();
	}
}
