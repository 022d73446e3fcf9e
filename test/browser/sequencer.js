// The browser files share one n8n (globalSetup.js) and run in a user's order: the installer first
// (the owner is set up, then the package is installed by name from the registry), then the editor,
// then the Field Service plugin with n8n as its back end.
'use strict';

const Sequencer = require('@jest/test-sequencer').default;

const ORDER = ['installer.browser.js', 'editor.browser.js', 'plugin.browser.js'];
const rank = (test) => {
	const index = ORDER.findIndex((name) => test.path.endsWith(name));
	return index < 0 ? ORDER.length : index;
};

module.exports = class BrowserOrder extends Sequencer {
	sort(tests) {
		return [...tests].sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
	}
};
