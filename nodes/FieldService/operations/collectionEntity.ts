import type { INodeProperties } from 'n8n-workflow';

import { asItems, limitOf, requiredText, returnAllAndLimit, segment, showFor, type Operation } from './common';

/**
 * Get and Get Many of a Field Service collection whose members have an id in their path: resources
 * (/resources/{resourceId}) and users (/users/{login}).
 */
export function collectionEntity(entity: {
	resource: string;
	/** One of them, lower case: "resource". */
	singular: string;
	plural: string;
	path: string;
	idName: string;
	idLabel: string;
	placeholder: string;
}): { operations: INodeProperties; properties: INodeProperties[]; execute: Record<string, Operation> } {
	const operations: INodeProperties = {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: showFor(entity.resource),
		options: [
			{
				name: 'Get',
				value: 'get',
				action: `Get a ${entity.singular}`,
				description: `Get one ${entity.singular} by its ${entity.idLabel}`,
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: `Get many ${entity.plural}`,
				description: `List ${entity.plural}`,
			},
		],
		default: 'getMany',
	};
	const properties: INodeProperties[] = [
		{
			displayName: entity.idLabel,
			name: entity.idName,
			type: 'string',
			required: true,
			displayOptions: showFor(entity.resource, ['get']),
			default: '',
			placeholder: entity.placeholder,
		},
		...returnAllAndLimit(showFor(entity.resource, ['getMany'])),
	];
	const get: Operation = async ({ ctx, itemIndex, send }) => {
		const id = requiredText(ctx, entity.idName, entity.idLabel, itemIndex);
		return asItems((await send({ method: 'GET', path: `${entity.path}/${segment(id)}` })).body);
	};
	const getMany: Operation = async ({ ctx, itemIndex, list }) =>
		asItems((await list(entity.path, {}, limitOf(ctx, itemIndex))).items);
	return { operations, properties, execute: { get, getMany } };
}
