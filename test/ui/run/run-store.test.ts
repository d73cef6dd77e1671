import {describe, expect, it} from 'vitest';
import {RunStore} from '../../../source/ui/run/run-store.js';
import {manualTimers} from './fixtures.js';
import {output, runStarted, stepStarted, summaries, wholeRun} from '../../report/run-fixtures.js';

describe('RunStore', () => {
	it('applies every event at once but tells the screen at most once per interval', () => {
		const clock = manualTimers();
		const store = new RunStore({timers: clock.timers, minIntervalMs: 33});
		let notified = 0;
		store.subscribe(() => notified++);
		store.dispatch(runStarted(summaries(8)));
		store.dispatch(stepStarted('web1', 1));
		for (let index = 0; index < 10_000; index++) store.dispatch(output(`web${(index % 8) + 1}`, `line ${index}\n`));

		// The first event is shown at once; the other 10,001 wait for one trailing redraw.
		expect(notified).toBe(1);
		expect(store.current.hosts[7]?.output.lines.at(-1)).toBe('line 9999');
		expect(store.getSnapshot().hosts[7]?.output.lines).toEqual([]);
		expect(clock.pending()).toBe(1);

		clock.advance(33);
		expect(notified).toBe(2);
		expect(store.getSnapshot()).toBe(store.current);
	});

	it('bounds notifications by time, not by events, over a long stream', () => {
		const clock = manualTimers();
		const store = new RunStore({timers: clock.timers, minIntervalMs: 33});
		let notified = 0;
		store.subscribe(() => notified++);
		store.dispatch(runStarted(summaries(8)));
		// 10,000 chunks spread over one simulated second: 10 chunks per millisecond.
		for (let ms = 0; ms < 1000; ms++) {
			for (let index = 0; index < 10; index++) store.dispatch(output('web2', `x${ms}.${index}\n`));
			clock.advance(1);
		}

		clock.advance(100);
		expect(notified).toBeLessThanOrEqual(1 + Math.ceil(1100 / 33));
		expect(notified).toBeGreaterThan(10);
		expect(store.getSnapshot().hosts[1]?.output.lines.at(-1)).toBe('x999.9');
	});

	it('publishes the end of the run at once', () => {
		const clock = manualTimers();
		const store = new RunStore({timers: clock.timers});
		let notified = 0;
		store.subscribe(() => notified++);
		const events = wholeRun(2);
		for (const event of events) store.dispatch(event);
		expect(store.getSnapshot().phase).toBe('finished');
		expect(notified).toBe(2);
		expect(clock.pending()).toBe(0);
	});

	it('returns the same snapshot until it publishes (what useSyncExternalStore needs)', () => {
		const clock = manualTimers();
		const store = new RunStore({timers: clock.timers});
		store.dispatch(runStarted(summaries(1)));
		const first = store.getSnapshot();
		store.dispatch(output('web1', 'a\n'));
		expect(store.getSnapshot()).toBe(first);
		expect(store.getSnapshot()).toBe(store.getSnapshot());
	});

	it('stops notifying after dispose', () => {
		const clock = manualTimers();
		const store = new RunStore({timers: clock.timers});
		let notified = 0;
		store.subscribe(() => notified++);
		store.dispatch(runStarted(summaries(1)));
		store.dispatch(output('web1', 'a\n'));
		store.dispose();
		clock.advance(100);
		expect(notified).toBe(1);
		expect(clock.pending()).toBe(0);
	});
});
