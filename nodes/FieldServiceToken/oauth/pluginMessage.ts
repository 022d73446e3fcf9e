import { randomUUID } from 'crypto';

/** The OFS Plugin API request that makes Field Service open `url` and return a code (25B and later). */
export interface GetAuthorizationCodeMessage {
	apiVersion: 1;
	method: 'callProcedure';
	procedure: 'getAuthorizationCode';
	/** Unique per call: OFS rejects an empty or repeated one (CODE_CALL_ID_EMPTY, CODE_CALL_ID_DUPLICATE). */
	callId: string;
	params: { url: string };
}

export function getAuthorizationCodeMessage(url: string, callId: string = randomUUID()): GetAuthorizationCodeMessage {
	return { apiVersion: 1, method: 'callProcedure', procedure: 'getAuthorizationCode', callId, params: { url } };
}
