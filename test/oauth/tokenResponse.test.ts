import { OAuthError, processTokenResponse } from '../../nodes/FieldServiceToken/oauth';
import { json } from '../support/fakeTransport';

const receivedAt = Date.parse('2026-11-26T10:00:00Z');
const secrets = ['client-secret-value', 'refresh-token-value'];

function failure(response: Parameters<typeof processTokenResponse>[0]): OAuthError {
	try {
		processTokenResponse(response, secrets, receivedAt);
	} catch (error) {
		return error as OAuthError;
	}
	throw new Error('expected processTokenResponse to fail');
}

describe('processTokenResponse', () => {
	it('reads the seed response and dates its expiry from expires_in', () => {
		const tokenSet = processTokenResponse(
			json(200, {
				access_token: 'eyJ4NXQjUzI1NiI6Ink5bm.6VBDe_Utj5C0kA',
				token_type: 'Bearer',
				expires_in: 3349,
				refresh_token: 'AgAgZDliM2M1OGUwY.yVHFGigEP5AB7zfYQ==',
			}),
			secrets,
			receivedAt,
		);
		expect(tokenSet).toEqual({
			accessToken: 'eyJ4NXQjUzI1NiI6Ink5bm.6VBDe_Utj5C0kA',
			tokenType: 'Bearer',
			expiresIn: 3349,
			expiresAt: receivedAt + 3349_000,
			refreshToken: 'AgAgZDliM2M1OGUwY.yVHFGigEP5AB7zfYQ==',
		});
	});

	it('keeps the scope when IDCS returns one, and accepts token_type in any case', () => {
		const tokenSet = processTokenResponse(
			json(200, { access_token: 'a', token_type: 'bearer', expires_in: 60, scope: 'urn:opc:resource:consumer::all' }),
			secrets,
			receivedAt,
		);
		expect(tokenSet).toEqual({
			accessToken: 'a',
			tokenType: 'Bearer',
			expiresIn: 60,
			expiresAt: receivedAt + 60_000,
			scope: 'urn:opc:resource:consumer::all',
		});
	});

	it.each([
		[
			'invalid_grant',
			400,
			'The refresh token or authorization code was rejected: it is expired, revoked or already used (invalid_grant)',
			/Authorize again with offline_access.*7 days by default/,
		],
		[
			'invalid_client',
			401,
			'IDCS did not accept the client credentials (invalid_client)',
			/Check the client ID and secret.*Client Authentication/,
		],
		['invalid_scope', 400, 'IDCS did not accept the requested scope (invalid_scope)', /resource scope/],
		[
			'unauthorized_client',
			400,
			'The IDCS application is not allowed to use this grant type (unauthorized_client)',
			/allow the Refresh Token and Authorization Code grant types/,
		],
		[
			'unsupported_grant_type',
			400,
			'The token endpoint does not support this grant type (unsupported_grant_type)',
			/domain URL/,
		],
	])('turns error %s into a message that says what to do', (error, status, message, hint) => {
		const result = failure(json(status, { error, error_description: 'grant is invalid' }));
		expect(result).toBeInstanceOf(OAuthError);
		expect(result.code).toBe(error);
		expect(result.message).toBe(message);
		expect(result.hint).toMatch(hint);
		expect(result.httpStatus).toBe(status);
		expect(result.serverDescription).toBe('grant is invalid');
	});

	it('redacts secrets that a server echoes in error_description', () => {
		const result = failure(
			json(400, {
				error: 'invalid_grant',
				error_description: 'token refresh-token-value for client-secret-value is unknown',
			}),
		);
		expect(result.serverDescription).toBe('token [redacted] for [redacted] is unknown');
	});

	it.each([['constructor'], ['toString'], ['__proto__'], ['hasOwnProperty']])(
		'looks error codes up as its own: "%s" is an unknown code, not a property of every object',
		(error) => {
			const result = failure(json(400, { error, error_description: 'odd' }));
			expect(result.code).toBe('unexpected_status');
			expect(result.message).toBe(`The IDCS token endpoint answered HTTP 400 with error "${error}"`);
			expect(result.hint).toBe(
				'Check the IDCS application configuration and try again; if it persists, look for the request in the IDCS audit log.',
			);
		},
	);

	it('names an unknown error code without trusting it', () => {
		const result = failure(json(400, { error: 'weird_thing' }));
		expect(result.code).toBe('unexpected_status');
		expect(result.message).toBe('The IDCS token endpoint answered HTTP 400 with error "weird_thing"');
	});

	it('recognises an HTML page from a proxy and does not quote it', () => {
		const result = failure({
			status: 502,
			headers: { 'content-type': 'text/html' },
			body: '<html><body>Bad gateway refresh-token-value</body></html>',
		});
		expect(result.code).toBe('server_error');
		expect(result.message).toBe('The IDCS token endpoint answered HTTP 502 with an HTML page (text/html)');
	});

	it('recognises an HTML login page answered with 200', () => {
		const result = failure({
			status: 200,
			headers: { 'content-type': 'text/html; charset=utf-8' },
			body: '<!DOCTYPE html><title>Sign In</title>',
		});
		expect(result.code).toBe('non_json_response');
		expect(result.message).toBe(
			'The IDCS token endpoint answered with an HTML page (text/html; charset=utf-8) instead of a token',
		);
	});

	it.each([
		[{ token_type: 'Bearer', expires_in: 60 }, 'The IDCS token response has no access_token'],
		[{ access_token: '', token_type: 'Bearer', expires_in: 60 }, 'The IDCS token response has no access_token'],
		[{ access_token: 'a', expires_in: 60 }, 'The IDCS token response has a token_type other than Bearer'],
		[
			{ access_token: 'a', token_type: 'MAC', expires_in: 60 },
			'The IDCS token response has a token_type other than Bearer',
		],
		[
			{ access_token: 'a', token_type: 'Bearer' },
			'The IDCS token response has no valid expires_in (a positive number of seconds)',
		],
		[
			{ access_token: 'a', token_type: 'Bearer', expires_in: '3600' },
			'The IDCS token response has no valid expires_in (a positive number of seconds)',
		],
		[
			{ access_token: 'a', token_type: 'Bearer', expires_in: 0 },
			'The IDCS token response has no valid expires_in (a positive number of seconds)',
		],
		[
			{ access_token: 'a', token_type: 'Bearer', expires_in: -5 },
			'The IDCS token response has no valid expires_in (a positive number of seconds)',
		],
		[
			{ access_token: 'a', token_type: 'Bearer', expires_in: 60, refresh_token: 42 },
			'The IDCS token response has a refresh_token that is not a string',
		],
		[
			{ access_token: '    ', token_type: 'Bearer', expires_in: 60 },
			'The IDCS token response has an access_token with spaces, control or non-ASCII characters',
		],
		[
			{ access_token: 'eyJ.a b.c', token_type: 'Bearer', expires_in: 60 },
			'The IDCS token response has an access_token with spaces, control or non-ASCII characters',
		],
		[
			{ access_token: 'at\r\nX-Injected: 1', token_type: 'Bearer', expires_in: 60 },
			'The IDCS token response has an access_token with spaces, control or non-ASCII characters',
		],
		[
			{ access_token: ' at', token_type: 'Bearer', expires_in: 60 },
			'The IDCS token response has an access_token with spaces, control or non-ASCII characters',
		],
		[
			{ access_token: 'at\u0000', token_type: 'Bearer', expires_in: 60 },
			'The IDCS token response has an access_token with spaces, control or non-ASCII characters',
		],
		[
			{ access_token: 'àt', token_type: 'Bearer', expires_in: 60 },
			'The IDCS token response has an access_token with spaces, control or non-ASCII characters',
		],
		[
			{ access_token: 'a', token_type: 'Bearer', expires_in: 60, refresh_token: '  ' },
			'The IDCS token response has a refresh_token with spaces, control or non-ASCII characters',
		],
		[
			{ access_token: 'a', token_type: 'Bearer', expires_in: 60, refresh_token: 'rt\n' },
			'The IDCS token response has a refresh_token with spaces, control or non-ASCII characters',
		],
	])('refuses a token response that is not one (%j)', (body, message) => {
		const result = failure(json(200, body));
		expect(result.code).toBe('invalid_token_response');
		expect(result.message).toBe(message);
	});
});

