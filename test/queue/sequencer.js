// Regular mode first, queue mode last, whatever Jest's cache holds (without this, the order follows
// earlier durations, or file size on a fresh machine). CI runs this suite beside the browser suite:
// regular mode (one n8n process) meets the browser suite's busiest part, the installer, and queue mode
// (main, 2 workers, PostgreSQL, Redis), which keeps both cores busy on its own, comes as the browser
// suite ends.
'use strict';

const { fileOrder } = require('../support/fileOrder');

module.exports = fileOrder(['regularMode.queue.js', 'queueMode.queue.js']);
