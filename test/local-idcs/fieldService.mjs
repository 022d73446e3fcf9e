// Stand-in for Oracle Field Service's own token service (Oracle: "oauthTokenService v2"): one
// instance with one application, whose tokens the stand-in OFS REST API accepts beside the local
// IDCS's. Hooked into server.mjs.
import { randomBytes, verify } from 'node:crypto';
import querystring from 'node:querystring';

import { AssertionError, MAX_ASSERTION_LIFETIME_SECONDS, decodeJwt } from './assertions.mjs';
import { makeSigningKey } from './signingKeys.mjs';

export const FIELD_SERVICE_TOKEN_PATH = '/rest/oauthTokenService/v2/token';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** The instance, its application (Configuration > Applications) and the logins of its users. */
export const FIELD_SERVICE = Object.freeze({
	instance: 'localfs',
	clientId: 'ofs-n8n-integration-client',
	clientSecret: 'local-ofs-secret-0007',
	applicationId: 'n8n_integration',
	users: Object.freeze(['ofs.dispatcher', 'tech.0042']),
});

const epochSeconds = () => Math.floor(Date.now() / 1000);

function answer(ctx, status, body) {
	ctx.status = status;
	ctx.set('Cache-Control', 'no-store');
	ctx.body = body;
}

/** Basic <client id>@<instance>:<secret>, as Field Service takes it for its application. */
export function basicApplication(header) {
	const match = /^basic\s+(\S+)$/i.exec(header ?? '');
	if (!match) return undefined;
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	return colon === -1 ? undefined : { user: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

export function createFieldService({ accessTokenTtl }) {
	const key = makeSigningKey('ofs-n8n-integration');
	const audience = `ofsc:${FIELD_SERVICE.instance}:${FIELD_SERVICE.applicationId}`;
	const tokens = new Map();
	const requests = [];

	function issue(subject, dynamicScope) {
		const accessToken = randomBytes(32).toString('base64url');
		const expiresIn = accessTokenTtl();
		tokens.set(accessToken, { subject, dynamicScope, expiresAt: epochSeconds() + expiresIn });
		return { access_token: accessToken, token_type: 'bearer', expires_in: expiresIn };
	}

	/**
	 * `ofsc_dynamic_scope`: space-separated request URLs the token is limited to; the REST paths they
	 * name, or undefined when none was asked for. A value that is no REST request URL is invalid_scope.
	 */
	function dynamicScopeOf(form) {
		if (form.ofsc_dynamic_scope === undefined) return undefined;
		return new Set(
			String(form.ofsc_dynamic_scope)
				.trim()
				.split(/\s+/)
				.map((value) => {
					const url = URL.canParse(value) ? new URL(value) : undefined;
					if (!url?.pathname.startsWith('/rest/')) {
						throw new AssertionError(`ofsc_dynamic_scope: ${value} is not a REST request URL of this instance`);
					}
					return url.pathname;
				}),
		);
	}

	function applicationCredentialsValid(header) {
		const basic = basicApplication(header);
		return (
			basic?.user === `${FIELD_SERVICE.clientId}@${FIELD_SERVICE.instance}` &&
			basic.secret === FIELD_SERVICE.clientSecret
		);
	}

	/** The JWT assertion: RS256, signed by the application's uploaded key, aud and sub, a short future exp. */
	function assertionSubject(assertion) {
		const { header, payload, signingInput, signature } = decodeJwt(assertion);
		if (header.alg !== 'RS256') throw new AssertionError('alg must be RS256');
		if (payload.aud !== audience) throw new AssertionError(`aud must be ${audience}`);
		if (!verify('sha256', Buffer.from(signingInput), key.publicKey, signature)) {
			throw new AssertionError("the signature does not verify with the application's public key");
		}
		const now = epochSeconds();
		if (typeof payload.exp !== 'number' || payload.exp <= now) throw new AssertionError('the assertion has expired');
		const issuedAt = typeof payload.iat === 'number' ? payload.iat : now;
		if (payload.exp - issuedAt > MAX_ASSERTION_LIFETIME_SECONDS) {
			throw new AssertionError(`the assertion may live ${MAX_ASSERTION_LIFETIME_SECONDS} s at most`);
		}
		if (payload.sub !== audience && !FIELD_SERVICE.users.includes(payload.sub)) {
			throw new AssertionError(`sub must be ${audience} or the login of an active user`);
		}
		return payload.sub;
	}

	async function tokenService(ctx) {
		const chunks = [];
		for await (const chunk of ctx.req) chunks.push(chunk);
		const form = ctx.is('application/x-www-form-urlencoded')
			? { ...querystring.parse(Buffer.concat(chunks).toString('utf8')) }
			: {};
		const entry = { grantType: form.grant_type, body: form, authorization: ctx.get('authorization') || undefined };
		requests.push(entry);
		let dynamicScope;
		try {
			dynamicScope = dynamicScopeOf(form);
		} catch (error) {
			answer(ctx, 400, { error: 'invalid_scope', error_description: error.message });
			entry.status = ctx.status;
			entry.error = ctx.body.error;
			return;
		}
		if (form.grant_type === 'client_credentials') {
			if (!applicationCredentialsValid(ctx.get('authorization'))) {
				ctx.set('WWW-Authenticate', 'Basic');
				answer(ctx, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
			} else {
				answer(ctx, 200, issue(audience, dynamicScope));
			}
		} else if (form.grant_type === JWT_BEARER) {
			try {
				answer(ctx, 200, issue(assertionSubject(form.assertion), dynamicScope));
			} catch (error) {
				if (!(error instanceof AssertionError)) throw error;
				answer(ctx, 400, { error: 'invalid_grant', error_description: error.message });
			}
		} else {
			answer(ctx, 400, { error: 'unsupported_grant_type', error_description: `grant_type ${form.grant_type}` });
		}
		entry.status = ctx.status;
		entry.error = ctx.body.error;
	}

	return {
		/** Koa middleware: the token service, and test-only admin routes. */
		async routes(ctx, next) {
			if (ctx.method === 'POST' && ctx.path === FIELD_SERVICE_TOKEN_PATH) return tokenService(ctx);
			if (ctx.method === 'GET' && ctx.path === '/__admin/field-service') {
				ctx.body = { ...FIELD_SERVICE, privateKey: key.privateKey, publicKey: key.certificate, requests };
				return undefined;
			}
			return next();
		},
		/**
		 * Whether the OFS REST API takes this Authorization header for a request to `path`: a live token
		 * of the service (within its dynamic scope, if it has one), or Basic.
		 */
		accepts(authorization, path) {
			const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
			if (bearer) {
				const token = tokens.get(bearer[1]);
				return Boolean(
					token && token.expiresAt > epochSeconds() && (!token.dynamicScope || token.dynamicScope.has(path)),
				);
			}
			return applicationCredentialsValid(authorization);
		},
	};
}