describe('processTokenResponse bounds', () => {
	it.each([
		[9e12, 86_400],
		[1e308, 86_400],
		[86_401, 86_400],
		[86_400, 86_400],
		[3349, 3349],
	])('takes expires_in %p as %p seconds: at most a day', (expiresIn, taken) => {
		const tokenSet = processTokenResponse(
			json(200, { access_token: 'a', token_type: 'Bearer', expires_in: expiresIn }),
			secrets,
			receivedAt,
		);
		expect(tokenSet.expiresIn).toBe(taken);
		expect(tokenSet.expiresAt).toBe(receivedAt + taken * 1000);
		expect(new Date(tokenSet.expiresAt).toISOString()).toBe(new Date(receivedAt + taken * 1000).toISOString());
	});

	it('takes an expires_in of 1e309 (Infinity once parsed) as a day too', () => {
		const tokenSet = processTokenResponse(
			{
				status: 200,
				headers: { 'content-type': 'application/json' },
				body: '{"access_token":"a","token_type":"Bearer","expires_in":1e309}',
			},
			secrets,
			receivedAt,
		);
		expect(tokenSet.expiresIn).toBe(86_400);
	});

	it('refuses a body beyond its size limit before parsing it, with the same warning as a timeout', () => {
		const body = JSON.stringify({ access_token: 'a'.repeat(2000), token_type: 'Bearer', expires_in: 60 });
		let error: OAuthError | undefined;
		try {
			processTokenResponse(json(200, JSON.parse(body)), secrets, receivedAt, { maxBytes: 1000, host: 'idcs.example' });
		} catch (e) {
			error = e as OAuthError;
		}
		expect(error).toMatchObject({
			code: 'response_too_large',
			message: 'The IDCS token endpoint at idcs.example sent an answer larger than 1000 bytes',
		});
		expect(error?.hint).toMatch(/The request was not resent, because IDCS may already have used the refresh token/);
		expect(
			processTokenResponse(json(200, JSON.parse(body)), secrets, receivedAt, { maxBytes: body.length }).accessToken,
		).toHaveLength(2000);
	});

	it('by default allows 1 MiB', () => {
		const token = (length: number) =>
			json(200, { access_token: 'a'.repeat(length), token_type: 'Bearer', expires_in: 60 });
		const overhead = JSON.stringify({ access_token: '', token_type: 'Bearer', expires_in: 60 }).length;
		expect(processTokenResponse(token(1024 * 1024 - overhead), secrets, receivedAt).accessToken).toHaveLength(
			1024 * 1024 - overhead,
		);
		expect(() => processTokenResponse(token(1024 * 1024 - overhead + 1), secrets, receivedAt)).toThrow(
			'The IDCS token endpoint sent an answer larger than 1 MiB',
		);
	});

	it('tells of a new refresh token before it checks the access token, and only of a valid one', () => {
		const told: string[] = [];
		const onRefreshToken = (refreshToken: string) => told.push(refreshToken);
		expect(() =>
			processTokenResponse(
				json(200, { access_token: ' ', token_type: 'Bearer', expires_in: 60, refresh_token: 'rt-2' }),
				secrets,
				receivedAt,
				{ onRefreshToken },
			),
		).toThrow('The IDCS token response has an access_token with spaces, control or non-ASCII characters');
		expect(told).toEqual(['rt-2']);
		expect(() =>
			processTokenResponse(json(200, { token_type: 'Bearer', refresh_token: ' rt-3' }), secrets, receivedAt, {
				onRefreshToken,
			}),
		).toThrow('The IDCS token response has a refresh_token with spaces, control or non-ASCII characters');
		expect(() =>
			processTokenResponse(json(400, { error: 'invalid_grant', refresh_token: 'rt-4' }), secrets, receivedAt, {
				onRefreshToken,
			}),
		).toThrow(/invalid_grant/);
		expect(told).toEqual(['rt-2']);
	});
});
