import { Agent, request } from 'http';

import { issuer } from '../support/localIdcs';

// Suites failed now and then under load with "other side closed": a test's fetch reused a keep-alive
// connection at the moment the local IDCS closed it (Node's default: after 5 s idle). The local IDCS
// leaves closing idle connections to its clients, for over a minute; this shows it still answers on a
// connection idle for longer than those 5 s.

function get(agent: Agent, path: string): Promise<{ status: number; keepAlive: string; reusedSocket: boolean }> {
	return new Promise((resolve, reject) => {
		const req = request(`${issuer}${path}`, { agent }, (response) => {
			response.resume();
			response.on('end', () =>
				resolve({
					status: response.statusCode ?? 0,
					keepAlive: String(response.headers['keep-alive']),
					reusedSocket: req.reusedSocket,
				}),
			);
		});
		req.on('error', reject);
		req.end();
	});
}

it('keeps an idle keep-alive connection open beyond 5 s, so a client reusing it is answered', async () => {
	const agent = new Agent({ keepAlive: true, maxSockets: 1 });
	try {
		// Node's server says how long it keeps an idle connection: 65 s here, not its default 5 s.
		expect(await get(agent, '/.well-known/openid-configuration')).toEqual({
			status: 200,
			keepAlive: 'timeout=65',
			reusedSocket: false,
		});
		await new Promise((resolve) => setTimeout(resolve, 6_000));
		expect(await get(agent, '/.well-known/openid-configuration')).toEqual({
			status: 200,
			keepAlive: 'timeout=65',
			reusedSocket: true,
		});
	} finally {
		agent.destroy();
	}
});
