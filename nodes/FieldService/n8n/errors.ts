import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import { toNodeError as tokenNodeError } from '../../FieldServiceToken/n8n/errors';
import { redact } from '../../FieldServiceToken/oauth';
import { ApiInputError, FieldServiceApiError } from '../api';

/**
 * The n8n error for a failure of a Field Service call: NodeApiError when Field Service answered,
 * NodeOperationError otherwise; token failures as the token node words them. Messages are the core's
 * own (already redacted) and are redacted once more for every secret the item handled.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	secrets: readonly string[],
): NodeApiError | NodeOperationError {
	if (error instanceof FieldServiceApiError) {
		const message = redact(error.message, secrets);
		if (error.details.httpStatus !== undefined) {
			const httpCode = String(error.details.httpStatus);
			const response: JsonObject = { httpCode, title: error.details.title ?? '', detail: error.details.detail ?? '' };
			return new NodeApiError(node, response, { message, description: error.hint, httpCode, itemIndex });
		}
		return new NodeOperationError(node, message, { description: error.hint, itemIndex });
	}
	if (error instanceof ApiInputError) {
		return new NodeOperationError(node, redact(error.message, secrets), { description: error.hint, itemIndex });
	}
	return tokenNodeError(node, error, itemIndex, secrets);
}
