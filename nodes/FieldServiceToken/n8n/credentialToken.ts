import { createHmac, randomBytes } from 'crypto';

import { NodeOperationError, type ICredentialDataDecryptedObject, type IExecuteFunctions } from 'n8n-workflow';

import {
	AccessTokenExpiry,
	MAX_EXPIRES_IN_SECONDS,
	OAuthError,
	SingleFlight,
	checkEndpointUrl,
	isValidBeyond,
	redact,
	serverError,
	transportError,
	type TokenSet,
} from '../oauth';
import { CREDENTIAL_TYPE, credentialSecrets, type IdcsCredential } from './credential';

/** The first n8n release whose nodes can call helpers.refreshOAuth2Token (n8n-core 1.118.1). */
export const MINIMUM_N8N_FOR_CREDENTIAL_SOURCE = '1.119.2';

// n8n 2.x serialises refreshes of one credential itself; 1.x does not, so this process does: by
// credential id, so that one credential never gets another's token, and by the refresh token the
// caller read, since one credential id can hold several users' tokens (n8n's end-user credentials):
// a refresh is shared only by callers holding the same refresh token, that is, the same user's grant.
const refreshes = new SingleFlight<string, { tokenData: Record<string, unknown>; stored: boolean }>();
const refreshKeySecret = randomBytes(32);

/** The single flight's key: an HMAC, so that no refresh token is kept in the map. */
const refreshKey = (credentialId: string, tokenUrl: string, refreshToken: string) =>
	createHmac('sha256', refreshKeySecret)
		.update(JSON.stringify([credentialId, tokenUrl, refreshToken]))
		.digest('hex');

export interface CredentialTokenResult {
	tokenSet: TokenSet;
	refreshTokenRotated: boolean;
	fromCache: boolean;
}

// n8n 1.x writes a refreshed token back without an expiry of its own (it keeps whatever record the
// token it replaced had): when the tokens this process got expire, it remembers.
const learnedExpiry = new AccessTokenExpiry();

/** The `exp` of a JWT access token (IDCS issues JWTs), in ms; undefined for any other token. */
function jwtExpiry(accessToken: string): number | undefined {
	const parts = accessToken.split('.');
	// Not header.payload.signature: no JWT, and no exception thrown (and caught) on every reuse.
	if (parts.length !== 3) return undefined;
	try {
		const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as {
			exp?: unknown;
		};
		return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
	} catch {
		return undefined;
	}
}

/**
 * When the stored token expires: what this process learned when n8n's refresh handed it that very
 * token, else the token's own `exp` (an IDCS JWT), else n8n's record. The record comes last: n8n 1.x
 * and 2.30 to 2.32 keep the replaced token's record with a refreshed one, so in another process (queue
 * mode) it dates a fresh token as expired.
 */
function storedExpiry(tokenData: Record<string, unknown>): number | undefined {
	const accessToken = tokenData.access_token;
	const learned = typeof accessToken === 'string' ? learnedExpiry.expiresAt(accessToken) : undefined;
	if (learned !== undefined) return learned;
	const own = typeof accessToken === 'string' ? jwtExpiry(accessToken) : undefined;
	if (own !== undefined) return own;
	const recorded = Number(tokenData.n8n_expires_at);
	return Number.isFinite(recorded) && recorded > 0 ? recorded : undefined;
}

/**
 * The token set of stored token data. `issuedAt` is given only for data just returned by a refresh:
 * then its `expires_in` counts from it unless n8n recorded a later expiry (a record from before the
 * refresh belongs to the token it replaced). For data read from the credential, when it was issued
 * is unknown, so without a record, a JWT `exp` or a learned expiry the token counts as expired.
 */
function toTokenSet(tokenData: Record<string, unknown>, now: number, issuedAt?: number): TokenSet | undefined {
	const accessToken = tokenData.access_token;
	const expiresIn = Number(tokenData.expires_in);
	const stored = storedExpiry(tokenData);
	const expiry =
		issuedAt === undefined || (stored !== undefined && stored > issuedAt)
			? stored
			: expiresIn > 0
				? issuedAt + expiresIn * 1000
				: undefined;
	if (typeof accessToken !== 'string' || !accessToken || expiry === undefined) return undefined;
	// At most a day ahead, as for a token from a field: an absurd expires_in makes no date at all.
	const expiresAt = Math.min(expiry, now + MAX_EXPIRES_IN_SECONDS * 1000);
	return {
		accessToken,
		tokenType: 'Bearer',
		expiresIn: Math.max(0, Math.floor((expiresAt - now) / 1000)),
		expiresAt,
		...(typeof tokenData.scope === 'string' && tokenData.scope ? { scope: tokenData.scope } : {}),
	};
}

