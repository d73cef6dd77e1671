// A counting semaphore: at most `limit` holders at once, the rest wait in order.
// Caps the exec channels open on one SSH connection (OpenSSH refuses sessions
// beyond MaxSessions, 10 by default).

export class Semaphore {
	private active = 0;
	private readonly waiting: Array<() => void> = [];

	constructor(readonly limit: number) {
		if (!Number.isInteger(limit) || limit < 1) throw new Error(`semaphore limit must be a positive integer, got ${limit}`);
	}

	/** Holders right now (for tests and diagnostics). */
	get inUse(): number {
		return this.active;
	}

	/** Run `task` once a slot is free; the slot is released however the task ends. */
	async use<T>(task: () => Promise<T>): Promise<T> {
		const release = await this.acquire();
		try {
			return await task();
		} finally {
			release();
		}
	}

	/** Wait for a slot; call the returned function (once or more: only the first counts) to free it. */
	async acquire(): Promise<() => void> {
		if (this.active < this.limit) this.active++;
		// The releasing holder hands its slot over: `active` stays the same.
		else await new Promise<void>(resolve => this.waiting.push(resolve));
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.release();
		};
	}

	private release(): void {
		const next = this.waiting.shift();
		if (next) next();
		else this.active--;
	}
}
