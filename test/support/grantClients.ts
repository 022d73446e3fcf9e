/** The local IDCS's clients for the grants beyond refresh token and code exchange, and their requests. */
import { clients, issuer, type LocalClient, type LoggedRequest } from './localIdcs';

export interface GrantClient extends Omit<LocalClient, 'authMethod'> {
	clientSecret: string;
	authMethod: string;
	grantTypes: string[];
}

const all = clients as unknown as Record<string, GrantClient>;
export const grantClients = {
	service: all.service,
	servicePost: all.servicePost,
	signed: all.signed,
	signedCheck: all.signedCheck,
};

export interface RegisteredKey {
	alias: string;
	privateKey: string;
	certificate: string;
	x5t: string;
}

/** The keys whose certificates are uploaded to the local IDCS's applications, by client name. */
export async function registeredKeys(): Promise<Record<string, RegisteredKey[]>> {
	const response = await fetch(`${issuer}/__admin/signing-keys`);
	return (await response.json()) as Record<string, RegisteredKey[]>;
}

/** Decodes a JWT's header and claims (no verification: the server does that). */
export function decodeJwt(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
	const [header, payload] = jwt
		.split('.')
		.slice(0, 2)
		.map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>);
	return { header, payload };
}

/** Token endpoint requests made by one client, oldest first (tests of one file run one at a time). */
export async function tokenRequestsOf(clientId: string, grantType?: string): Promise<LoggedRequest[]> {
	const response = await fetch(`${issuer}/__admin/requests?endpoint=token`);
	const logged = (await response.json()) as Array<LoggedRequest & { clientId?: string }>;
	return logged.filter((entry) => entry.clientId === clientId && (!grantType || entry.grantType === grantType));
}
