/** The suite's local IDCS (started once by globalSetup) and its test-only admin endpoints. */
export interface LocalClient {
	clientId: string;
	clientSecret: string | null;
	authMethod: 'client_secret_basic' | 'client_secret_post' | 'none';
}

export interface LoggedRequest {
	endpoint: string;
	method: string;
	headers: Record<string, string>;
	body: Record<string, string> | null;
	query: Record<string, string>;
	status: number;
	grantType?: string;
	clientAuth?: string;
	error?: string;
}

const settings = JSON.parse(process.env.LOCAL_IDCS ?? 'null') as {
	issuer: string;
	clients: Record<'basic' | 'post' | 'mobile', LocalClient>;
} | null;
if (!settings) throw new Error('LOCAL_IDCS is not set: run the tests through jest (globalSetup starts the local IDCS)');

export const issuer = settings.issuer;
export const clients = settings.clients;
export const RESOURCE_SCOPE = 'urn:opc:resource:consumer::all';

async function admin<T>(path: string, body?: unknown): Promise<T> {
	const response = await fetch(`${issuer}/__admin/${path}`, {
		method: body === undefined ? 'GET' : 'POST',
		headers: body === undefined ? undefined : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	if (!response.ok) throw new Error(`admin ${path}: HTTP ${response.status} ${await response.text()}`);
	return (await response.json()) as T;
}

/** A new grant with its own refresh token, so that tests never share one. */
export async function mintRefreshToken(
	client: keyof typeof clients,
	scope = `${RESOURCE_SCOPE} offline_access`,
	accountId?: string,
): Promise<string> {
	const { refresh_token } = await admin<{ refresh_token: string }>('refresh-tokens', { client, scope, accountId });
	return refresh_token;
}

export const revokeRefreshToken = (refreshToken: string) => admin('revoke', { refresh_token: refreshToken });

/** Token endpoint requests that presented `refreshToken` (the log is shared by parallel tests). */
export async function tokenRequestsWith(field: 'refresh_token' | 'code', value: string): Promise<LoggedRequest[]> {
	const all = await admin<LoggedRequest[]>('requests?endpoint=token');
	return all.filter((request) => request.body?.[field] === value);
}

/** Calls the stand-in OFS REST API with a token; answers its HTTP status. */
export async function callOfsApi(authorization: string): Promise<number> {
	const response = await fetch(`${issuer}/rest/ofscCore/v1/resources`, { headers: { authorization } });
	return response.status;
}

/** The refresh_token grant as the registered client sends it, straight to the local IDCS (what another
 * n8n process refreshing the same credential does); answers the token response. */
export async function refreshAtIdcs(
	client: keyof typeof clients,
	refreshToken: string,
): Promise<{ access_token: string; refresh_token: string; expires_in: number }> {
	const { clientId, clientSecret, authMethod } = clients[client];
	const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
	const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
	if (authMethod === 'client_secret_basic')
		headers.authorization = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
	else body.set('client_id', clientId);
	if (authMethod === 'client_secret_post') body.set('client_secret', clientSecret ?? '');
	const response = await fetch(`${issuer}/oauth2/v1/token`, { method: 'POST', headers, body });
	if (!response.ok) throw new Error(`local IDCS token endpoint: HTTP ${response.status} ${await response.text()}`);
	return (await response.json()) as { access_token: string; refresh_token: string; expires_in: number };
}

/** Whom an access token acts for, as the local IDCS knows it (introspected by the client it was issued to). */
export async function subjectOf(accessToken: string, client: keyof typeof clients = 'basic'): Promise<string> {
	const { clientId, clientSecret } = clients[client];
	const response = await fetch(`${issuer}/oauth2/v1/introspect`, {
		method: 'POST',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
		},
		body: new URLSearchParams({ token: accessToken }).toString(),
	});
	return ((await response.json()) as { sub: string }).sub;
}
