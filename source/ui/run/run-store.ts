// Between the runner and React: the screen is told at most ~10 times a
// second. Hosts can print thousands of chunks a second; React must not
// re-render for each, and the work per chunk must not grow with the pack:
// output is only appended to its host's buffer (O(1)), and each host's
// buffer is applied once per notification. Every other event is applied at
// once, after the output that came before it.
import type {RunEvent} from '../../contracts/events.js';
import {initialRunState, reduceRun, type RunState} from './run-reducer.js';

export type Timers = {
	now(): number;
	setTimeout(callback: () => void, ms: number): unknown;
	clearTimeout(handle: unknown): void;
};

export type RunStoreOptions = {
	/** Shortest time between two notifications (default 100 ms, 10 per second). */
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

type OutputEvent = Extract<RunEvent, {type: 'output'}>;

/** Output held for one host, as chunks, until the next notification (or the host's next other event). */
type PendingOutput = {first: OutputEvent; chunks: string[]; bytes: number};

/** Held output of one host is applied at once past this many bytes, so a flood cannot grow memory. */
const PENDING_OUTPUT_LIMIT = 64 * 1024;

export class RunStore {
	/** Pass this to the runner's subscribe(). */
	readonly listener = (event: RunEvent): void => {
		this.dispatch(event);
	};

	readonly #minIntervalMs: number;
	readonly #timers: Timers;
	readonly #listeners = new Set<() => void>();
	#state: RunState = initialRunState();
	readonly #pending = new Map<string, PendingOutput>();
	#published: RunState = this.#state;
	#lastPublishedAt = Number.NEGATIVE_INFINITY;
	#timer: unknown;

	constructor(options: RunStoreOptions = {}) {
		this.#minIntervalMs = options.minIntervalMs ?? 100;
		this.#timers = options.timers ?? systemTimers;
	}

	dispatch(event: RunEvent): void {
		if (event.type === 'output') {
			this.#hold(event);
		} else {
			// Whatever a host printed before this event comes first (a new step starts with a clean pane).
			if (event.type === 'run-finished') this.#applyAllOutput();
			else if ('host' in event && event.host !== undefined) this.#applyOutput(event.host);
			this.#state = reduceRun(this.#state, event);
		}

		// The end of the run is shown at once: the screen exits right after it.
		if (event.type === 'run-finished') this.flush();
		else this.#schedule();
	}

	/** What the screen shows: the state as of the last notification. */
	readonly getSnapshot = (): RunState => this.#published;

	/** The state with every event applied, published or not. */
	get current(): RunState {
		this.#applyAllOutput();
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
		this.#pending.clear();
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

	#hold(event: OutputEvent): void {
		const held = this.#pending.get(event.host);
		if (held === undefined) {
			this.#pending.set(event.host, {first: event, chunks: [event.chunk], bytes: event.chunk.length});
			return;
		}

		held.chunks.push(event.chunk);
		held.bytes += event.chunk.length;
		if (held.bytes > PENDING_OUTPUT_LIMIT) this.#applyOutput(event.host);
	}

	/** One host's held output, as one output event. */
	#applyOutput(host: string): void {
		const held = this.#pending.get(host);
		if (held === undefined) return;
		this.#pending.delete(host);
		this.#state = reduceRun(this.#state, {...held.first, chunk: held.chunks.join('')});
	}

	#applyAllOutput(): void {
		for (const host of [...this.#pending.keys()]) this.#applyOutput(host);
	}

	#publish(): void {
		this.#applyAllOutput();
		if (this.#published === this.#state) return;
		this.#published = this.#state;
		this.#lastPublishedAt = this.#timers.now();
		for (const listener of this.#listeners) listener();
	}
}
