import type { HttpRequest, HttpResponse, HttpTransport } from '../../nodes/FieldServiceToken/oauth';

/** A scripted token endpoint for unit tests of single functions: answers in order, records requests. */
export function scriptedTransport(...answers: Array<HttpResponse | Error | (() => Promise<HttpResponse>)>) {
	const requests: HttpRequest[] = [];
	const transport: HttpTransport = async (request) => {
		requests.push(request);
		const answer = answers.shift();
		if (answer === undefined) throw new Error('no scripted answer left');
		if (answer instanceof Error) throw answer;
		return typeof answer === 'function' ? await answer() : answer;
	};
	return { transport, requests };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
	return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export const tokenAnswer = (accessToken: string, refreshToken?: string, expiresIn = 3349) =>
	json(200, {
		access_token: accessToken,
		token_type: 'Bearer',
		expires_in: expiresIn,
		...(refreshToken ? { refresh_token: refreshToken } : {}),
	});

export function networkError(code: string, message = `connect ${code}`): Error {
	return Object.assign(new Error(message), { code });
}
