import { NodeApiError, NodeOperationError, type INode, type INodeExecutionData, type JsonObject } from 'n8n-workflow';

import { OAuthError, redact } from '../oauth';

/**
 * The n8n error for a failure: NodeApiError when IDCS answered, NodeOperationError otherwise.
 * Only the core's own words go in (already free of secrets); anything else is redacted.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	secrets: readonly string[],
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof OAuthError) {
		const description = error.serverDescription
			? `${error.hint} ${error.server ?? 'IDCS'} said: "${error.serverDescription}"`
			: error.hint;
		if (error.httpStatus !== undefined) {
			const response: JsonObject = { error: error.code, httpCode: String(error.httpStatus) };
			return new NodeApiError(node, response, {
				message: error.message,
				description,
				httpCode: String(error.httpStatus),
				itemIndex,
			});
		}
		return new NodeOperationError(node, error.message, { description, itemIndex });
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, redact(message, secrets), { itemIndex });
}

/**
 * The item a failure becomes with "Continue" on error: only the keys n8n takes for an error item, so that with
 * "Continue (using error output)" it goes to that output.
 */
export const errorItem = (error: NodeApiError | NodeOperationError, itemIndex: number): INodeExecutionData => ({
	json: { error: error.message, ...(error.description ? { details: error.description } : {}) },
	pairedItem: { item: itemIndex },
});
