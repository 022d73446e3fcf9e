// A Field Service plugin that hands its user's company sign-in to n8n, its confidential back end.
// It speaks the Plugin API (apiVersion 1): ready -> init -> initEnd, open, callProcedure
// getAuthorizationCode -> callProcedureResult, error, close. It builds the IDCS authorize URL
// (offline_access, state, PKCE S256), sends the code with the PKCE verifier, the redirect URI and the
// user's login to n8n, and keeps for its user only what n8n returns: the refresh token sealed by n8n
// (unreadable here), sent back with each request and replaced by the new one each answer carries.
// No secret and no environment-specific value is in this file: the administrator sets them as the
// plugin's secured parameters (idcsDomainUrl, clientId, resourceScope, n8nWebhookUrl; redirectUri optional).
// It talks only to the page that frames it, and only when that page is Field Service's.
(function () {
	'use strict';

	var API_VERSION = 1;
	var STORE = 'fst-plugin.sealed.';
	var REQUIRED = ['idcsDomainUrl', 'clientId', 'resourceScope', 'n8nWebhookUrl'];
	// Field Service's own pages, over https only: <instance>.fs.ocs.oraclecloud.com, and the older <instance>.etadirect.com.
	var FIELD_SERVICE_HOSTS = [
		/^[a-z0-9-]+(\.[a-z0-9-]+)*\.fs\.ocs\.oraclecloud\.com$/,
		/^[a-z0-9-]+(\.[a-z0-9-]+)*\.etadirect\.com$/,
	];
	// One more host origin, set only by `npm run build:plugin -- --host-origin <origin>` (tests, private hosts).
	var EXTRA_HOST_ORIGIN = '';

	var hostOrigin = trustedHost();
	var settings = null;
	var login = '';
	var busy = false;
	var retry = null;
	var pending = null;
	var storage = storageOrMemory();

	function originOf(url) {
		try {
			return new URL(url).origin;
		} catch (e) {
			return '';
		}
	}

	function isFieldService(origin) {
		if (!origin) return false;
		if (EXTRA_HOST_ORIGIN && origin === EXTRA_HOST_ORIGIN) return true;
		try {
			var url = new URL(origin);
			return (
				url.protocol === 'https:' &&
				FIELD_SERVICE_HOSTS.some(function (pattern) {
					return pattern.test(url.hostname);
				})
			);
		} catch (e) {
			return false;
		}
	}

	/** The origin of the page that frames this plugin when it is Field Service's, else ''. */
	function trustedHost() {
		var ancestors = window.location.ancestorOrigins;
		var origin = originOf(document.referrer) || (ancestors && ancestors.length ? ancestors[0] : '');
		return parent !== window && isFieldService(origin) ? origin : '';
	}

	/** An https address, or http on this computer only (a loopback address: 127.x.x.x or [::1]). */
	function isSafeWebhook(url) {
		try {
			var parsed = new URL(url);
			if (parsed.protocol === 'https:') return true;
			return parsed.protocol === 'http:' && /^(127(\.\d{1,3}){3}|\[::1\])$/.test(parsed.hostname);
		} catch (e) {
			return false;
		}
	}

	/** localStorage, or, where the browser blocks it (e.g. third-party storage), memory for this session. */
	function storageOrMemory() {
		try {
			var local = window.localStorage;
			local.getItem(STORE);
			return local;
		} catch (e) {
			var kept = {};
			setTimeout(function () {
				var note = $('note');
				note.textContent =
					'This browser does not let the plugin keep your sign-in (' +
					(e && e.name ? e.name : 'storage blocked') +
					'), so it is kept only while the plugin is open: you will sign in again next time.';
				note.hidden = false;
			});
			return {
				getItem: function (key) {
					return Object.prototype.hasOwnProperty.call(kept, key) ? kept[key] : null;
				},
				setItem: function (key, value) {
					kept[key] = String(value);
				},
				removeItem: function (key) {
					delete kept[key];
				},
			};
		}
	}

	function $(id) {
		return document.getElementById(id);
	}

	function show(kind, text) {
		var status = $('status');
		status.className = 'status ' + kind;
		status.textContent = text;
	}

	function offer(signIn, again) {
		$('sign-in').hidden = !signIn;
		retry = again || null;
		$('retry').hidden = !again;
	}

	function send(message) {
		message.apiVersion = API_VERSION;
		parent.postMessage(JSON.stringify(message), hostOrigin);
	}

	function base64url(bytes) {
		var text = '';
		for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
		return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
	}

	function randomText(size) {
		var bytes = new Uint8Array(size);
		crypto.getRandomValues(bytes);
		return base64url(bytes);
	}

	function sealedKey() {
		return STORE + login;
	}

	// ----- n8n, the back end -----

	/** POST to the n8n webhook `path`; resolves { status, body } or rejects when n8n cannot be reached. */
	function callN8n(path, body) {
		var url = settings.n8nWebhookUrl.replace(/\/+$/, '') + '/' + path;
		return fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		}).then(function (response) {
			return response.text().then(function (text) {
				var parsed = {};
				try {
					parsed = text ? JSON.parse(text) : {};
				} catch (e) {
					parsed = {};
				}
				return { status: response.status, body: parsed };
			});
		});
	}

	function unreachable(error) {
		return (
			'n8n cannot be reached at ' +
			settings.n8nWebhookUrl +
			' (' +
			(error && error.message ? error.message : 'no answer') +
			'). Nothing was lost: your sign-in is kept. Try again in a moment, or tell your administrator: ' +
			"n8n's plugin webhooks must allow this plugin's origin, " +
			window.location.origin +
			', in Allowed Origins (CORS).'
		);
	}

	/** Keeps the sealed refresh token n8n returned; an answer without one leaves the kept one as it is. */
	function keep(body) {
		if (body && typeof body.sealed_refresh_token === 'string' && body.sealed_refresh_token.indexOf('fst1.') === 0)
			storage.setItem(sealedKey(), body.sealed_refresh_token);
	}

	function render(items) {
		var list = $('items');
		list.textContent = '';
		(items || []).forEach(function (item) {
			var li = document.createElement('li');
			var name = document.createElement('span');
			name.className = 'name';
			name.textContent = item.name || item.resourceId || JSON.stringify(item);
			li.appendChild(name);
			if (item.resourceId && item.name) {
				var small = document.createElement('small');
				small.textContent = item.resourceId;
				li.appendChild(small);
			}
			list.appendChild(li);
		});
		$('result').hidden = false;
	}

	/** The user's data through n8n, with the kept sealed refresh token. */
	function loadData() {
		var sealed = storage.getItem(sealedKey());
		if (!sealed) return signIn();
		if (busy) return;
		busy = true;
		offer(false);
		show('', 'Loading your Field Service data…');
		callN8n('resources', { login: login, sealed_refresh_token: sealed })
			.then(function (answer) {
				keep(answer.body);
				if (answer.status === 200) {
					show('ok', 'Signed in as ' + login + '.');
					render(answer.body.data);
				} else if (answer.body.error === 'sign_in_required') {
					storage.removeItem(sealedKey());
					$('result').hidden = true;
					show(
						'problem',
						'Your company sign-in has ended (' +
							(answer.body.message || 'IDCS no longer accepts it') +
							'). Sign in again.',
					);
					offer(true);
				} else {
					show('problem', 'n8n could not load your data: ' + (answer.body.message || 'HTTP ' + answer.status) + '.');
					offer(false, loadData);
				}
			})
			.catch(function (error) {
				show('problem', unreachable(error));
				offer(false, loadData);
			})
			.then(function () {
				busy = false;
			});
	}

	// ----- the sign-in: getAuthorizationCode, then the code to n8n -----

	function redirectUri() {
		return settings.redirectUri || hostOrigin + '/plugin-auth-redirect/';
	}

	function signIn() {
		if (busy) return;
		busy = true;
		offer(false);
		var verifier = randomText(32);
		crypto.subtle
			.digest('SHA-256', new TextEncoder().encode(verifier))
			.then(function (digest) {
				pending = {
					callId: crypto.randomUUID(),
					state: randomText(16),
					verifier: verifier,
					redirectUri: redirectUri(),
				};
				var query = [
					['response_type', 'code'],
					['client_id', settings.clientId],
					['redirect_uri', pending.redirectUri],
					['scope', settings.resourceScope.trim() + ' offline_access'],
					['state', pending.state],
					['code_challenge', base64url(new Uint8Array(digest))],
					['code_challenge_method', 'S256'],
				]
					.map(function (pair) {
						return pair[0] + '=' + encodeURIComponent(pair[1]);
					})
					.join('&');
				var url = settings.idcsDomainUrl.replace(/\/+$/, '') + '/oauth2/v1/authorize?' + query;
				show('', 'Signing in with your company account…');
				send({
					method: 'callProcedure',
					procedure: 'getAuthorizationCode',
					callId: pending.callId,
					params: { url: url },
				});
			})
			.catch(function (error) {
				busy = false;
				show('problem', 'This browser cannot start the sign-in: ' + error.message);
			});
	}

	/**
	 * The code from getAuthorizationCode's resultData. Oracle does not document the field: `code` (and
	 * `state`) as IDCS put them on the redirect, `authorizationCode`, or the redirect URL itself.
	 */
	function codeFrom(resultData) {
		var data = resultData || {};
		if (typeof data.code === 'string') return { code: data.code, state: data.state };
		if (typeof data.authorizationCode === 'string') return { code: data.authorizationCode, state: data.state };
		for (var key in data) {
			if (typeof data[key] !== 'string' || data[key].indexOf('code=') < 0) continue;
			try {
				var params = new URL(data[key]).searchParams;
				if (params.get('code')) return { code: params.get('code'), state: params.get('state') || undefined };
			} catch (e) {
				// not a URL
			}
		}
		return null;
	}

	function takePending(callId) {
		var taken = pending;
		if (!taken || taken.callId !== callId) return null;
		pending = null;
		return taken;
	}

	function onAuthorizationCode(message) {
		var signingIn = takePending(message.callId);
		if (!signingIn) return;
		busy = false;
		var found = codeFrom(message.resultData);
		if (!found) {
			show('problem', 'Field Service answered the sign-in without an authorization code. Sign in again.');
			return offer(true);
		}
		if (found.state !== undefined && found.state !== signingIn.state) {
			show(
				'problem',
				'The sign-in answer does not belong to this sign-in (its state differs), so it was not used and nothing was sent to n8n. Sign in again.',
			);
			return offer(true);
		}
		busy = true;
		show('', 'Completing the sign-in…');
		var exchange = function () {
			return callN8n('sign-in', {
				login: login,
				code: found.code,
				code_verifier: signingIn.verifier,
				redirect_uri: signingIn.redirectUri,
			});
		};
		exchange()
			.then(function (answer) {
				busy = false;
				keep(answer.body);
				if (answer.status === 200 && answer.body.sealed_refresh_token) return loadData();
				show(
					'problem',
					'The sign-in could not be completed: ' +
						(answer.body.message || 'HTTP ' + answer.status) +
						'. Sign in again.',
				);
				offer(true);
			})
			.catch(function (error) {
				busy = false;
				show('problem', unreachable(error).replace('your sign-in is kept', 'nothing was signed in yet'));
				offer(true);
			});
	}

	function onProcedureError(message) {
		if (!takePending(message.callId)) return;
		busy = false;
		var codes = (message.errors || [])
			.map(function (error) {
				return error.code;
			})
			.join(', ');
		show('problem', 'Field Service could not sign you in (' + (codes || 'no reason given') + '). Sign in again.');
		offer(true);
	}

	// ----- the Plugin API -----

	function onOpen(message) {
		var secured = message.securedData || {};
		var missing = REQUIRED.filter(function (name) {
			return typeof secured[name] !== 'string' || !secured[name].trim();
		});
		login = (message.user && (message.user.ulogin || message.user.login)) || '';
		if (missing.length) {
			show(
				'problem',
				'This plugin is not set up: the administrator must set its secured parameter' +
					(missing.length > 1 ? 's ' : ' ') +
					missing.join(', ') +
					'.',
			);
			return;
		}
		if (!login) {
			show('problem', 'Field Service did not say who is signed in (user.ulogin), so this plugin cannot act for you.');
			return;
		}
		if (!isSafeWebhook(secured.n8nWebhookUrl)) {
			show(
				'problem',
				'This plugin is not set up: its secured parameter n8nWebhookUrl must be an https address (it is ' +
					secured.n8nWebhookUrl +
					'). Your sign-in is sent only over https. Tell your administrator.',
			);
			return;
		}
		settings = secured;
		$('user').textContent = login;
		loadData();
	}

	window.addEventListener('message', function (event) {
		if (event.source !== parent || !hostOrigin || event.origin !== hostOrigin) {
			console.warn(
				'Field Service Token plugin: ignored a message from ' +
					(event.origin || 'an unknown origin') +
					', which is not the Field Service page that hosts it.',
			);
			return;
		}
		var message;
		try {
			message = typeof event.data === 'string' ? JSON.parse(event.data) : event.data;
		} catch (e) {
			return;
		}
		if (!message || typeof message.method !== 'string') return;
		if (message.apiVersion !== API_VERSION) {
			show(
				'problem',
				'Field Service sent a "' +
					message.method +
					'" message in Plugin API version ' +
					message.apiVersion +
					'; this plugin speaks version ' +
					API_VERSION +
					'. It was ignored and nothing was changed. Tell your administrator.',
			);
			return;
		}
		if (message.method === 'init') send({ method: 'initEnd' });
		else if (message.method === 'open') onOpen(message);
		else if (message.method === 'callProcedureResult' && message.procedure !== 'getAccessToken')
			onAuthorizationCode(message);
		else if (message.method === 'error') onProcedureError(message);
	});

	$('sign-in').addEventListener('click', signIn);
	$('retry').addEventListener('click', function () {
		if (retry) retry();
	});
	$('close').addEventListener('click', function () {
		send({ method: 'close' });
	});

	if (!hostOrigin) {
		show(
			'problem',
			'This plugin runs only inside Oracle Field Service. It was opened by ' +
				(originOf(document.referrer) || 'a page that does not say where it is') +
				', which is not a Field Service page, so it does nothing.',
		);
		return;
	}
	send({ method: 'ready', sendInitData: true });
})();
