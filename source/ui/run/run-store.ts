// Between the runner and React: events are applied to the reducer at once,
// but the screen is told at most ~30 times a second. Hosts can print
// thousands of chunks a second; React must not re-render for each.
import type {RunEvent} from '../../contracts/events.js';
import {initialRunState, reduceRun, type RunState} from './run-reducer.js';

export type Timers = {
	now(): number;
	setTimeout(callback: () => void, ms: number): unknown;
	clearTimeout(handle: unknown): void;
};

export type RunStoreOptions = {
	/** Shortest time between two notifications (default 33 ms, about 30 per second). */
	minIntervalMs?: number;
	/** Injected clock and timers (tests). */
	timers?: Timers;
};

const systemTimers: Timers = {
	now: () => performance.now(),
	setTimeout(callback, ms) {
		const handle = setTimeout(callback, ms);
		// A pending redraw never keeps the process alive on its own.
		handle.unref?.();
		return handle;
	},
	clearTimeout(handle) {
		clearTimeout(handle as ReturnType<typeof setTimeout>);
	},
};

export class RunStore {
	/** Pass this to the runner's subscribe(). */
	readonly listener = (event: RunEvent): void => {
		this.dispatch(event);
	};

	readonly #minIntervalMs: number;
	readonly #timers: Timers;
	readonly #listeners = new Set<() => void>();
	#state: RunState = initialRunState();
	#published: RunState = this.#state;
	#lastPublishedAt = Number.NEGATIVE_INFINITY;
	#timer: unknown;

	constructor(options: RunStoreOptions = {}) {
		this.#minIntervalMs = options.minIntervalMs ?? 33;
		this.#timers = options.timers ?? systemTimers;
	}

	dispatch(event: RunEvent): void {
		this.#state = reduceRun(this.#state, event);
		// The end of the run is shown at once: the screen exits right after it.
		if (event.type === 'run-finished') this.flush();
		else this.#schedule();
	}

	/** What the screen shows: the state as of the last notification. */
	readonly getSnapshot = (): RunState => this.#published;

	/** The state with every event applied, published or not. */
	get current(): RunState {
		return this.#state;
	}

	readonly subscribe = (listener: () => void): (() => void) => {
		this.#listeners.add(listener);
		return () => {
			this.#listeners.delete(listener);
		};
	};

	/** Publish now, cancelling a pending notification. */
	flush(): void {
		if (this.#timer !== undefined) {
			this.#timers.clearTimeout(this.#timer);
			this.#timer = undefined;
		}

		this.#publish();
	}

	dispose(): void {
		if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
		this.#timer = undefined;
		this.#listeners.clear();
	}

	#schedule(): void {
		if (this.#timer !== undefined) return;
		const wait = this.#lastPublishedAt + this.#minIntervalMs - this.#timers.now();
		if (wait <= 0) {
			this.#publish();
			return;
		}

		this.#timer = this.#timers.setTimeout(() => {
			this.#timer = undefined;
			this.#publish();
		}, wait);
	}

	#publish(): void {
		if (this.#published === this.#state) return;
		this.#published = this.#state;
		this.#lastPublishedAt = this.#timers.now();
		for (const listener of this.#listeners) listener();
	}
}
