import { OAuthError, redirectError, responseTooLarge, serverError } from './errors';
import { IDCS, type TokenServer } from './tokenServer';
import { MAX_RESPONSE_BYTES, type HttpResponse } from './http';

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The longest lifetime an access token is taken to have: one day. An `expires_in` beyond it (9e12,
 * 1e308) counts as one day rather than failing, since the refresh token behind the answer is already
 * used; the token is refreshed after a day at the latest.
 */
export const MAX_EXPIRES_IN_SECONDS = 86_400;

/** What a token may hold to go into a header as is: visible ASCII, no space, no control character. */
const TOKEN_CHARACTERS = /^[\x21-\x7e]+$/;

/** A checked successful token response (RFC 6749 5.1). */
export interface TokenSet {
	accessToken: string;
	tokenType: string;
	/** Seconds, as the server said (IDCS: 3600 by default, the seed shows 3349), at most a day. */
	expiresIn: number;
	/** Epoch milliseconds: when the response arrived plus `expiresIn`. */
	expiresAt: number;
	refreshToken?: string;
	scope?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeBody(response: HttpResponse): string {
	const contentType = response.headers['content-type'] ?? 'no content type';
	const looksLikeHtml = /^\s*</.test(response.body);
	return looksLikeHtml ? `an HTML page (${contentType})` : `a non-JSON body (${contentType})`;
}

export interface TokenResponseChecks {
	/** The most body a token response may have (MAX_RESPONSE_BYTES by default). */
	maxBytes?: number;
	/** The token endpoint's host, for messages. */
	host?: string;
	/** Who answers, for the words of its errors; IDCS when not given. */
	server?: TokenServer;
	/** What to say of the request when its answer was too large (see sendTokenRequest). */
	notResent?: string;
	/** Told of a new refresh token before the access token is checked, so a rejected answer never loses it. */
	onRefreshToken?: (refreshToken: string) => void;
}

/**
 * Checks the token endpoint's answer strictly: a 200 with a JSON object carrying an `access_token`
 * of visible ASCII, a Bearer `token_type` and a positive `expires_in`; anything else is an
 * OAuthError. `secrets` are the values the request carried, kept out of every message.
 */
export function processTokenResponse(
	response: HttpResponse,
	secrets: readonly string[],
	receivedAt: number,
	checks: TokenResponseChecks = {},
): TokenSet {
	const maxBytes = checks.maxBytes ?? MAX_RESPONSE_BYTES;
	const server = checks.server ?? IDCS;
	if (Buffer.byteLength(response.body, 'utf8') > maxBytes) {
		throw responseTooLarge(checks.host, maxBytes, server, checks.notResent);
	}
	let json: unknown;
	try {
		json = JSON.parse(response.body);
	} catch {
		json = undefined;
	}

	if (response.status >= 300 && response.status < 400) {
		throw redirectError(response.status, response.headers.location, secrets, server);
	}
	if (response.status !== 200) {
		if (isRecord(json) && typeof json.error === 'string' && json.error) {
			const description = typeof json.error_description === 'string' ? json.error_description : undefined;
			throw serverError(json.error, description, response.status, secrets, server);
		}
		const what = json === undefined ? describeBody(response) : 'JSON without an error code';
		throw new OAuthError(
			response.status >= 500 ? 'server_error' : 'unexpected_status',
			`${server.endpoint} answered HTTP ${response.status} with ${what}`,
			response.status >= 500
				? `${server.name} or a proxy in between failed; try again later.`
				: `${capitalized(server.checkAddress)}, and whether a proxy answered instead of ${server.name}.`,
			{ httpStatus: response.status },
		);
	}

	if (!isRecord(json)) {
		throw new OAuthError(
			'non_json_response',
			`${server.endpoint} answered with ${json === undefined ? describeBody(response) : 'JSON that is not an object'} instead of a token`,
			`${capitalized(server.checkAddress)}, and whether a proxy or login page answered instead of ${server.name}.`,
			{ httpStatus: response.status },
		);
	}

	const invalid = (what: string) =>
		new OAuthError(
			'invalid_token_response',
			`The ${server.name} token response ${what}`,
			`${capitalized(server.checkAddress)}; if it does, this answer is not one ${server.name} gives.`,
			{ httpStatus: response.status },
		);

	const { access_token, token_type, expires_in, refresh_token, scope } = json;
	// The refresh token first: IDCS used the one presented, so a new one must survive whatever else is wrong.
	if (refresh_token !== undefined) {
		if (typeof refresh_token !== 'string' || !refresh_token) throw invalid('has a refresh_token that is not a string');
		if (!TOKEN_CHARACTERS.test(refresh_token)) {
			throw invalid('has a refresh_token with spaces, control or non-ASCII characters');
		}
		checks.onRefreshToken?.(refresh_token);
	}
	if (typeof access_token !== 'string' || !access_token) throw invalid('has no access_token');
	if (!TOKEN_CHARACTERS.test(access_token)) {
		throw invalid('has an access_token with spaces, control or non-ASCII characters');
	}
	if (typeof token_type !== 'string' || token_type.toLowerCase() !== 'bearer') {
		throw invalid('has a token_type other than Bearer');
	}
	if (typeof expires_in !== 'number' || Number.isNaN(expires_in) || expires_in <= 0) {
		throw invalid('has no valid expires_in (a positive number of seconds)');
	}
	if (scope !== undefined && typeof scope !== 'string') throw invalid('has a scope that is not a string');

	const expiresIn = Math.min(expires_in, MAX_EXPIRES_IN_SECONDS);
	return {
		accessToken: access_token,
		tokenType: 'Bearer',
		expiresIn,
		expiresAt: receivedAt + expiresIn * 1000,
		...(refresh_token ? { refreshToken: refresh_token } : {}),
		...(scope ? { scope } : {}),
	};
}
