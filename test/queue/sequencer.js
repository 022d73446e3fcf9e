// Regular mode first, queue mode last, whatever Jest's cache holds (without this, the order follows
// earlier durations, or file size on a fresh machine). CI runs this suite beside the browser suite:
// regular mode (one n8n process) meets the browser suite's busiest part, the installer, and queue mode
// (main, 2 workers, PostgreSQL, Redis), which keeps both cores busy on its own, comes as the browser
// suite ends.
'use strict';

const Sequencer = require('@jest/test-sequencer').default;

const ORDER = ['regularMode.queue.js', 'queueMode.queue.js'];
const rank = (test) => {
	const index = ORDER.findIndex((name) => test.path.endsWith(name));
	return index < 0 ? ORDER.length : index;
};

module.exports = class ScaleOutOrder extends Sequencer {
	sort(tests) {
		return [...tests].sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
	}
};
