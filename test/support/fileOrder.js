// A Jest test sequencer that runs a suite's files in a fixed order (by the end of their paths), then any
// other file by path: test/browser and test/queue each name their order in a sequencer.js of their own.
'use strict';

const Sequencer = require('@jest/test-sequencer').default;

/** A sequencer class that runs the files ending in `order`'s names in that order, the rest after them. */
function fileOrder(order) {
	const rank = (test) => {
		const index = order.findIndex((name) => test.path.endsWith(name));
		return index < 0 ? order.length : index;
	};
	return class FileOrder extends Sequencer {
		sort(tests) {
			return [...tests].sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
		}
	};
}

module.exports = { fileOrder };
