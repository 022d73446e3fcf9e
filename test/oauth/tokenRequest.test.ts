import { none, refreshTokenGrantRequest } from '../../nodes/FieldServiceToken/oauth';

const tokenEndpoint = 'https://idcs-0123456789abcdef.identity.oraclecloud.com/oauth2/v1/token';
const request = (timeoutMs?: number) =>
	refreshTokenGrantRequest({ tokenEndpoint, refreshToken: 'rt', clientAuthentication: none('m'), timeoutMs });

describe('the timeout of a token request', () => {
	it.each([[1_000], [30_000], [300_000]])('takes %p ms as is', (timeoutMs) => {
		expect(request(timeoutMs).timeoutMs).toBe(timeoutMs);
	});

	it('is 30 s when not given', () => {
		expect(request().timeoutMs).toBe(30_000);
	});

	// 2,147,484 s overflows Node's 32-bit timers, which then fire at once, after the request went out.
	it.each([[0], [999], [300_001], [2_147_484_000], [Infinity], [NaN], [-1]])(
		'refuses %p ms before anything is built',
		(timeoutMs) => {
			expect(() => request(timeoutMs)).toThrow(
				expect.objectContaining({
					code: 'invalid_input',
					message: 'The Timeout option must be between 1 and 300 seconds',
					hint: 'Set Options > Timeout (Seconds) to a number from 1 to 300; the default is 30.',
				}),
			);
		},
	);
});
