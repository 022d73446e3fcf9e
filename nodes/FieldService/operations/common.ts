import {
	NodeOperationError,
	type IDataObject,
	type IDisplayOptions,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import type { ApiRequest, ApiResponse, ListResult } from '../api';

/** What an operation gets for one item: its parameters, and calls that carry the token for it. */
export interface OperationContext {
	ctx: IExecuteFunctions;
	itemIndex: number;
	/** One request; its JSON answer. */
	send: (request: ApiRequest) => Promise<ApiResponse>;
	/** The items of a collection at `path`, paged; `limit` Infinity for all. */
	list: (path: string, query: ApiRequest['query'], limit: number) => Promise<ListResult>;
}

/** An operation's results, one n8n item each. */
export type Operation = (op: OperationContext) => Promise<IDataObject[]>;

export const showFor = (resource: string, operation?: string[]) => ({
	show: { resource: [resource], ...(operation ? { operation } : {}) },
});

/** Return All and Limit, shown for `show`, as n8n's own nodes offer them. */
export const returnAllAndLimit = (show: Required<Pick<IDisplayOptions, 'show'>>): INodeProperties[] => [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		displayOptions: show,
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		displayOptions: { show: { ...show.show, returnAll: [false] } },
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
	},
];

/** How many items a list asks for: Infinity for Return All. */
export function limitOf(ctx: IExecuteFunctions, itemIndex: number): number {
	if (ctx.getNodeParameter('returnAll', itemIndex, false) as boolean) return Infinity;
	return Math.max(1, Math.floor(Number(ctx.getNodeParameter('limit', itemIndex, 50))));
}

/** A required text parameter, trimmed; a clear error when it is empty. */
export function requiredText(ctx: IExecuteFunctions, name: string, label: string, itemIndex: number): string {
	const value = ctx.getNodeParameter(name, itemIndex, '') as unknown;
	const text = value === undefined || value === null ? '' : String(value).trim();
	if (!text) {
		throw new NodeOperationError(ctx.getNode(), `${label} is empty`, {
			description: `Fill in ${label}, or map it from the input with an expression.`,
			itemIndex,
		});
	}
	return text;
}

/** A JSON parameter: an object as typed (text or already parsed); a clear error otherwise. */
export function jsonObject(ctx: IExecuteFunctions, name: string, label: string, itemIndex: number): IDataObject {
	const raw = ctx.getNodeParameter(name, itemIndex, '{}') as unknown;
	let value = raw;
	if (typeof raw === 'string') {
		try {
			value = raw.trim() ? JSON.parse(raw) : {};
		} catch {
			throw new NodeOperationError(ctx.getNode(), `${label} is not valid JSON`, {
				description: `Write ${label} as a JSON object, e.g. {"status": "completed"}.`,
				itemIndex,
			});
		}
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		throw new NodeOperationError(ctx.getNode(), `${label} must be a JSON object`, {
			description: `Write ${label} as a JSON object, e.g. {"status": "completed"}.`,
			itemIndex,
		});
	}
	return value as IDataObject;
}

/** A path segment for an id the user gave: encoded, so that it cannot change the path. */
export const segment = (id: string) => encodeURIComponent(id);

/** A JSON answer as n8n items: an object as one, a list as one each, nothing as none. */
export function asItems(body: unknown): IDataObject[] {
	if (body === undefined || body === null) return [];
	if (Array.isArray(body))
		return body.map((entry) => (typeof entry === 'object' && entry ? entry : { value: entry }) as IDataObject);
	return [typeof body === 'object' ? (body as IDataObject) : { value: body as IDataObject[keyof IDataObject] }];
}
