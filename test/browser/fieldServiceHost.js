// A stand-in for Field Service's side of the Plugin API, on 127.0.0.1: a host page that loads the
// built plugin from its ZIP archive in an iframe served from another origin on the same site (another
// port of 127.0.0.1), as Field Service serves hosted plugins from a plugin hosting domain of the same
// site (every *.oraclecloud.com page is one site), and answers it as Oracle documents: `ready` -> `init`, `initEnd` -> `open`
// (the user, and the plugin's secured parameters), `callProcedure` getAuthorizationCode -> the IDCS
// authorize page in a window of its own, whose redirect to /plugin-auth-redirect/ comes back as
// `callProcedureResult` with resultData { status, code, state }. What it answers is set per page load
// through `config` (the user, the secured parameters, a wrong apiVersion; and, read at each redirect, a
// tampered state or a replayed code); the page's `host.log` holds every message both ways. A third
// origin, same site as the host (http://127.0.0.1:<port>), serves a page that is not Field Service's:
// it frames the plugin too, sends its own `open` naming its own webhook, and records what reaches it.
'use strict';

const http = require('http');
const path = require('path');

const { freePort } = require('../../scripts/processes');
const { readZip } = require('../../scripts/zip');

const TYPES = {
	'.html': 'text/html',
	'.js': 'text/javascript',
	'.css': 'text/css',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
};

