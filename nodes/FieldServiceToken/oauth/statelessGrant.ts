import { AccessTokenCache } from './accessTokenCache';
import type { ClientAuthentication } from './clientAuthentication';
import { OAuthError } from './errors';
import type { HttpRequest, HttpTransport, Sleep } from './http';
import { sendTokenRequest } from './sendTokenRequest';
import { isValidBeyond } from './tokenCache';
import type { TokenSet } from './tokenResponse';

/**
 * A grant that keeps no state between calls (client credentials, a JWT assertion): what it
 * needs is given anew each time, so a token can be fetched again at any moment.
 */
export interface StatelessGrant {
	grantType: string;
	tokenEndpoint: string;
	clientAuthentication: ClientAuthentication;
	/** Whom the token acts for ('' when the application acts as itself). */
	subject: string;
	/** The key that signs the grant's own assertion, if any; enters the cache key only through the HMAC. */
	assertionKey?: string;
	scope: string;
	/** Builds the request for one real call; assertions are signed anew each time. */
	request: () => HttpRequest;
	/** What to tell the user when the server refuses the grant, by error code. */
	errors?: Partial<Record<string, { message: string; hint: string }>>;
}

export interface StatelessTokenDeps {
	transport: HttpTransport;
	sleep: Sleep;
	cache: AccessTokenCache;
	now?: () => number;
}

export interface StatelessTokenResult {
	tokenSet: TokenSet;
	/** No call was made for this request: a cached token, or a call already under way, answered it. */
	fromCache: boolean;
}

/** Replaces the generic wording of a server error with the client authentication's or the grant's own. */
export function inTermsOf(grant: Pick<StatelessGrant, 'clientAuthentication' | 'errors'>, error: unknown): unknown {
	if (!(error instanceof OAuthError)) return error;
	const own = grant.clientAuthentication.errors?.[error.code] ?? grant.errors?.[error.code];
	if (!own) return error;
	return error.reworded(`${own.message} (${error.code})`, own.hint);
}

/**
 * A token for a stateless grant, with reuse and single flight: a token still valid beyond the
 * margin goes, without a call, to a caller who presents everything a real call would need
 * (endpoint, grant, client, secret or key, subject, scope); concurrent requests for one such key
 * make one call. `reuse.rejected`: an access token the API answered 401 to, dropped from the cache.
 */
export async function statelessAccessToken(
	grant: StatelessGrant,
	reuse: { enabled: boolean; marginSeconds: number; rejected?: string },
	deps: StatelessTokenDeps,
): Promise<StatelessTokenResult> {
	const now = deps.now ?? Date.now;
	const { clientAuthentication } = grant;
	const key = deps.cache.key([
		grant.tokenEndpoint,
		grant.grantType,
		clientAuthentication.method,
		clientAuthentication.clientId,
		clientAuthentication.proof,
		grant.subject,
		grant.assertionKey ?? '',
		grant.scope,
	]);
	const cached = deps.cache.find(key, now());
	// A token the API refused (`rejected`, after a 401) is no longer reused; a newer one still is.
	if (cached && cached.accessToken === reuse.rejected) deps.cache.drop(key, cached.accessToken);
	else if (cached && reuse.enabled && isValidBeyond(cached, now(), reuse.marginSeconds * 1000)) {
		return { tokenSet: cached, fromCache: true };
	}
	const { value, joined } = await deps.cache.singleFlight(key, async () => {
		const request = grant.request();
		try {
			const tokenSet = await sendTokenRequest(request, {
				transport: deps.transport,
				sleep: deps.sleep,
				secrets: [...clientAuthentication.secrets, ...assertionsIn(request)],
				now,
			});
			deps.cache.store(key, tokenSet, now());
			return tokenSet;
		} catch (error) {
			throw inTermsOf(grant, error);
		}
	});
	return { tokenSet: value, fromCache: joined };
}

/** The signed JWTs a request carries: each one is a credential until it expires. */
function assertionsIn(request: HttpRequest): string[] {
	const form = new URLSearchParams(request.body);
	return ['assertion', 'client_assertion'].map((name) => form.get(name) ?? '').filter(Boolean);
}