const tokenDataOf = (data: ICredentialDataDecryptedObject): Record<string, unknown> | undefined =>
	typeof data.oauthTokenData === 'object' && data.oauthTokenData !== null
		? (data.oauthTokenData as Record<string, unknown>)
		: undefined;

/**
 * `ctx`, but its getCredentials answers `data`. n8n's refresh helper reads the credential through
 * the context it is called on (as every n8n helper called with `.call(this, ...)`), and under its
 * lease (n8n 2.30 or later) refreshes only if the token it read is still the stored one: handed the
 * credential the node decided on, it refreshes only if no other process did so since, and otherwise
 * returns the token that process stored.
 */
function withCredential(ctx: IExecuteFunctions, data: ICredentialDataDecryptedObject): IExecuteFunctions {
	return Object.create(ctx, {
		getCredentials: { value: async () => data },
	}) as IExecuteFunctions;
}

/** n8n's refresh errors carry the request (and so secrets) in places: keep only what they mean. */
function credentialRefreshError(error: unknown, credential: IdcsCredential, secrets: string[]): Error {
	const { body, status } = (error ?? {}) as { body?: unknown; status?: unknown };
	// An answer that is no JSON: n8n's client quotes its first 100 characters, where a secret the
	// server echoed may be cut in two and so escape redaction. Say what it was instead.
	if (typeof body === 'string' && typeof status === 'number') {
		const what = /^\s*</.test(body) ? 'an HTML page' : 'a non-JSON body';
		return new OAuthError(
			status >= 500 ? 'server_error' : status === 200 ? 'non_json_response' : 'unexpected_status',
			status === 200
				? `The IDCS token endpoint answered with ${what} instead of a token`
				: `The IDCS token endpoint answered HTTP ${status} with ${what}`,
			'Check that the domain URL points at the IDCS identity domain, and whether a proxy or login page answered instead of IDCS.',
			{ httpStatus: status },
		);
	}
	if (typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string') {
		const { error: code, error_description } = body as { error: string; error_description?: unknown };
		const status = Number((error as { status?: unknown }).status) || (code === 'invalid_client' ? 401 : 400);
		return serverError(code, typeof error_description === 'string' ? error_description : undefined, status, secrets);
	}
	const message = error instanceof Error ? error.message : '';
	if (/reconnect/i.test(message)) return serverError('invalid_grant', undefined, 400, secrets);
	if (/no refresh token|refreshToken is required/i.test(message)) {
		return new OAuthError(
			'missing_refresh_token',
			'The credential holds no refresh token',
			'Connect the credential again: its scope carries offline_access, so IDCS issues a refresh token if the application allows the Refresh Token grant.',
		);
	}
	const failure = transportError(error, {
		method: 'POST',
		url: credential.accessTokenUrl,
		headers: {},
		body: '',
		timeoutMs: 0,
	});
	if (failure.code !== 'network_failure' || !message) return failure;
	return new OAuthError(
		'network_failure',
		`Refreshing the credential's token failed: ${redact(message, secrets)}`,
		failure.hint,
	);
}

/**
 * The access token of the connected credential: the stored one while it is valid beyond the
 * margin, else a refresh through n8n's own credential refresh, which writes the rotated refresh
 * token back into the encrypted credential.
 */
