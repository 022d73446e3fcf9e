import { AccessTokenExpiry } from '../../nodes/FieldServiceToken/oauth';

describe('AccessTokenExpiry', () => {
	it('answers the expiry it learned for a token, and nothing for another', () => {
		const expiry = new AccessTokenExpiry();
		expiry.learn('at-1', 1_000);
		expiry.learn('at-2', 2_000);
		expiry.learn('at-1', 3_000);
		expect(['at-1', 'at-2', 'at-3'].map((token) => expiry.expiresAt(token))).toEqual([3_000, 2_000, undefined]);
	});

	it('forgets the least recently learned tokens beyond its bound', () => {
		const expiry = new AccessTokenExpiry(2);
		for (const [index, token] of ['at-1', 'at-2', 'at-3'].entries()) expiry.learn(token, index);
		expect(['at-1', 'at-2', 'at-3'].map((token) => expiry.expiresAt(token))).toEqual([undefined, 1, 2]);
	});
});
