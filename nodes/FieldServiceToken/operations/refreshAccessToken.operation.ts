import { NodeOperationError, sleep, type INodeProperties } from 'n8n-workflow';

import { clientAuthenticationFor, sealingKeyOf, type ClientAuthenticationChoice } from '../n8n/credential';
import { credentialAccessToken } from '../n8n/credentialToken';
import { tokenFields, withFields } from '../n8n/output';
import { isSealed, openSealedRefreshToken, SealError, sealingFor, sealRefreshToken } from '../n8n/sealedRefreshToken';
import { n8nTransport } from '../n8n/transport';
import { inTermsOf, LOST_ANSWER_RETRY_MS, OAuthError, refreshAccessToken, TokenCache } from '../oauth';
import {
	clientAuthenticationParameter,
	optionsCollection,
	outputFieldOption,
	sealForUserOf,
	sealForUserOption,
	timeoutOption,
	type Operation,
	textParameter,
} from './common';

/** Tokens reused across items and executions of this n8n process; memory only. */
export const tokenCache = new TokenCache();

const show = { show: { operation: ['refreshAccessToken'] } };
const showForField = { show: { operation: ['refreshAccessToken'], refreshTokenSource: ['parameter'] } };

export const properties: INodeProperties[] = [
	{
		displayName: 'Refresh Token Source',
		name: 'refreshTokenSource',
		type: 'options',
		displayOptions: show,
		options: [
			{
				name: 'Credential (Connected Account)',
				value: 'credential',
				description:
					'The refresh token the credential got on Connect; each rotated one is saved back into the credential',
			},
			{
				name: 'From a Field',
				value: 'parameter',
				description:
					'A refresh token mapped from earlier steps, e.g. one an OFS plugin got with getAuthorizationCode; the rotated one comes out as refresh_token',
			},
		],
		default: 'credential',
	},
	{
		displayName: 'Refresh Token',
		name: 'refreshToken',
		type: 'string',
		typeOptions: { password: true },
		displayOptions: showForField,
		default: '',
		required: true,
		description:
			'Map it with an expression. IDCS refresh tokens are single use: store the refresh_token this node outputs and use that one next time.',
	},
	clientAuthenticationParameter(showForField),
	optionsCollection(show, [
		{
			displayName: 'Reuse Valid Token',
			name: 'reuseToken',
			type: 'boolean',
			default: true,
			description:
				'Whether to hand out a token that is still valid instead of asking IDCS again. Items and executions share it.',
		},
		{
			displayName: 'Expiry Margin (Seconds)',
			name: 'expiryMarginSeconds',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 60,
			description: 'A token that expires sooner than this is not reused',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: '',
			description:
				'Only to narrow the scope of a refresh token given by field; empty keeps the scope it was granted with',
		},
		sealForUserOption,
		timeoutOption('the IDCS token endpoint', 'refresh token'),
		outputFieldOption,
	]),
];

/** IDCS took a refresh token from a field before, from another n8n process: what to do instead. */
const SEVERAL_PROCESSES =
	'With several n8n processes (queue mode: a main process and workers), executions running at the same time must not refresh one refresh token from a field: each process keeps its own, IDCS takes the first and revokes the grant on the second. There, use Refresh Token Source "Credential", whose refresh n8n coordinates across processes (n8n 2.30 or later), or an operation that keeps no refresh token: Get Client Credentials Token, Get User Assertion Token or Get Field Service Token.';

/** The invalid_grant of a refresh token from a field also says what is safe with several n8n processes. */
function withSeveralProcessesHint(error: unknown): unknown {
	if (!(error instanceof OAuthError) || error.code !== 'invalid_grant') return error;
	return error.reworded(error.message, `${error.hint} ${SEVERAL_PROCESSES}`);
}

interface RefreshOptions {
	reuseToken?: boolean;
	expiryMarginSeconds?: number;
	scope?: string;
	sealForUser?: unknown;
	timeoutSeconds?: number;
	outputField?: string;
}

export const execute: Operation = async ({ ctx, itemIndex, json, secrets, readCredential }) => {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as RefreshOptions;
	const reuse = {
		enabled: options.reuseToken !== false,
		marginSeconds: Math.max(0, options.expiryMarginSeconds ?? 60),
	};
	const credential = await readCredential();
	const source = ctx.getNodeParameter('refreshTokenSource', itemIndex) as 'credential' | 'parameter';

	if (source === 'credential') {
		if (sealForUserOf(ctx, options) !== undefined)
			throw new NodeOperationError(
				ctx.getNode(),
				'Seal Refresh Token For User works with Refresh Token Source "From a Field": the credential keeps its own refresh token',
				{ itemIndex },
			);
		const result = await credentialAccessToken(ctx, credential, reuse, itemIndex);
		return withFields(json, tokenFields(result), options.outputField ?? '');
	}

	const given = textParameter(ctx, 'refreshToken', itemIndex);
	secrets.push(given);
	const sealing = sealingFor(sealForUserOf(ctx, options), sealingKeyOf(credential));
	if (!sealing && isSealed(given))
		throw new SealError(
			'The refresh token is a sealed one (sealed_refresh_token): set Seal Refresh Token For User to the user it was sealed for',
		);
	const refreshToken = sealing ? openSealedRefreshToken(given, sealing.user, sealing.key) : given;
	secrets.push(refreshToken);
	const choice = ctx.getNodeParameter('clientAuthentication', itemIndex, 'credential') as ClientAuthenticationChoice;
	const clientAuthentication = clientAuthenticationFor(ctx, choice, credential, itemIndex);
	const result = await refreshAccessToken(
		{
			tokenEndpoint: credential.accessTokenUrl,
			refreshToken,
			scope: options.scope,
			clientAuthentication,
			clientSecret: clientAuthentication.proof,
			reuse,
			// A sealed refresh token is kept outside n8n: one rotated away is a lost answer's retry, or a replay.
			rotatedAway: sealing ? { retryWindowMs: LOST_ANSWER_RETRY_MS } : undefined,
			timeoutMs: Number(options.timeoutSeconds ?? 30) * 1000,
		},
		{ transport: n8nTransport(ctx.helpers), sleep, cache: tokenCache },
	).catch((error: unknown) => {
		throw withSeveralProcessesHint(inTermsOf({ clientAuthentication }, error));
	});
	if (!sealing) return withFields(json, tokenFields(result), options.outputField ?? '');
	secrets.push(result.refreshToken);
	const fields = tokenFields({ ...result, refreshToken: undefined });
	fields.sealed_refresh_token = sealRefreshToken(result.refreshToken, sealing.user, sealing.key);
	return withFields(json, fields, options.outputField ?? '');
};
