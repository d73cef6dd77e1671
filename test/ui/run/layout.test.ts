import {describe, expect, it} from 'vitest';
import {chooseLayout, paneHeight} from '../../../source/ui/run/layout.js';
import {initialRunState, reduceRun, type HostPane} from '../../../source/ui/run/run-reducer.js';
import {runStarted, stepStarted, summaries, T0} from '../../report/run-fixtures.js';

function runningPanes(count: number): HostPane[] {
	let state = reduceRun(initialRunState(), runStarted(summaries(count)));
	for (const host of summaries(count)) state = reduceRun(state, stepStarted(host.name, 2));
	return [...state.hosts];
}

function finished(panes: HostPane[], status: 'ok' | 'failed', count: number): HostPane[] {
	return panes.map((pane, index) => (index < count ? {...pane, status, finishedAt: T0} : pane));
}

describe('chooseLayout', () => {
	it('gives a few hosts the roomy layout with three output lines and gaps', () => {
		const layout = chooseLayout({rows: 24, hosts: runningPanes(3), chromeLines: 1, noticeLines: 0});
		expect(layout).toMatchObject({density: 'roomy', outputLines: 3, gap: true, foldDone: false, maxPanes: 3});
		expect(layout.height).toBeLessThanOrEqual(23);
	});

	it('fits 8 running hosts in 24 rows with one output line each, leaving the last row free', () => {
		const layout = chooseLayout({rows: 24, hosts: runningPanes(8), chromeLines: 1, noticeLines: 5});
		expect(layout.density).toBe('compact');
		expect(layout.outputLines).toBe(1);
		expect(layout.noticeLines).toBe(3);
		expect(layout.height).toBeLessThanOrEqual(23);
		expect(layout.maxPanes).toBe(8);
	});

	it('gives output lines back as hosts finish and collapse to one line', () => {
		const panes = finished(runningPanes(8), 'ok', 6);
		const layout = chooseLayout({rows: 24, hosts: panes, chromeLines: 1, noticeLines: 0});
		expect(layout.density).toBe('roomy');
		expect(layout.outputLines).toBeGreaterThanOrEqual(2);
	});

	it('keeps every pane when a question modal takes space, by dropping output lines', () => {
		const layout = chooseLayout({rows: 24, hosts: runningPanes(8), chromeLines: 1 + 9, noticeLines: 0});
		expect(layout).toMatchObject({density: 'compact', outputLines: 0, maxPanes: 8});
		expect(layout.height).toBeLessThanOrEqual(23);
	});

	it('on a very short terminal folds the finished hosts and counts the panes it cannot show', () => {
		const panes = finished(runningPanes(12), 'ok', 4);
		const layout = chooseLayout({rows: 10, hosts: panes, chromeLines: 1, noticeLines: 2});
		expect(layout.foldDone).toBe(true);
		expect(layout.noticeLines).toBe(1);
		expect(layout.maxPanes).toBeLessThan(8);
		expect(layout.height).toBeLessThanOrEqual(9);
	});

	it('sizes a failed host by its detail lines and a finished one as a single line', () => {
		const [pane] = runningPanes(1);
		const level = {density: 'roomy' as const, outputLines: 3, detailLines: 2, gap: false};
		expect(paneHeight(pane!, level)).toBe(5);
		expect(paneHeight({...pane!, status: 'failed'}, level)).toBe(3);
		expect(paneHeight({...pane!, status: 'ok'}, level)).toBe(1);
	});
});
