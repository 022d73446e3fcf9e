import { createHash } from 'crypto';

import {
	authorizationRequest,
	codeChallengeS256,
	getAuthorizationCodeMessage,
	scopeWithOfflineAccess,
} from '../../nodes/FieldServiceToken/oauth';

const authorizationEndpoint = 'https://idcs-0123456789abcdef.identity.oraclecloud.com/oauth2/v1/authorize';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('authorizationRequest', () => {
	it("builds the seed's authorize URL: spaces as %20, never +", () => {
		const request = authorizationRequest({
			authorizationEndpoint,
			clientId: 'client-1',
			redirectUri: 'https://field-service-doamin.com/plugin-auth-redirect/',
			scope: 'urn:opc:resource:faaas:fa:1234urn:opc:resource:consumer::all offline_access',
			state: 'state-1',
			pkce: false,
		});
		expect(request).toEqual({
			url:
				'https://idcs-0123456789abcdef.identity.oraclecloud.com/oauth2/v1/authorize?response_type=code&client_id=client-1' +
				'&redirect_uri=https%3A%2F%2Ffield-service-doamin.com%2Fplugin-auth-redirect%2F' +
				'&scope=urn%3Aopc%3Aresource%3Afaaas%3Afa%3A1234urn%3Aopc%3Aresource%3Aconsumer%3A%3Aall%20offline_access&state=state-1',
			state: 'state-1',
		});
		expect(request.url).not.toContain('+');
		expect(new URL(request.url).searchParams.get('scope')).toBe(
			'urn:opc:resource:faaas:fa:1234urn:opc:resource:consumer::all offline_access',
		);
	});

	it('adds an S256 challenge that matches the verifier it returns', () => {
		const request = authorizationRequest({
			authorizationEndpoint,
			clientId: 'mobile',
			redirectUri: 'https://x.example/plugin-auth-redirect/',
			scope: 'offline_access',
			pkce: true,
		});
		const query = new URL(request.url).searchParams;
		expect(request.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
		const expected = createHash('sha256').update(request.codeVerifier!).digest('base64url');
		expect(query.get('code_challenge')).toBe(expected);
		expect(codeChallengeS256(request.codeVerifier!)).toBe(expected);
		expect(query.get('code_challenge_method')).toBe('S256');
	});

	it('RFC 7636 appendix B: the challenge of the example verifier', () => {
		expect(codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
			'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
		);
	});

	it('makes a random state when none is given, different each time', () => {
		const input = {
			authorizationEndpoint,
			clientId: 'c',
			redirectUri: 'https://x.example/cb',
			scope: 'offline_access',
			pkce: false,
		};
		const a = authorizationRequest(input);
		const b = authorizationRequest(input);
		expect(a.state).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(a.state).not.toBe(b.state);
		expect(new URL(a.url).searchParams.get('state')).toBe(a.state);
	});

	it('refuses an empty redirect URI and a plain http endpoint', () => {
		const input = { authorizationEndpoint, clientId: 'c', redirectUri: ' ', scope: 'offline_access', pkce: false };
		expect(() => authorizationRequest(input)).toThrow(
			expect.objectContaining({ code: 'invalid_input', message: 'The redirect URI is empty' }),
		);
		expect(() =>
			authorizationRequest({
				...input,
				redirectUri: 'https://x/cb',
				authorizationEndpoint: 'http://idcs.example.com/oauth2/v1/authorize',
			}),
		).toThrow(expect.objectContaining({ code: 'insecure_domain_url' }));
	});

	it.each([
		'https://user:pass@idcs-0123456789abcdef.identity.oraclecloud.com/oauth2/v1/authorize',
		'https://idcs-0123456789abcdef.identity.oraclecloud.com@127.0.0.1/oauth2/v1/authorize',
	])('refuses an authorize endpoint with a user name or password: %s', (endpoint) => {
		expect(() =>
			authorizationRequest({
				authorizationEndpoint: endpoint,
				clientId: 'c',
				redirectUri: 'https://x/cb',
				scope: 'offline_access',
				pkce: false,
			}),
		).toThrow(
			expect.objectContaining({
				code: 'invalid_domain_url',
				message: 'The IDCS authorization endpoint URL must not contain a user name or password (an @ before the host)',
			}),
		);
	});
});

describe('scopeWithOfflineAccess', () => {
	it.each([
		['urn:opc:resource:consumer::all', 'urn:opc:resource:consumer::all offline_access'],
		['', 'offline_access'],
		['  a   b ', 'a b offline_access'],
		['offline_access urn:x', 'offline_access urn:x'],
	])('%j becomes %j', (scope, expected) => {
		expect(scopeWithOfflineAccess(scope)).toBe(expected);
	});
});

describe('getAuthorizationCodeMessage', () => {
	it('is the exact Plugin API message, with a fresh UUID callId each time', () => {
		const a = getAuthorizationCodeMessage('https://idcs.example/oauth2/v1/authorize?x=1');
		const b = getAuthorizationCodeMessage('https://idcs.example/oauth2/v1/authorize?x=1');
		expect(a).toEqual({
			apiVersion: 1,
			method: 'callProcedure',
			procedure: 'getAuthorizationCode',
			callId: expect.stringMatching(UUID),
			params: { url: 'https://idcs.example/oauth2/v1/authorize?x=1' },
		});
		expect(Object.keys(a)).toEqual(['apiVersion', 'method', 'procedure', 'callId', 'params']);
		expect(a.callId).not.toBe(b.callId);
	});
});
