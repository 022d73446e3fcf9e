import { execFileSync } from 'child_process';
import { X509Certificate, verify } from 'crypto';

import {
	AccessTokenCache,
	assertionClaims,
	clientAssertion,
	clientCredentialsGrantRequest,
	clientSecretBasic,
	jwtBearerGrantRequest,
	signingKey,
	statelessAccessToken,
	userAssertionGrant,
} from '../../nodes/FieldServiceToken/oauth';
import { scriptedTransport, tokenAnswer } from '../support/fakeTransport';
import { selfSignedCertificate } from '../support/selfSignedCertificate';

const { key: privateKey, cert: certificate } = selfSignedCertificate();
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('signingKey', () => {
	it('signs RS256 JWTs with typ JWT and kid, that verify with the certificate', () => {
		const key = signingKey({ privateKey, keyId: 'my-alias' });
		const jwt = key.sign({ sub: 'x' });
		const [header, payload, signature] = jwt.split('.');
		expect(decode(header)).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'my-alias' });
		expect(decode(payload)).toEqual({ sub: 'x' });
		const publicKey = new X509Certificate(certificate).publicKey;
		expect(verify('sha256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'))).toBe(
			true,
		);
	});

	it('sends x5t, the base64url SHA-1 thumbprint openssl gives for the certificate, when there is no key ID', () => {
		const fingerprint = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha1'], {
			input: certificate,
			encoding: 'utf8',
		});
		const hex = fingerprint.split('=')[1].trim().replace(/:/g, '');
		const key = signingKey({ privateKey, certificate });
		expect(key.header).toEqual({ alg: 'RS256', typ: 'JWT', x5t: Buffer.from(hex, 'hex').toString('base64url') });
	});

	it('sends kid alone when both a key ID and a certificate are given: the credential promises the Key ID', () => {
		const key = signingKey({ privateKey, keyId: 'my-alias', certificate });
		expect(key.header).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'my-alias' });
		expect(decode(key.sign({}).split('.')[0])).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'my-alias' });
	});

	it('reads a key pasted with literal \\n, as from an environment variable', () => {
		expect(signingKey({ privateKey: privateKey.replace(/\n/g, '\\n'), keyId: 'a' }).sign({})).toMatch(
			/^[\w-]+\.[\w-]+\.[\w-]+$/,
		);
	});
});

describe('clientAssertion', () => {
	it('adds client_assertion_type and a new client_assertion to each request, and no secret', () => {
		const authentication = clientAssertion('client-id', signingKey({ privateKey, keyId: 'alias' }), {
			now: () => Date.parse('2026-11-26T10:00:00Z'),
		});
		const request = () =>
			new URLSearchParams(
				clientCredentialsGrantRequest({
					tokenEndpoint: 'https://idcs.example.com/oauth2/v1/token',
					scope: 's',
					clientAuthentication: authentication,
				}).body,
			);
		const [first, second] = [request(), request()];
		expect([...first.keys()]).toEqual(['grant_type', 'scope', 'client_assertion_type', 'client_assertion']);
		expect(first.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
		const claims = decode(first.get('client_assertion')!.split('.')[1]);
		expect(claims).toEqual({
			iss: 'client-id',
			sub: 'client-id',
			aud: ['https://identity.oraclecloud.com/', 'https://idcs.example.com', 'https://idcs.example.com/'],
			iat: 1795687200,
			exp: 1795687500,
			jti: expect.any(String),
		});
		expect(decode(second.get('client_assertion')!.split('.')[1]).jti).not.toBe(claims.jti);
		expect(authentication.method).toBe('private_key_jwt');
		expect(authentication.secrets).toEqual([
			expect.stringContaining(privateKey.trim()),
			first.get('client_assertion'),
			second.get('client_assertion'),
		]);
	});

	it('is keyed for reuse by the key and how it is named, never equal for another key', () => {
		const other = selfSignedCertificate().key;
		const proofs = [
			clientAssertion('c', signingKey({ privateKey, keyId: 'a' })).proof,
			clientAssertion('c', signingKey({ privateKey, keyId: 'b' })).proof,
			clientAssertion('c', signingKey({ privateKey: other, keyId: 'a' })).proof,
			clientAssertion('c', signingKey({ privateKey, certificate })).proof,
		];
		expect(new Set(proofs).size).toBe(4);
	});

	it('makes claims with a unique jti and exp a few minutes after iat', () => {
		const a = assertionClaims({ issuer: 'i', subject: 's', audience: 'a', now: 1000_000 });
		const b = assertionClaims({ issuer: 'i', subject: 's', audience: 'a', now: 1000_000 });
		expect(a).toEqual({ iss: 'i', sub: 's', aud: 'a', iat: 1000, exp: 1300, jti: expect.any(String) });
		expect(a.jti).not.toBe(b.jti);
	});
});

describe('the user assertion grant', () => {
	const tokenEndpoint = 'https://idcs.example.com/oauth2/v1/token';
	const key = signingKey({ privateKey, keyId: 'alias' });

	it('sends grant_type jwt-bearer, an assertion for the user signed by the application, the scope and the client authentication', () => {
		const request = jwtBearerGrantRequest({
			tokenEndpoint,
			userName: ' ofs.dispatcher ',
			scope: 'urn:opc:resource:consumer::all',
			signingKey: key,
			clientAuthentication: clientSecretBasic('client-id', 'secret'),
			now: () => 1000_000,
		});
		const form = new URLSearchParams(request.body);
		expect([...form.keys()]).toEqual(['grant_type', 'assertion', 'scope']);
		expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
		expect(request.headers.Authorization).toBe(`Basic ${Buffer.from('client-id:secret').toString('base64')}`);
		const [header, payload] = form.get('assertion')!.split('.').slice(0, 2).map(decode);
		expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'alias' });
		expect(payload).toEqual({
			iss: 'client-id',
			sub: 'ofs.dispatcher',
			aud: ['https://identity.oraclecloud.com/', 'https://idcs.example.com', 'https://idcs.example.com/'],
			iat: 1000,
			exp: 1300,
			jti: expect.any(String),
		});
	});

	it('refuses an empty user name before anything is sent', () => {
		expect(() =>
			userAssertionGrant({
				tokenEndpoint,
				userName: '  ',
				scope: 's',
				signingKey: key,
				clientAuthentication: clientSecretBasic('c', 's'),
			}),
		).toThrow('The user name is empty');
	});

	it('reuses a token only for the same user and the same signing key', async () => {
		const scripted = scriptedTransport(tokenAnswer('at-1'), tokenAnswer('at-2'), tokenAnswer('at-3'));
		const cache = new AccessTokenCache();
		const token = (userName: string, signing = key) =>
			statelessAccessToken(
				userAssertionGrant({
					tokenEndpoint,
					userName,
					scope: 's',
					signingKey: signing,
					clientAuthentication: clientSecretBasic('c', 'secret'),
				}),
				{ enabled: true, marginSeconds: 60 },
				{ transport: scripted.transport, sleep: async () => {}, cache },
			).then((r) => [r.tokenSet.accessToken, r.fromCache]);
		expect(await token('a')).toEqual(['at-1', false]);
		expect(await token('a')).toEqual(['at-1', true]);
		expect(await token('b')).toEqual(['at-2', false]);
		expect(await token('a', signingKey({ privateKey: selfSignedCertificate().key, keyId: 'alias' }))).toEqual([
			'at-3',
			false,
		]);
	});
});
