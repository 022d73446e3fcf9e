import { clientSecretBasic, clientSecretPost, none, redact } from '../../nodes/FieldServiceToken/oauth';

// Each way a token request carries a secret, written out by hand (not with the functions redact
// uses), for a secret whose encodings all differ: a space, and the characters !~'() that
// URLSearchParams encodes and encodeURIComponent leaves alone.
const SECRET = "s3cret (4711)!~'x";
const FORMS = {
	raw: "s3cret (4711)!~'x",
	'form-encoded (URLSearchParams: a request body)': 's3cret+%284711%29%21%7E%27x',
	"percent-encoded (encodeURIComponent, querystring: n8n's own OAuth2 client)": "s3cret%20(4711)!~'x",
	base64: Buffer.from("s3cret (4711)!~'x", 'utf8').toString('base64'),
};

describe('redact', () => {
	it.each(Object.entries(FORMS))('replaces the secret in its %s form', (_, form) => {
		expect(redact(`before ${form} after`, [SECRET])).toBe('before [redacted] after');
	});

	it('replaces every occurrence of every form of every secret', () => {
		const text = Object.values(FORMS).join(' | ') + ' | refresh-token-0815 | ' + FORMS.raw;
		expect(redact(text, [SECRET, 'refresh-token-0815'])).toBe(
			'[redacted] | [redacted] | [redacted] | [redacted] | [redacted] | [redacted]',
		);
	});

	it('replaces a longer secret whole when a shorter one is part of it', () => {
		expect(redact('token rt-0815-next, then rt-0815', ['rt-0815', 'rt-0815-next'])).toBe(
			'token [redacted], then [redacted]',
		);
	});

	it('leaves text without secrets, and values too short to be secrets, as they are', () => {
		expect(redact('grant_type=refresh_token&scope=a b', ['abc', '', 'other-secret'])).toBe(
			'grant_type=refresh_token&scope=a b',
		);
	});
});

describe('what each client authentication declares it sends, so that errors can redact it', () => {
	it('Basic: the secret and the exact base64 of client_id:client_secret in its Authorization header', () => {
		const basic = clientSecretBasic('client-1', SECRET);
		const headers: Record<string, string> = {};
		basic.apply(new URLSearchParams(), headers, 'https://idcs.example.com/oauth2/v1/token');
		const headerValue = headers.Authorization.replace(/^Basic /, '');
		expect(headerValue).toBe(Buffer.from(`client-1:${SECRET}`, 'utf8').toString('base64'));
		expect(basic.secrets).toEqual([SECRET, headerValue]);
		expect(redact(`got ${headers.Authorization}`, basic.secrets)).toBe('got Basic [redacted]');
	});

	it("Body Fields: the secret (its encodings are redact's business)", () => {
		const post = clientSecretPost('client-1', SECRET);
		const form = new URLSearchParams();
		post.apply(form, {}, 'https://idcs.example.com/oauth2/v1/token');
		expect(post.secrets).toEqual([SECRET]);
		expect(redact(`got ${form.toString()}`, post.secrets)).toBe('got client_id=client-1&client_secret=[redacted]');
	});

	it('a public client: nothing', () => {
		expect(none('mobile-app').secrets).toEqual([]);
	});
});
