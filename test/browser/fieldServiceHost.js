// A stand-in for Field Service's side of the Plugin API, on 127.0.0.1: a host page that loads the
// built plugin from its ZIP archive in an iframe (served from the host's own origin, as Field Service
// serves hosted plugins) and answers it as Oracle documents: `ready` -> `init`, `initEnd` -> `open`
// (the user, and the plugin's secured parameters), `callProcedure` getAuthorizationCode -> the IDCS
// authorize page in a window of its own, whose redirect to /plugin-auth-redirect/ comes back as
// `callProcedureResult` with resultData { status, code, state }. What it answers is set per page load
// through `config` (the user, the secured parameters, a wrong apiVersion; and, read at each redirect, a
// tampered state or a replayed code); the page's `host.log` holds every message both ways.
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
	const host = (window.host = { log: [], closed: false, lastCode: null });
	const frame = document.getElementById('plugin');
	let apiVersionOverride = config.apiVersion;
	function toPlugin(message) {
		const full = { apiVersion: 1, ...message };
		if (message.method === 'open' && apiVersionOverride !== undefined) full.apiVersion = apiVersionOverride;
		host.log.push({ to: 'plugin', ...full });
		frame.contentWindow.postMessage(JSON.stringify(full), location.origin);
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
		if (event.origin !== location.origin) return;
		if (host.popup && event.source === host.popup) return redirected(event.data);
		if (event.source !== frame.contentWindow) return;
		const message = typeof event.data === 'string' ? JSON.parse(event.data) : event.data;
		host.log.push({ from: 'plugin', ...message });
		if (message.method === 'ready') toPlugin({ method: 'init', attributeDescription: {}, buttons: [] });
		else if (message.method === 'initEnd') toPlugin({ method: 'open', entity: 'activity', user: config.user, securedData: config.securedData });
		else if (message.method === 'callProcedure' && message.procedure === 'getAuthorizationCode') {
			host.pending = message;
			host.popup = window.open(message.params.url, 'idcs-sign-in', 'width=520,height=640');
		} else if (message.method === 'close') host.closed = true;
	});
	frame.src = '/plugin/index.html';
})();
</script></body></html>`;

const REDIRECT_PAGE = `<!doctype html><html><body><p>Signing in…</p><script>
window.opener.postMessage(location.search, location.origin); window.close();
</script></body></html>`;

/**
 * Starts the host on a free port of 127.0.0.1, serving the plugin entries of `zip` (the built archive's
 * bytes). Resolves { origin, url, redirectUri, config, stop() }; `config` is read by every page load.
 */
async function startFieldServiceHost(zip) {
	const entries = new Map(readZip(zip).map((entry) => [entry.name, entry.data]));
	const port = await freePort();
	const origin = `http://127.0.0.1:${port}`;
	const config = { user: {}, securedData: {} };
	const server = http.createServer((req, res) => {
		const url = new URL(req.url, origin);
		const send = (status, type, body) => {
			res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
			res.end(body);
		};
		if (url.pathname === '/') return send(200, 'text/html', HOST_PAGE);
		if (url.pathname === '/config') return send(200, 'application/json', JSON.stringify(config));
		if (url.pathname === '/plugin-auth-redirect/') return send(200, 'text/html', REDIRECT_PAGE);
		const name = url.pathname.startsWith('/plugin/') ? url.pathname.slice('/plugin/'.length) : '';
		if (entries.has(name)) return send(200, TYPES[path.extname(name)] ?? 'application/octet-stream', entries.get(name));
		return send(404, 'text/plain', 'not found');
	});
	await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
	return {
		origin,
		url: `${origin}/`,
		redirectUri: `${origin}/plugin-auth-redirect/`,
		config,
		stop: () => new Promise((resolve) => server.close(resolve)),
	};
}

module.exports = { startFieldServiceHost };
