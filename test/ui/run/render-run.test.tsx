import {describe, expect, it, vi} from 'vitest';
import type {RunListener} from '../../../source/contracts/events.js';
import {InkPrompter} from '../../../source/ui/run/ink-prompter.js';
import {renderRun} from '../../../source/ui/run/render-run.js';
import {FakeTerminal} from '../fake-terminal.js';
import {runStarted, stepStarted, summaries, wholeRun} from '../../report/run-fixtures.js';
import {hostKey, KEY, waitFor} from './fixtures.js';

/** A stand-in for the runner's event emitter. */
function eventSource() {
	const listeners = new Set<RunListener>();
	const unsubscribe = vi.fn();
	return {
		listeners,
		unsubscribe,
		subscribe(listener: RunListener) {
			listeners.add(listener);
			return () => {
				listeners.delete(listener);
				unsubscribe();
			};
		},
		emit(event: Parameters<RunListener>[0]) {
			for (const listener of listeners) listener(event);
		},
	};
}

describe('renderRun', () => {
	it('shows the run from its events and resolves with the exit code once the summary is printed', async () => {
		const terminal = new FakeTerminal();
		const source = eventSource();
		const view = renderRun({subscribe: source.subscribe, onInterrupt() {}, ...terminal.streams()});
		expect(source.listeners.size).toBe(1);
		for (const event of wholeRun(3, ['web2'])) source.emit(event);
		expect(await view.waitUntilExit()).toBe(1);
		const text = terminal.text();
		expect(text).toMatch(/RECAP +ok +changed +failed +skipped +time/);
		expect(text).toContain('Exit 1: at least one host failed');
		expect(source.unsubscribe).toHaveBeenCalledTimes(1);
	});

	it('asks before stopping on Ctrl-C and calls onInterrupt on yes', async () => {
		const terminal = new FakeTerminal();
		const source = eventSource();
		const onInterrupt = vi.fn();
		const view = renderRun({subscribe: source.subscribe, onInterrupt, ...terminal.streams()});
		source.emit(runStarted(summaries(2)));
		source.emit(stepStarted('web1', 1));
		await waitFor(() => terminal.text().includes('1/9 Preflight'), 'the panes');
		terminal.type(KEY.ctrlC);
		await waitFor(() => terminal.text().includes('Stop after each host'), 'the stop question');
		terminal.type('y');
		await waitFor(() => onInterrupt.mock.calls.length === 1, 'onInterrupt');
		source.emit({type: 'run-finished', at: 0, recap: [], exitCode: 130, interrupted: true});
		expect(await view.waitUntilExit()).toBe(130);
	});

	it('answers open questions no when taken down early', async () => {
		const terminal = new FakeTerminal();
		const source = eventSource();
		const prompter = new InkPrompter();
		const view = renderRun({subscribe: source.subscribe, onInterrupt() {}, prompter, ...terminal.streams()});
		source.emit(runStarted(summaries(2)));
		const answer = prompter.acceptHostKey(hostKey);
		await waitFor(() => terminal.text().includes('unknown host key'), 'the modal');
		view.unmount();
		expect(await view.waitUntilExit()).toBeUndefined();
		expect(await answer).toBe(false);
		expect(source.unsubscribe).toHaveBeenCalledTimes(1);
	});

	it('answers no at once when there is no keyboard to answer with (stdin not a TTY)', async () => {
		const terminal = new FakeTerminal();
		terminal.stdin.isTTY = false;
		const source = eventSource();
		const prompter = new InkPrompter();
		const view = renderRun({subscribe: source.subscribe, onInterrupt() {}, prompter, ...terminal.streams()});
		source.emit(runStarted(summaries(1)));
		expect(await prompter.acceptHostKey(hostKey)).toBe(false);
		view.unmount();
		await view.waitUntilExit();
	});
});
