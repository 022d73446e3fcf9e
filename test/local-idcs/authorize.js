// Drives the local IDCS authorization code flow without a browser: follows redirects by hand, keeps
// cookies, submits the login form, and stops at the redirect to the client's redirect_uri (which is
// never requested: it is typically a host that does not exist).

class CookieJar {
	#cookies = new Map(); // "host name path" -> { host, name, path, value }

	store(response, requestUrl) {
		const { host } = new URL(requestUrl);
		for (const line of response.headers.getSetCookie()) {
			const [pair, ...attributes] = line.split(';').map((part) => part.trim());
			const eq = pair.indexOf('=');
			const name = pair.slice(0, eq);
			const value = pair.slice(eq + 1);
			let path = '/';
			let expired = value === '';
			for (const attribute of attributes) {
				const [key, attrValue = ''] = attribute.split('=');
				const lower = key.toLowerCase();
				if (lower === 'path') path = attrValue || '/';
				if (lower === 'max-age' && Number(attrValue) <= 0) expired = true;
				if (lower === 'expires' && Date.parse(attrValue) <= Date.now()) expired = true;
			}
			const key = `${host} ${name} ${path}`;
			if (expired) this.#cookies.delete(key);
			else this.#cookies.set(key, { host, name, path, value });
		}
	}

	header(url) {
		const { host, pathname } = new URL(url);
		const matching = [...this.#cookies.values()].filter(
			(cookie) =>
				cookie.host === host &&
				(pathname === cookie.path || pathname.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`)),
		);
		return matching.map(({ name, value }) => `${name}=${value}`).join('; ');
	}
}

function decodeEntities(text) {
	return text
		.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)))
		.replace(/&quot;/g, '"')
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&amp;/g, '&');
}

function attribute(tag, name) {
	const match = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
	return match ? decodeEntities(match[1]) : undefined;
}

// Finds the first <form> of the page and the values its inputs would submit.
function readForm(html, pageUrl) {
	const formTag = /<form\b[^>]*>/i.exec(html);
	if (!formTag) return undefined;
	const end = html.indexOf('</form>', formTag.index);
	const inner = html.slice(formTag.index, end === -1 ? undefined : end);
	const fields = {};
	for (const [tag] of inner.matchAll(/<input\b[^>]*>/gi)) {
		const name = attribute(tag, 'name');
		if (name) fields[name] = attribute(tag, 'value') ?? '';
	}
	return {
		action: new URL(attribute(formTag[0], 'action') ?? pageUrl, pageUrl).href,
		method: (attribute(formTag[0], 'method') ?? 'get').toUpperCase(),
		fields,
	};
}

function isClientRedirect(location, authorizeUrl, redirectUri) {
	if (redirectUri) {
		const target = new URL(redirectUri);
		return location.origin === target.origin && location.pathname === target.pathname;
	}
	return location.origin !== authorizeUrl.origin;
}

/**
 * Follows an authorize URL of the local IDCS through login and consent.
 * @param {string} authorizeUrl
 * @param {{ username?: string, password?: string, cookieJar?: CookieJar, maxSteps?: number }} [options]
 *   pass the same cookieJar to several calls to act like one browser (a second authorization then skips
 *   the login page because the IDCS session cookie is sent)
 * @returns {Promise<{ code: string, state: string | null, redirectUri: string }>} redirectUri is the
 *   full final redirect URL (with code, state and iss in its query)
 */
async function authorizeHeadlessly(
	authorizeUrl,
	{ username = 'ofs.dispatcher', password = 'local-password', cookieJar: jar = new CookieJar(), maxSteps = 12 } = {},
) {
	const start = new URL(authorizeUrl);
	const redirectUri = start.searchParams.get('redirect_uri');
	let request = { url: start.href, method: 'GET' };

	for (let step = 0; step < maxSteps; step += 1) {
		const headers = {};
		const cookie = jar.header(request.url);
		if (cookie) headers.cookie = cookie;
		if (request.body) headers['content-type'] = 'application/x-www-form-urlencoded';
		const response = await fetch(request.url, {
			method: request.method,
			headers,
			body: request.body,
			redirect: 'manual',
		});
		jar.store(response, request.url);

		if (response.status >= 300 && response.status < 400) {
			await response.body?.cancel();
			const location = new URL(response.headers.get('location'), request.url);
			if (isClientRedirect(location, start, redirectUri)) {
				const error = location.searchParams.get('error');
				if (error) {
					const description = location.searchParams.get('error_description');
					throw Object.assign(new Error(`authorization failed: ${error}${description ? `: ${description}` : ''}`), {
						error,
						errorDescription: description,
						redirectUri: location.href,
					});
				}
				const code = location.searchParams.get('code');
				if (!code) throw new Error(`redirect to the client carries no code: ${location.href}`);
				return { code, state: location.searchParams.get('state'), redirectUri: location.href };
			}
			request = { url: location.href, method: 'GET' };
			continue;
		}

		const html = await response.text();
		const form = response.ok ? readForm(html, request.url) : undefined;
		if (!form) {
			throw new Error(
				`unexpected ${response.status} page at ${request.url}: ${html
					.replace(/<[^>]+>/g, ' ')
					.replace(/\s+/g, ' ')
					.trim()
					.slice(0, 300)}`,
			);
		}
		if ('username' in form.fields) form.fields.username = username;
		if ('password' in form.fields) form.fields.password = password;
		const encoded = new URLSearchParams(form.fields).toString();
		request =
			form.method === 'POST'
				? { url: form.action, method: 'POST', body: encoded }
				: { url: `${form.action.split('?')[0]}?${encoded}`, method: 'GET' };
	}
	throw new Error(`authorization did not reach the redirect_uri within ${maxSteps} steps`);
}

module.exports = { CookieJar, authorizeHeadlessly };