export async function credentialAccessToken(
	ctx: IExecuteFunctions,
	credential: IdcsCredential,
	reuse: { enabled: boolean; marginSeconds: number; rejected?: string },
	itemIndex: number,
): Promise<CredentialTokenResult> {
	const stored = credential.oauthTokenData;
	if (!stored || (typeof stored.access_token !== 'string' && typeof stored.refresh_token !== 'string')) {
		throw new NodeOperationError(ctx.getNode(), 'The credential is not connected to IDCS yet', {
			description:
				'Open the Oracle IDCS OAuth2 API credential and click Connect ("Connect my account" in n8n 1.x) to sign in to IDCS once; or choose Refresh Token Source "From a Field" and map a refresh token.',
			itemIndex,
		});
	}
	if (typeof stored.refresh_token !== 'string' || !stored.refresh_token) {
		throw new OAuthError(
			'missing_refresh_token',
			'The credential holds no refresh token',
			'Connect the credential again. Its scope carries offline_access, so IDCS issues a refresh token if the application allows the Refresh Token grant (OAuth configuration > Client configuration).',
		);
	}
	// A token the API answered 401 to (`reuse.rejected`) is never handed out again, valid or not.
	const usable = (set: TokenSet | undefined): set is TokenSet =>
		Boolean(
			reuse.enabled &&
			set &&
			set.accessToken !== reuse.rejected &&
			isValidBeyond(set, Date.now(), reuse.marginSeconds * 1000),
		);
	const current = toTokenSet(stored, Date.now());
	if (usable(current)) {
		return { tokenSet: current, refreshTokenRotated: false, fromCache: true };
	}

	const refreshOAuth2Token = ctx.helpers.refreshOAuth2Token as
		IExecuteFunctions['helpers']['refreshOAuth2Token'] | undefined;
	if (typeof refreshOAuth2Token !== 'function') {
		throw new NodeOperationError(
			ctx.getNode(),
			`Refreshing from the credential needs n8n ${MINIMUM_N8N_FOR_CREDENTIAL_SOURCE} or later`,
			{
				description: `This n8n cannot write a rotated refresh token back into the credential, and IDCS refresh tokens are single use. Update n8n to ${MINIMUM_N8N_FOR_CREDENTIAL_SOURCE} or later, or choose Refresh Token Source "From a Field" and store the returned refresh_token yourself.`,
				itemIndex,
			},
		);
	}

	// n8n's refresh sends the client secret and refresh token to this URL: the field source's rules.
	checkEndpointUrl(credential.accessTokenUrl);

	const secrets = credentialSecrets(credential);
	const refresh = async (attempt = 1): Promise<{ tokenData: Record<string, unknown>; stored: boolean }> => {
		// Another execution, or another n8n process (queue mode), may have refreshed since this
		// execution read the credential: decide on what is stored now.
		const latest = await ctx.getCredentials(CREDENTIAL_TYPE, itemIndex);
		const latestTokenData = tokenDataOf(latest);
		const latestSet = latestTokenData && toTokenSet(latestTokenData, Date.now());
		if (latestTokenData && usable(latestSet)) {
			return { tokenData: latestTokenData, stored: true };
		}
		for (const name of ['refresh_token', 'access_token']) {
			if (typeof latestTokenData?.[name] === 'string') secrets.push(latestTokenData[name] as string);
		}
		if (typeof latest.accessTokenUrl === 'string') checkEndpointUrl(latest.accessTokenUrl.trim());
		let tokenData: Record<string, unknown>;
		try {
			tokenData = (await refreshOAuth2Token.call(withCredential(ctx, latest), CREDENTIAL_TYPE)) as Record<
				string,
				unknown
			>;
		} catch (error) {
			throw credentialRefreshError(error, credential, secrets);
		}
		// n8n shares one refresh among the callers of one credential id (n8n-core 2.x's own single
		// flight), but one id can hold several users' tokens (end-user credentials): a token goes out
		// only once the caller's own credential holds it. Otherwise decide again, once: what is stored
		// now, or a refresh of the caller's own refresh token.
		if (tokenDataOf(await ctx.getCredentials(CREDENTIAL_TYPE, itemIndex))?.access_token === tokenData.access_token) {
			return { tokenData, stored: false };
		}
		if (attempt === 1) return await refresh(2);
		throw new OAuthError(
			'invalid_token_response',
			"n8n's refresh returned a token this credential does not hold",
			'Run the workflow again. If it persists, connect the credential again; another user of the same credential may be refreshing at the same moment.',
		);
	};
	// Without a credential id there is nothing that tells two credentials apart: no sharing then.
	const credentialId = ctx.getNode().credentials?.[CREDENTIAL_TYPE]?.id;
	const {
		value: { tokenData: refreshed, stored: reused },
		joined,
	} = credentialId
		? await refreshes.run(refreshKey(credentialId, credential.accessTokenUrl, stored.refresh_token), () => refresh())
		: { value: await refresh(), joined: false };
	const now = Date.now();
	// A token found stored is dated by its record only; one just refreshed may count from now.
	const tokenSet = reused ? toTokenSet(refreshed, now) : toTokenSet(refreshed, now, now);
	if (!tokenSet) {
		throw new OAuthError(
			'invalid_token_response',
			'The refreshed credential holds no access token with an expiry',
			'Connect the credential again; if it persists, check that the domain URL points at the IDCS identity domain.',
		);
	}
	// The credential is read once per execution: later items see the token this refresh stored, with
	// its expiry (n8n 1.x records none); later executions find it by the token.
	credential.oauthTokenData = { ...refreshed, n8n_expires_at: String(tokenSet.expiresAt) };
	if (!reused) learnedExpiry.learn(tokenSet.accessToken, tokenSet.expiresAt);
	return {
		tokenSet,
		refreshTokenRotated:
			typeof refreshed.refresh_token === 'string' && refreshed.refresh_token !== stored.refresh_token,
		fromCache: joined || reused,
	};
}
