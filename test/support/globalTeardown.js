module.exports = async () => {
	await globalThis.__LOCAL_IDCS__?.stop();
};
