import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { OFS_CORE } from './paths';
import {
	asItems,
	jsonObject,
	limitOf,
	requiredText,
	returnAllAndLimit,
	segment,
	showFor,
	type Operation,
} from './common';

/** Get activities covers at most 31 days per request (Oracle, Core API "Get activities"). */
export const MAX_ACTIVITY_DAYS = 31;

export const operations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: showFor('activity'),
	options: [
		{ name: 'Get', value: 'get', action: 'Get an activity', description: 'Get one activity by its ID' },
		{
			name: 'Get Many',
			value: 'getMany',
			action: 'Get many activities',
			description: 'List the activities of resources over up to 31 days',
		},
		{ name: 'Update', value: 'update', action: 'Update an activity', description: 'Change fields of an activity' },
	],
	default: 'getMany',
};

export const properties: INodeProperties[] = [
	{
		displayName: 'Activity ID',
		name: 'activityId',
		type: 'string',
		required: true,
		displayOptions: showFor('activity', ['get', 'update']),
		default: '',
		placeholder: 'e.g. 4225375',
	},
	{
		displayName: 'Fields to Change (JSON)',
		name: 'changes',
		type: 'json',
		required: true,
		displayOptions: showFor('activity', ['update']),
		default: '{\n  "status": "completed"\n}',
		description: 'The activity fields to set, as Field Service names them',
	},
	{
		displayName: 'Resources',
		name: 'resources',
		type: 'string',
		required: true,
		displayOptions: showFor('activity', ['getMany']),
		default: '',
		placeholder: 'e.g. FS-TECH-0042,FS-BUCKET-NORTH',
		description: 'Resource IDs, separated by commas: their activities are listed',
	},
	{
		displayName: 'From Date',
		name: 'dateFrom',
		type: 'dateTime',
		required: true,
		displayOptions: showFor('activity', ['getMany']),
		default: '',
		description: 'The first day (Field Service takes at most 31 days per list)',
	},
	{
		displayName: 'To Date',
		name: 'dateTo',
		type: 'dateTime',
		required: true,
		displayOptions: showFor('activity', ['getMany']),
		default: '',
		description: 'The last day, included',
	},
	...returnAllAndLimit(showFor('activity', ['getMany'])),
];

/** A date parameter as Field Service takes it: YYYY-MM-DD. */
function dayOf(ctx: IExecuteFunctions, name: string, label: string, itemIndex: number): string {
	const text = requiredText(ctx, name, label, itemIndex);
	const match = /^(\d{4}-\d{2}-\d{2})/.exec(text);
	if (!match || !Number.isFinite(Date.parse(`${match[1]}T00:00:00Z`))) {
		throw new NodeOperationError(ctx.getNode(), `${label} "${text.slice(0, 40)}" is not a date`, {
			description: 'Give a date as YYYY-MM-DD, or pick one.',
			itemIndex,
		});
	}
	return match[1];
}

const getMany: Operation = async ({ ctx, itemIndex, list }) => {
	const resources = requiredText(ctx, 'resources', 'Resources', itemIndex)
		.split(',')
		.map((id) => id.trim())
		.filter(Boolean)
		.join(',');
	const dateFrom = dayOf(ctx, 'dateFrom', 'From Date', itemIndex);
	const dateTo = dayOf(ctx, 'dateTo', 'To Date', itemIndex);
	const days = (Date.parse(`${dateTo}T00:00:00Z`) - Date.parse(`${dateFrom}T00:00:00Z`)) / 86_400_000 + 1;
	if (days < 1 || days > MAX_ACTIVITY_DAYS) {
		throw new NodeOperationError(
			ctx.getNode(),
			days < 1
				? `To Date ${dateTo} is before From Date ${dateFrom}`
				: `${dateFrom} to ${dateTo} is ${days} days; Field Service lists at most ${MAX_ACTIVITY_DAYS} per request`,
			{
				description: `Choose a range of 1 to ${MAX_ACTIVITY_DAYS} days. For longer periods, run the node once per month (e.g. from a list of ranges).`,
				itemIndex,
			},
		);
	}
	const { items } = await list(`${OFS_CORE}/activities`, { resources, dateFrom, dateTo }, limitOf(ctx, itemIndex));
	return asItems(items);
};

const get: Operation = async ({ ctx, itemIndex, send }) => {
	const id = requiredText(ctx, 'activityId', 'Activity ID', itemIndex);
	return asItems((await send({ method: 'GET', path: `${OFS_CORE}/activities/${segment(id)}` })).body);
};

const update: Operation = async ({ ctx, itemIndex, send }) => {
	const id = requiredText(ctx, 'activityId', 'Activity ID', itemIndex);
	const changes = jsonObject(ctx, 'changes', 'Fields to Change', itemIndex);
	return asItems((await send({ method: 'PATCH', path: `${OFS_CORE}/activities/${segment(id)}`, body: changes })).body);
};

export const execute: Record<string, Operation> = { get, getMany, update };
