// Glue for the status command: mount the health screen on the terminal and
// let the caller wait for the last report. For a TTY only; without one the
// command prints the plain table instead.
import {render} from 'ink';
import type {HealthReport} from '../../health/types.js';
import {HealthScreen, type HealthCheckFunction} from './health-screen.js';

export type RenderHealthOptions = {
	/** One check of the whole pack; the signal aborts it when the screen closes. */
	check: HealthCheckFunction;
	watch: boolean;
	/** Between the end of one check and the start of the next (default 5 s). */
	intervalMs?: number;
	packName?: string;
	stdout?: NodeJS.WriteStream;
	stdin?: NodeJS.ReadStream;
	stderr?: NodeJS.WriteStream;
	patchConsole?: boolean;
};

export type HealthView = {
	/** The last report shown; undefined when the user quit before the first one arrived. */
	waitUntilExit(): Promise<HealthReport | undefined>;
	unmount(): void;
};

export function renderHealth(options: RenderHealthOptions): HealthView {
	const instance = render(
		<HealthScreen
			check={options.check}
			watch={options.watch}
			{...(options.intervalMs === undefined ? {} : {intervalMs: options.intervalMs})}
			{...(options.packName === undefined ? {} : {packName: options.packName})}
		/>,
		{
			...(options.stdout ? {stdout: options.stdout} : {}),
			...(options.stdin ? {stdin: options.stdin} : {}),
			...(options.stderr ? {stderr: options.stderr} : {}),
			// q, Esc and Ctrl-C are the screen's: it exits with the last report.
			exitOnCtrlC: false,
			patchConsole: options.patchConsole ?? true,
		},
	);
	const finished = instance.waitUntilExit().then(value => (isReport(value) ? value : undefined));
	return {
		waitUntilExit: () => finished,
		unmount: () => instance.unmount(),
	};
}

function isReport(value: unknown): value is HealthReport {
	return typeof value === 'object' && value !== null && 'rows' in value && 'healthy' in value;
}
