const { startLocalIdcsProcess } = require('../local-idcs/start');

// One local IDCS for the whole suite; tests find it through the environment their workers inherit.
module.exports = async () => {
	const idcs = await startLocalIdcsProcess();
	globalThis.__LOCAL_IDCS__ = idcs;
	process.env.LOCAL_IDCS = JSON.stringify({ issuer: idcs.issuer, clients: idcs.clients });
};
