// One shared clock for every spinner and elapsed time on the screen: a single
// timer, running only while something shows time, and only the small
// components that show time re-render on its ticks.
import {useSyncExternalStore} from 'react';

export type ClockOptions = {
	/** Tick period (default 100 ms: a smooth spinner, little CPU). */
	intervalMs?: number;
	now?: () => number;
};

export class Clock {
	readonly #intervalMs: number;
	readonly #now: () => number;
	readonly #listeners = new Set<() => void>();
	#time: number;
	#timer: ReturnType<typeof setInterval> | undefined;

	constructor(options: ClockOptions = {}) {
		this.#intervalMs = options.intervalMs ?? 100;
		this.#now = options.now ?? Date.now;
		this.#time = this.#now();
	}

	/** Time of the last tick (a stable snapshot between ticks). */
	readonly getSnapshot = (): number => this.#time;

	readonly subscribe = (listener: () => void): (() => void) => {
		this.#listeners.add(listener);
		if (this.#timer === undefined) {
			this.#time = this.#now();
			this.#timer = setInterval(this.tick, this.#intervalMs);
			this.#timer.unref?.();
		}

		return () => {
			this.#listeners.delete(listener);
			if (this.#listeners.size === 0 && this.#timer !== undefined) {
				clearInterval(this.#timer);
				this.#timer = undefined;
			}
		};
	};

	/** Advance to the current time and tell the listeners (the timer calls this; tests may too). */
	readonly tick = (): void => {
		this.#time = this.#now();
		for (const listener of this.#listeners) listener();
	};
}

/** The clock's time, re-rendering the calling component on each tick. */
export function useNow(clock: Clock): number {
	return useSyncExternalStore(clock.subscribe, clock.getSnapshot);
}