const HOST_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Field Service (stand-in)</title>
<style>body{margin:0;font:14px system-ui;background:#2c3e50}header{color:#fff;padding:10px 16px}
iframe{display:block;width:100%;height:560px;border:0;background:#fff}</style></head>
<body><header>Field Service (stand-in host)</header><iframe id="plugin" title="plugin"></iframe>
<script>
(async () => {
	const config = await (await fetch('/config')).json();
	const pluginOrigin = config.pluginOrigin;
	const host = (window.host = { log: [], closed: false, lastCode: null });
	const frame = document.getElementById('plugin');
	let apiVersionOverride = config.apiVersion;
	function toPlugin(message) {
		const full = { apiVersion: 1, ...message };
		if (message.method === 'open' && apiVersionOverride !== undefined) full.apiVersion = apiVersionOverride;
		host.log.push({ to: 'plugin', ...full });
		frame.contentWindow.postMessage(JSON.stringify(full), pluginOrigin);
	}
	async function redirected(search) {
		// What to answer is read now: a test may change it between sign-ins on one page.
		const now = await (await fetch('/config')).json();
		const query = new URLSearchParams(search);
		const pending = host.pending;
		host.pending = null;
		if (!pending) return;
		if (query.get('error')) {
			toPlugin({ method: 'error', callId: pending.callId, errors: [{ type: 'TYPE_PROCEDURE', code: query.get('error'), procedure: 'getAuthorizationCode' }] });
			return;
		}
		host.lastCode = query.get('code');
		const code = now.replayCode || query.get('code');
		const state = now.tamperState ? 'not-' + query.get('state') : query.get('state');
		toPlugin({ method: 'callProcedureResult', procedure: 'getAuthorizationCode', callId: pending.callId, resultData: { status: 'success', code, state } });
	}
	window.addEventListener('message', (event) => {
		if (host.popup && event.source === host.popup && event.origin === location.origin) return redirected(event.data);
		if (event.source !== frame.contentWindow || event.origin !== pluginOrigin) return;
		const message = typeof event.data === 'string' ? JSON.parse(event.data) : event.data;
		host.log.push({ from: 'plugin', ...message });
		if (message.method === 'ready') toPlugin({ method: 'init', attributeDescription: {}, buttons: [] });
		else if (message.method === 'initEnd') toPlugin({ method: 'open', entity: 'activity', user: config.user, securedData: config.securedData });
		else if (message.method === 'callProcedure' && message.procedure === 'getAuthorizationCode') {
			host.pending = message;
			host.popup = window.open(message.params.url, 'idcs-sign-in', 'width=520,height=640');
		} else if (message.method === 'close') host.closed = true;
	});
	frame.src = pluginOrigin + '/plugin/index.html';
})();
</script></body></html>`;

/** A page of another origin on the host's site: it frames the plugin and asks for the user's sealed token. */
const OTHER_PAGE = (pluginOrigin, user, securedData) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Not Field Service</title></head>
<body><iframe id="plugin" title="plugin" style="width:100%;height:480px;border:0"></iframe>
<script>
const frame = document.getElementById('plugin');
const open = JSON.stringify({ apiVersion: 1, method: 'open', entity: 'activity', user: ${JSON.stringify(user)}, securedData: ${JSON.stringify(securedData)} });
window.received = [];
window.addEventListener('message', (event) => {
	window.received.push(event.data);
	frame.contentWindow.postMessage(JSON.stringify({ apiVersion: 1, method: 'init' }), '*');
	frame.contentWindow.postMessage(open, '*');
});
// Without waiting for the plugin either.
frame.addEventListener('load', () => setTimeout(() => frame.contentWindow.postMessage(open, '*'), 300));
frame.src = ${JSON.stringify(`${pluginOrigin}/plugin/index.html`)};
</script></body></html>`;

const REDIRECT_PAGE = `<!doctype html><html><body><p>Signing in…</p><script>
window.opener.postMessage(location.search, location.origin); window.close();
</script></body></html>`;

/** An HTTP server on a free port of 127.0.0.1 answering with `route(url, send, req)`. */
async function serve(route) {
	const port = await freePort();
	const server = http.createServer((req, res) => {
		const send = (status, type, body, headers = {}) => {
			res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store', ...headers });
			res.end(body);
		};
		route(new URL(req.url, 'http://127.0.0.1'), send, req);
	});
	await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
	return { port, stop: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * Starts the host page (http://127.0.0.1:<port>), the plugin's own origin (http://127.0.0.1:<another>)
 * serving the entries of the archive `buildZip(hostOrigin)` returns (the plugin must trust the host's
 * origin, so it is built once the host has its port), and the other page (http://127.0.0.1:<port>).
 * Resolves { origin, url, redirectUri, pluginOrigin, otherUrl, stolen, config, stop() }; `config` is read
 * by every page load of the host; `stolen` holds every request that reached the other page's webhook.
 */
async function startFieldServiceHost(buildZip) {
	const config = { user: {}, securedData: {} };
	const stolen = [];
	let entries = new Map();
	const plugin = await serve((url, send) => {
		const name = url.pathname.startsWith('/plugin/') ? url.pathname.slice('/plugin/'.length) : '';
		if (entries.has(name)) return send(200, TYPES[path.extname(name)] ?? 'application/octet-stream', entries.get(name));
		return send(404, 'text/plain', 'not found');
	});
	const pluginOrigin = `http://127.0.0.1:${plugin.port}`;
	config.pluginOrigin = pluginOrigin;
	const host = await serve((url, send) => {
		if (url.pathname === '/') return send(200, 'text/html', HOST_PAGE);
		if (url.pathname === '/config') return send(200, 'application/json', JSON.stringify(config));
		if (url.pathname === '/plugin-auth-redirect/') return send(200, 'text/html', REDIRECT_PAGE);
		return send(404, 'text/plain', 'not found');
	});
	const origin = `http://127.0.0.1:${host.port}`;
	const other = await serve((url, send, req) => {
		const otherOrigin = `http://127.0.0.1:${other.port}`;
		if (url.pathname === '/')
			return send(
				200,
				'text/html',
				OTHER_PAGE(pluginOrigin, config.user, { ...config.securedData, n8nWebhookUrl: `${otherOrigin}/steal` }),
			);
		if (url.pathname.startsWith('/steal/')) {
			const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type' };
			if (req.method === 'OPTIONS') return send(204, 'text/plain', '', cors);
			let body = '';
			req.on('data', (chunk) => (body += chunk));
			req.on('end', () => {
				stolen.push({ path: url.pathname, body });
				send(200, 'application/json', '{}', cors);
			});
			return undefined;
		}
		return send(404, 'text/plain', 'not found');
	});
	entries = new Map(readZip(buildZip(origin)).map((entry) => [entry.name, entry.data]));
	return {
		origin,
		url: `${origin}/`,
		redirectUri: `${origin}/plugin-auth-redirect/`,
		pluginOrigin,
		otherUrl: `http://127.0.0.1:${other.port}/`,
		stolen,
		config,
		stop: () => Promise.all([host.stop(), plugin.stop(), other.stop()]),
	};
}

module.exports = { startFieldServiceHost };
