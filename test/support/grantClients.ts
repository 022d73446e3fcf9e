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
};

/** Token endpoint requests made by one client, oldest first (tests of one file run one at a time). */
export async function tokenRequestsOf(clientId: string, grantType?: string): Promise<LoggedRequest[]> {
	const response = await fetch(`${issuer}/__admin/requests?endpoint=token`);
	const logged = (await response.json()) as Array<LoggedRequest & { clientId?: string }>;
	return logged.filter((entry) => entry.clientId === clientId && (!grantType || entry.grantType === grantType));
}
