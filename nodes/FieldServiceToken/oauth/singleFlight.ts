/** Concurrent calls for one key share the first call's outcome instead of starting their own. */
export class SingleFlight<K, T> {
	private readonly running = new Map<K, Promise<T>>();

	async run(key: K, call: () => Promise<T>): Promise<{ value: T; joined: boolean }> {
		const running = this.running.get(key);
		if (running) return { value: await running, joined: true };
		const started = call();
		this.running.set(key, started);
		try {
			return { value: await started, joined: false };
		} finally {
			this.running.delete(key);
		}
	}

	clear(): void {
		this.running.clear();
	}
}
