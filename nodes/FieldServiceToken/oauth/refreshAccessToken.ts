import type { ClientAuthentication } from './clientAuthentication';
import { OAuthError, serverError } from './errors';
import type { HttpTransport, Sleep } from './http';
import { refreshTokenGrantRequest } from './refreshTokenGrant';
import { sendTokenRequest } from './sendTokenRequest';
import { isValidBeyond, type IssuedToken, type TokenCache, type TokenContext } from './tokenCache';
import type { TokenSet } from './tokenResponse';

export interface RefreshAccessTokenInput {
	tokenEndpoint: string;
	refreshToken: string;
	scope?: string;
	clientAuthentication: ClientAuthentication;
	/** The secret behind `clientAuthentication` ('' for a public client); part of the cache key. */
	clientSecret: string;
	/** Reuse a cached token valid for more than `marginSeconds`; off means a call every time. */
	reuse: { enabled: boolean; marginSeconds: number };
	/**
	 * How long a refresh token this process saw rotated away still finds its lineage's newest: once,
	 * within `retryWindowMs` of the rotation (the retry of an answer that was lost), after which it is
	 * presented to IDCS as it is, so that IDCS sees the reuse. Unset: it finds the newest for as long as
	 * the lineage is kept (a workflow that keeps presenting the refresh token it was given).
	 */
	rotatedAway?: { retryWindowMs: number };
	timeoutMs?: number;
}

/** The retry window for a refresh token kept outside n8n (sealed for a plugin's user): one minute. */
export const LOST_ANSWER_RETRY_MS = 60_000;

export interface RefreshAccessTokenDeps {
	transport: HttpTransport;
	sleep: Sleep;
	cache: TokenCache;
	now?: () => number;
}

export interface RefreshAccessTokenResult {
	tokenSet: TokenSet;
	/** The refresh token to keep from now on (IDCS refresh tokens are single use). */
	refreshToken: string;
	refreshTokenRotated: boolean;
	/** No call was made for this request: a cached token, or a call already under way, answered it. */
	fromCache: boolean;
}

/**
 * The refresh_token grant with reuse and single flight: a token still valid beyond the margin is
 * returned without a call; requests for one lineage that arrive while its call is under way wait
 * for that call instead of presenting the same single-use refresh token twice; and a refresh
 * token this process already saw rotated is replaced by its newest successor before it is sent;
 * and one the server rejected (invalid_grant) fails at once, never presented again, its lineage's
 * cached token dropped. With `rotatedAway`, a rotated-away refresh token finds its lineage only once,
 * within the retry window.
 */
export async function refreshAccessToken(
	input: RefreshAccessTokenInput,
	deps: RefreshAccessTokenDeps,
): Promise<RefreshAccessTokenResult> {
	const now = deps.now ?? Date.now;
	const presented = input.refreshToken.trim();
	// Builds (and so checks) the request before the cache is asked: bad input fails the same way either way.
	const request = refreshTokenGrantRequest({ ...input, refreshToken: presented });
	const context: TokenContext = {
		tokenEndpoint: request.url,
		clientAuthenticationMethod: input.clientAuthentication.method,
		clientId: input.clientAuthentication.clientId,
		clientSecret: input.clientSecret,
		scope: input.scope?.trim() ?? '',
	};
	const key = deps.cache.key(context, presented);
	// A single-use refresh token the server rejected stays rejected: fail without presenting it again.
	if (deps.cache.isRejected(key, now())) throw serverError('invalid_grant', undefined, 400, []);
	const lineage = deps.cache.find(key, now());
	// A rotated-away refresh token past its retry goes to IDCS as it is, outside its lineage.
	const rotatedAt = lineage && input.rotatedAway ? deps.cache.supersededAt(key) : undefined;
	const replayed =
		rotatedAt !== undefined && (now() - rotatedAt > input.rotatedAway!.retryWindowMs || !deps.cache.takeRetry(key));
	const chain = replayed ? undefined : lineage;

	const answer = (from: IssuedToken, fromCache: boolean): RefreshAccessTokenResult => ({
		tokenSet: from.tokenSet,
		refreshToken: from.refreshToken,
		refreshTokenRotated: from.refreshToken !== presented,
		fromCache,
	});

	const cached = chain?.tokenSet;
	if (cached && input.reuse.enabled && isValidBeyond(cached, now(), input.reuse.marginSeconds * 1000)) {
		return answer({ tokenSet: cached, refreshToken: chain.refreshToken }, true);
	}

	const { issued, joined } = await deps.cache.singleFlight(chain ?? key, async () => {
		const current = chain?.refreshToken ?? presented;
		const tokenSet = await sendTokenRequest(
			current === presented ? request : refreshTokenGrantRequest({ ...input, refreshToken: current }),
			{
				transport: deps.transport,
				sleep: deps.sleep,
				secrets: [...input.clientAuthentication.secrets, presented, current],
				now,
				// Whatever else is wrong with the answer, the lineage keeps the refresh token IDCS rotated to.
				onRefreshToken: (refreshToken) => deps.cache.record(context, key, undefined, refreshToken, now()),
			},
		).catch((error: unknown) => {
			if (error instanceof OAuthError && error.code === 'invalid_grant') {
				// Recorded before the flight ends, so no caller can slip in and present it again.
				deps.cache.reject(chain ?? key, now());
				// IDCS may revoke a grant whose old refresh token is replayed: its access token is not handed out again.
				if (replayed && lineage) lineage.tokenSet = undefined;
			}
			throw error;
		});
		const refreshToken = tokenSet.refreshToken ?? current;
		deps.cache.record(context, key, tokenSet, refreshToken, now());
		return { tokenSet, refreshToken };
	});
	return answer(issued, joined);
}
