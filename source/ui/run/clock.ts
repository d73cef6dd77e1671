// One shared clock for every spinner and elapsed time on the screen: a single
// timer, running only while something shows time. Each tick is one React
// commit: the screen reads the clock once (ClockProvider) and hands the time
// down by context, so only the small components that show time re-render,
// and they re-render together. (Each subscriber of its own would be one
// synchronous commit per subscriber per tick under Ink's legacy root.)
import {createContext, createElement, useContext, useSyncExternalStore, type ReactNode} from 'react';

/**
 * Tick period: every tick that moves a spinner is a frame Ink draws in full,
 * and a frame is the run screen's main CPU cost, so the spinner turns 3 times
 * a second (elapsed times only change once a second).
 */
export const CLOCK_INTERVAL_MS = 333;

export type ClockOptions = {
	/** Tick period (default CLOCK_INTERVAL_MS). */
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
		this.#intervalMs = options.intervalMs ?? CLOCK_INTERVAL_MS;
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

/** The time a ClockProvider read, for everything below it. */
const SharedNow = createContext<number | undefined>(undefined);

const noSubscription = (): (() => void) => () => {};

/** Reads the clock once for everything below it: one commit per tick, whatever the number of spinners. */
export function ClockProvider({clock, children}: {clock: Clock; children: ReactNode}) {
	const now = useSyncExternalStore(clock.subscribe, clock.getSnapshot);
	return createElement(SharedNow.Provider, {value: now}, children);
}

/** The clock's time, re-rendering the calling component on each tick (through a ClockProvider when there is one). */
export function useNow(clock: Clock): number {
	const shared = useContext(SharedNow);
	const own = useSyncExternalStore(shared === undefined ? clock.subscribe : noSubscription, clock.getSnapshot);
	return shared ?? own;
}
