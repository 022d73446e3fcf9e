// The browser files share one n8n (globalSetup.js) and run in a user's order: the installer first
// (the owner is set up, then the package is installed by name from the registry), then the editor,
// then the Field Service plugin with n8n as its back end.
'use strict';

const { fileOrder } = require('../support/fileOrder');

module.exports = fileOrder(['installer.browser.js', 'editor.browser.js', 'plugin.browser.js']);
