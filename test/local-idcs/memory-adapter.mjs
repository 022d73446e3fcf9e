// In-memory storage adapter for oidc-provider, one store per server instance.
// oidc-provider's own memory adapter is an LRU capped at 1000 entries (a long test run could evict live
// tokens) and it prints a "development-only adapter" warning; this one has neither.

const GRANTABLE = new Set([
	'AccessToken',
	'AuthorizationCode',
	'RefreshToken',
	'DeviceCode',
	'BackchannelAuthenticationRequest',
	'PreAuthorizedCode',
]);

export function createMemoryStore() {
	return {
		entries: new Map(), // "Model:id" -> { payload, expiresAt }
		grants: new Map(), // grantId -> Set of "Model:id"
		sessionUids: new Map(), // session uid -> session id
		userCodes: new Map(), // user code -> device code id
	};
}

export function memoryAdapterFactory(store) {
	return (model) => new MemoryAdapter(model, store);
}

class MemoryAdapter {
	constructor(model, store) {
		this.model = model;
		this.store = store;
	}

	key(id) {
		return `${this.model}:${id}`;
	}

	read(key) {
		const entry = this.store.entries.get(key);
		if (!entry) return undefined;
		if (entry.expiresAt <= Date.now()) {
			this.remove(key);
			return undefined;
		}
		return entry.payload;
	}

	remove(key) {
		const entry = this.store.entries.get(key);
		if (!entry) return;
		this.store.entries.delete(key);
		const { grantId, uid, userCode } = entry.payload;
		if (grantId) this.store.grants.get(grantId)?.delete(key);
		if (uid && this.model === 'Session') this.store.sessionUids.delete(uid);
		if (userCode) this.store.userCodes.delete(userCode);
	}

	async upsert(id, payload, expiresIn) {
		const key = this.key(id);
		this.remove(key);
		const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity;
		this.store.entries.set(key, { payload, expiresAt });

		if (this.model === 'Session') this.store.sessionUids.set(payload.uid, id);
		if (payload.userCode) this.store.userCodes.set(payload.userCode, id);
		if (GRANTABLE.has(this.model) && payload.grantId) {
			if (!this.store.grants.has(payload.grantId)) this.store.grants.set(payload.grantId, new Set());
			this.store.grants.get(payload.grantId).add(key);
		}
	}

	async find(id) {
		return this.read(this.key(id));
	}

	async findByUid(uid) {
		const id = this.store.sessionUids.get(uid);
		return id === undefined ? undefined : this.find(id);
	}

	async findByUserCode(userCode) {
		const id = this.store.userCodes.get(userCode);
		return id === undefined ? undefined : this.find(id);
	}

	async consume(id) {
		const payload = this.read(this.key(id));
		if (payload) payload.consumed = Math.floor(Date.now() / 1000);
	}

	async destroy(id) {
		this.remove(this.key(id));
	}

	// Removes every artifact of this adapter's model that belongs to the grant.
	async revokeByGrantId(grantId) {
		const members = this.store.grants.get(grantId);
		if (!members) return;
		for (const key of [...members]) {
			if (key.startsWith(`${this.model}:`)) this.remove(key);
		}
		if (members.size === 0) this.store.grants.delete(grantId);
	}
}
