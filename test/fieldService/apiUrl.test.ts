import { ApiInputError, apiUrl, instanceOrigin } from '../../nodes/FieldService/api';

// A request carries a token or a secret: it goes to the instance, under /rest/, or nowhere.

const ORIGIN = 'https://acme.fs.ocs.oraclecloud.com';

it.each([
	['https://acme.fs.ocs.oraclecloud.com/', ORIGIN],
	['acme.fs.ocs.oraclecloud.com', ORIGIN],
	['  https://acme.fs.ocs.oraclecloud.com/rest/ofscCore  ', ORIGIN],
	['http://127.0.0.1:4100', 'http://127.0.0.1:4100'],
])('instance %s is %s', (given, origin) => {
	expect(instanceOrigin(given)).toBe(origin);
});

it.each([['http://acme.fs.ocs.oraclecloud.com'], ['ftp://acme'], ['']])('instance %s is refused', (given) => {
	expect(() => instanceOrigin(given)).toThrow(ApiInputError);
});

it('a path with its query, values undefined or empty left out', () => {
	expect(apiUrl(ORIGIN, '/rest/ofscCore/v1/activities', { dateFrom: '2026-12-01', q: undefined, fields: '' })).toBe(
		`${ORIGIN}/rest/ofscCore/v1/activities?dateFrom=2026-12-01`,
	);
});

it.each([
	['https://evil.example/rest/x'],
	['//evil.example/rest/x'],
	['/rest/../oauth2/v1/token'],
	['/rest/%2e%2e/x'],
	['/rest/x?token=1'],
	['/rest/a%2Fb/../../x'],
	['/oauth2/v1/token'],
	['/rest\\..\\x'],
	['rest/ofscCore'],
])('path %s is refused', (path) => {
	expect(() => apiUrl(ORIGIN, path)).toThrow('is not a Field Service REST path');
});
