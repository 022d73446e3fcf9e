import {
	authorizationCodeGrantRequest,
	IDCS,
	clientSecretBasic,
	clientSecretPost,
	none,
	refreshTokenGrantRequest,
} from '../../nodes/FieldServiceToken/oauth';

const tokenEndpoint = 'https://idcs-0123456789abcdef.identity.oraclecloud.com/oauth2/v1/token';
const form = (body: string | undefined = '') => [...new URLSearchParams(body).entries()];
// The Oracle seed's content type, written out: the source's own constant could not catch a wrong one.
const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded;charset=UTF-8';

describe('client authentication of the refresh_token grant', () => {
	const secrets = ['plain-secret', 'a:b', '100%sure', 'x+y=z', 'with space', 'naïve-秘密'];

	it.each(secrets)(
		'Basic sends Authorization: Basic base64(id:secret) of the raw UTF-8 values, nothing in the body (%s)',
		(secret) => {
			const request = refreshTokenGrantRequest({
				tokenEndpoint,
				refreshToken: 'rt-1',
				clientAuthentication: clientSecretBasic('0123456789abcdef0123456789abcdef', secret),
			});
			expect(request).toEqual({
				method: 'POST',
				url: tokenEndpoint,
				headers: {
					'Content-Type': FORM_CONTENT_TYPE,
					Authorization:
						'Basic ' + Buffer.from(`0123456789abcdef0123456789abcdef:${secret}`, 'utf8').toString('base64'),
				},
				body: 'grant_type=refresh_token&refresh_token=rt-1',
				timeoutMs: 30_000,
				maxResponseBytes: 1024 * 1024,
				server: IDCS,
			});
		},
	);

	it('Basic header for a secret with ":" and non-ASCII is exactly what curl -u sends', () => {
		const request = refreshTokenGrantRequest({
			tokenEndpoint,
			refreshToken: 'rt',
			clientAuthentication: clientSecretBasic('id', 'p:ä'),
		});
		// curl -u 'id:p:ä' in a UTF-8 locale: base64 of the bytes 69 64 3a 70 3a c3 a4
		expect(request.headers.Authorization).toBe('Basic aWQ6cDrDpA==');
	});

	it.each(secrets)(
		'Body Fields sends client_id and client_secret form-encoded, and no Authorization header (%s)',
		(secret) => {
			const request = refreshTokenGrantRequest({
				tokenEndpoint,
				refreshToken: 'AgAgZDliM2M1OGUwY+/yVHFGigEP5AB7zfYQ==',
				clientAuthentication: clientSecretPost('client-1', secret),
			});
			expect(request.headers).toEqual({ 'Content-Type': FORM_CONTENT_TYPE });
			expect(form(request.body)).toEqual([
				['grant_type', 'refresh_token'],
				['refresh_token', 'AgAgZDliM2M1OGUwY+/yVHFGigEP5AB7zfYQ=='],
				['client_id', 'client-1'],
				['client_secret', secret],
			]);
		},
	);

	it('Body Fields encodes reserved characters so that they survive the form', () => {
		const request = refreshTokenGrantRequest({
			tokenEndpoint,
			refreshToken: 'r+t=/',
			clientAuthentication: clientSecretPost('id', 'a&b=c+d e%'),
		});
		expect(request.body).toBe(
			'grant_type=refresh_token&refresh_token=r%2Bt%3D%2F&client_id=id&client_secret=a%26b%3Dc%2Bd+e%25',
		);
	});

	it('a public client sends client_id only: no secret, no Authorization header', () => {
		const request = refreshTokenGrantRequest({
			tokenEndpoint,
			refreshToken: 'rt',
			clientAuthentication: none('mobile-app'),
		});
		expect(request.headers).toEqual({ 'Content-Type': FORM_CONTENT_TYPE });
		expect(request.body).toBe('grant_type=refresh_token&refresh_token=rt&client_id=mobile-app');
	});

	it('sends a scope only when one is given', () => {
		const request = refreshTokenGrantRequest({
			tokenEndpoint,
			refreshToken: 'rt',
			scope: ' urn:opc:resource:consumer::all ',
			clientAuthentication: none('m'),
		});
		expect(request.body).toBe(
			'grant_type=refresh_token&refresh_token=rt&scope=urn%3Aopc%3Aresource%3Aconsumer%3A%3Aall&client_id=m',
		);
	});

	it('refuses an empty refresh token before building anything', () => {
		expect(() =>
			refreshTokenGrantRequest({ tokenEndpoint, refreshToken: '  ', clientAuthentication: none('m') }),
		).toThrow(expect.objectContaining({ code: 'invalid_input', message: 'The refresh token is empty' }));
	});

	it.each(['undefined', 'null', ' undefined '])(
		'refuses the text %j (an expression that found nothing) as a refresh token or a code',
		(text) => {
			expect(() =>
				refreshTokenGrantRequest({ tokenEndpoint, refreshToken: text, clientAuthentication: none('m') }),
			).toThrow(
				expect.objectContaining({ code: 'invalid_input', message: `The refresh token is the text "${text.trim()}"` }),
			);
			expect(() =>
				authorizationCodeGrantRequest({
					tokenEndpoint,
					code: text,
					redirectUri: 'https://fs.example.com/plugin-auth-redirect/',
					clientAuthentication: none('m'),
				}),
			).toThrow(
				expect.objectContaining({
					code: 'invalid_input',
					message: `The authorization code is the text "${text.trim()}"`,
				}),
			);
		},
	);
});
