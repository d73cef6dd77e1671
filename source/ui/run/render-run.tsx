// Glue for cli.tsx: mount the run screen on the terminal, feed it the run's
// events, and let the caller wait until the run has finished and the
// summary is on screen. For a TTY only; without one use the plain reporter.
import {render} from 'ink';
import type {RunListener} from '../../contracts/events.js';
import type {InkPrompter} from './ink-prompter.js';
import {RunScreen} from './run-screen.js';
import {RunStore} from './run-store.js';

export type RenderRunOptions = {
	/** Subscribe to the run's events; returns the unsubscribe function. Called once, before anything renders. */
	subscribe(listener: RunListener): () => void;
	/** The user confirmed Ctrl-C: stop each host after its current command. */
	onInterrupt(): void;
	/** The bridge the run asks its questions through (pass the same object to the runner). */
	prompter?: InkPrompter;
	stdout?: NodeJS.WriteStream;
	stdin?: NodeJS.ReadStream;
	stderr?: NodeJS.WriteStream;
	/** Route console.* above the screen instead of through it (default true). */
	patchConsole?: boolean;
	/**
	 * Most redraws per second (default 10: smooth enough for streaming output).
	 * Ink draws the whole screen on every frame, and that is the run screen's
	 * main CPU cost: with the 4 ticks a second of the spinners, 8 hosts
	 * streaming output keep the screen under 15 % of one core (`npm run bench`).
	 */
	maxFps?: number;
};

export type RunView = {
	/** Resolves once the run has finished and its summary is printed, with the run's exit code (undefined if unmounted before the end). */
	waitUntilExit(): Promise<number | undefined>;
	/** Take the screen down early (e.g. the runner threw). Open questions are answered no. */
	unmount(): void;
};

export function renderRun(options: RenderRunOptions): RunView {
	const maxFps = options.maxFps ?? 8;
	const store = new RunStore({minIntervalMs: Math.ceil(1000 / maxFps)});
	const unsubscribe = options.subscribe(store.listener);
	const instance = render(<RunScreen store={store} onInterrupt={options.onInterrupt} prompter={options.prompter} />, {
		// Ink's defaults (process.stdout…) apply only to keys left out, not to undefined values.
		...(options.stdout ? {stdout: options.stdout} : {}),
		...(options.stdin ? {stdin: options.stdin} : {}),
		...(options.stderr ? {stderr: options.stderr} : {}),
		// Ctrl-C is the screen's to handle: it asks before stopping a run.
		exitOnCtrlC: false,
		maxFps,
		// Not Ink's incremental rendering: in a terminal it left stale copies of panes and of the
		// title stacked on screen (test/e2e/apply-terminal.test.ts), for little CPU saved.
		// Something may log through console while the screen is up: keep it above the panes.
		patchConsole: options.patchConsole ?? true,
	});

	const finished = instance.waitUntilExit().then(value => (typeof value === 'number' ? value : undefined));

	const cleanUp = (): void => {
		unsubscribe();
		store.dispose();
		options.prompter?.close();
	};

	// Clean up however the screen ends; the caller still sees a rejection.
	finished.then(cleanUp, cleanUp);

	return {
		async waitUntilExit() {
			return finished;
		},
		unmount() {
			instance.unmount();
		},
	};
}
