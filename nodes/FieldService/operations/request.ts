import type { INodeProperties } from 'n8n-workflow';

import type { ApiRequest, QueryValue } from '../api';
import { asItems, jsonObject, limitOf, requiredText, returnAllAndLimit, showFor, type Operation } from './common';

const show = showFor('request');

export const operations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: show,
	options: [
		{
			name: 'Send',
			value: 'send',
			action: 'Send a request',
			description: 'Any Field Service REST request under the instance, with the token added',
		},
	],
	default: 'send',
};

export const properties: INodeProperties[] = [
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		displayOptions: show,
		options: ['DELETE', 'GET', 'PATCH', 'POST', 'PUT'].map((method) => ({ name: method, value: method })),
		default: 'GET',
	},
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		required: true,
		displayOptions: show,
		default: '/rest/ofscCore/v1/',
		placeholder: 'e.g. /rest/ofscCore/v1/resources/FS-TECH-0042/workSkills',
		description: 'The path under the instance, starting with /rest/',
	},
	{
		displayName: 'Query Parameters (JSON)',
		name: 'query',
		type: 'json',
		displayOptions: show,
		default: '{}',
		description: 'As a JSON object, for example {"fields": "resourceId,name"}',
	},
	{
		displayName: 'Body (JSON)',
		name: 'body',
		type: 'json',
		displayOptions: { show: { ...show.show, method: ['POST', 'PATCH', 'PUT'] } },
		default: '{}',
	},
	{
		displayName: 'Page Through Collection',
		name: 'paginate',
		type: 'boolean',
		displayOptions: { show: { ...show.show, method: ['GET'] } },
		default: false,
		description:
			'Whether the answer is a collection (items, offset, limit) to page through; each item becomes an n8n item',
	},
	...returnAllAndLimit({ show: { ...show.show, method: ['GET'], paginate: [true] } }),
];

const send: Operation = async ({ ctx, itemIndex, send: call, list }) => {
	const method = ctx.getNodeParameter('method', itemIndex, 'GET') as ApiRequest['method'];
	const path = requiredText(ctx, 'path', 'Path', itemIndex);
	const query: Record<string, QueryValue> = {};
	for (const [name, value] of Object.entries(jsonObject(ctx, 'query', 'Query Parameters', itemIndex))) {
		query[name] =
			typeof value === 'object' && value !== null ? JSON.stringify(value) : ((value as QueryValue | null) ?? undefined);
	}
	if (method === 'GET' && (ctx.getNodeParameter('paginate', itemIndex, false) as boolean)) {
		return asItems((await list(path, query, limitOf(ctx, itemIndex))).items);
	}
	const body = ['POST', 'PATCH', 'PUT'].includes(method) ? jsonObject(ctx, 'body', 'Body', itemIndex) : undefined;
	return asItems((await call({ method, path, query, body })).body);
};

export const execute: Record<string, Operation> = { send };
