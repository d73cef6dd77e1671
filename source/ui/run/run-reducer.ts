// The run screen's model: a pure reducer over RunEvents, so everything the
// screen shows can be tested without a terminal. Output is kept in a small
// ring per host (the full transcript lives in the host log, not in memory).
import type {RecapRow, RunEvent, StepFailure, StepStatus} from '../../contracts/events.js';
import type {HostRole} from '../../contracts/roles.js';
import {partialText, splitOutputTail, stripControl} from '../../report/terminal-text.js';

/** Output lines kept per host: more than any layout shows. */
export const OUTPUT_RING_SIZE = 8;
/** Notices kept for the screen (the newest win). */
export const NOTICE_LIMIT = 50;
/** Step results kept per host for the final summary. */
export const RESULT_LIMIT = 100;
/** Diff lines kept per step (the full diff is in the host log). */
export const DIFF_LINE_LIMIT = 200;

export type PaneStatus = 'waiting' | 'running' | 'ok' | 'failed' | 'stopped';

export type StepCounts = Record<StepStatus, number>;

export type CurrentStep = {
	id: string;
	title: string;
	index: number;
	count: number;
	startedAt: number;
	/** Set once the step finished and until the next one starts. */
	status?: StepStatus;
};

export type OutputRing = {
	/** Last complete lines, sanitized, oldest first, at most OUTPUT_RING_SIZE. */
	lines: readonly string[];
	/** Raw unfinished line (shown sanitized). */
	partial: string;
};

export type Notice = {at: number; host?: string; level: 'info' | 'warn' | 'error'; message: string};

/** A finished step, kept for the summary: what would change (dry run) or what changed, with its diff. */
export type StepResult = {index: number; count: number; title: string; status: StepStatus; message?: string; diff?: string};

export type HostPane = {
	name: string;
	address: string;
	roles: readonly HostRole[];
	stepCount: number;
	status: PaneStatus;
	startedAt?: number;
	finishedAt?: number;
	durationMs?: number;
	step?: CurrentStep;
	output: OutputRing;
	counts: StepCounts;
	/** Title of the step that failed, and why. */
	failedStep?: string;
	failure?: StepFailure;
	logPath?: string;
	/** Latest info notice about this host while it runs (e.g. a dpkg lock countdown). */
	notice?: Notice;
	/** Finished steps, oldest first, bounded. */
	results: readonly StepResult[];
};

export type RunPhase = 'waiting' | 'running' | 'finished';

export type RunState = {
	phase: RunPhase;
	dryRun: boolean;
	startedAt?: number;
	finishedAt?: number;
	logDir?: string;
	hosts: readonly HostPane[];
	/** Run-wide notices and host warnings/errors, oldest first. */
	notices: readonly Notice[];
	recap?: readonly RecapRow[];
	exitCode?: number;
	interrupted: boolean;
};

const EMPTY_OUTPUT: OutputRing = {lines: [], partial: ''};

// Titles, messages and failures can carry remote text (stderr, file names):
// they are cleaned once here, so no view can forget to.
function clean(text: string): string {
	return stripControl(text);
}

function cleanFailure(failure: StepFailure): StepFailure {
	return {
		...failure,
		message: clean(failure.message),
		command: failure.command === undefined ? undefined : clean(failure.command),
		stderrTail: failure.stderrTail === undefined ? undefined : clean(failure.stderrTail),
	};
}

export function initialRunState(): RunState {
	return {phase: 'waiting', dryRun: false, hosts: [], notices: [], interrupted: false};
}

function zeroCounts(): StepCounts {
	return {ok: 0, changed: 0, failed: 0, skipped: 0};
}

function newPane(name: string, address = '', roles: readonly HostRole[] = [], stepCount = 0): HostPane {
	return {name, address, roles, stepCount, status: 'waiting', output: EMPTY_OUTPUT, counts: zeroCounts(), results: []};
}

/** Replace one host's pane (creating it if the run did not announce it). */
function updateHost(state: RunState, name: string, update: (pane: HostPane) => HostPane): RunState {
	const index = state.hosts.findIndex(pane => pane.name === name);
	if (index === -1) return {...state, hosts: [...state.hosts, update(newPane(name))]};
	const hosts = [...state.hosts];
	hosts[index] = update(state.hosts[index]!);
	return {...state, hosts};
}

/** Add a chunk of raw output to a ring: split lines, drop blank ones, keep the newest (only those are sanitized). */
export function appendOutput(ring: OutputRing, chunk: string): OutputRing {
	const {lines: kept, partial} = splitOutputTail(ring.partial, chunk, OUTPUT_RING_SIZE);
	if (kept.length === 0) return {lines: ring.lines, partial};
	return {lines: [...ring.lines, ...kept].slice(-OUTPUT_RING_SIZE), partial};
}

function boundedDiff(diff: string): string {
	const lines = clean(diff).replace(/\n+$/, '').split('\n');
	if (lines.length <= DIFF_LINE_LIMIT) return lines.join('\n');
	return [...lines.slice(0, DIFF_LINE_LIMIT), `… ${lines.length - DIFF_LINE_LIMIT} more lines in the host log`].join('\n');
}

function addNotice(notices: readonly Notice[], notice: Notice): readonly Notice[] {
	return [...notices, notice].slice(-NOTICE_LIMIT);
}

export function reduceRun(state: RunState, event: RunEvent): RunState {
	switch (event.type) {
		case 'run-started': {
			return {
				...state,
				phase: 'running',
				dryRun: event.dryRun,
				startedAt: event.at,
				logDir: event.logDir ?? state.logDir,
				hosts: event.hosts.map(host => newPane(host.name, host.address, host.roles, host.stepCount)),
			};
		}

		case 'host-started': {
			return updateHost(state, event.host, pane => ({...pane, status: 'running', startedAt: event.at}));
		}

		case 'step-started': {
			return updateHost(state, event.host, pane => ({
				...pane,
				status: pane.status === 'waiting' ? 'running' : pane.status,
				startedAt: pane.startedAt ?? event.at,
				stepCount: Math.max(pane.stepCount, event.count),
				step: {id: event.stepId, title: clean(event.title), index: event.index, count: event.count, startedAt: event.at},
				// The screen shows the running command's output, so each step starts clean.
				output: EMPTY_OUTPUT,
				notice: undefined,
			}));
		}

		case 'output': {
			return updateHost(state, event.host, pane => ({...pane, output: appendOutput(pane.output, event.chunk)}));
		}

		case 'step-finished': {
			return updateHost(state, event.host, pane => {
				const step =
					pane.step?.id === event.stepId
						? {...pane.step, status: event.status}
						: {id: event.stepId, title: clean(event.title), index: 0, count: pane.stepCount, startedAt: event.at - event.durationMs, status: event.status};
				const failed = event.status === 'failed';
				const result: StepResult = {
					index: step.index,
					count: step.count,
					title: step.title,
					status: event.status,
					message: event.message === undefined ? undefined : clean(event.message),
					diff: event.diff === undefined ? undefined : boundedDiff(event.diff),
				};
				return {
					...pane,
					step,
					results: [...pane.results, result].slice(-RESULT_LIMIT),
					counts: {...pane.counts, [event.status]: pane.counts[event.status] + 1},
					failedStep: failed && !pane.failedStep ? clean(event.title) : pane.failedStep,
					failure: failed && !pane.failure ? cleanFailure(event.failure ?? {message: event.message ?? 'failed'}) : pane.failure,
				};
			});
		}

		case 'host-finished': {
			return updateHost(state, event.host, pane => ({
				...pane,
				status: event.status,
				finishedAt: event.at,
				durationMs: event.durationMs,
				// The title seen in step-finished wins: host-finished may name the step by id.
				failedStep: pane.failedStep ?? (event.failedStep === undefined ? undefined : clean(event.failedStep)),
				logPath: event.logPath ?? pane.logPath,
				notice: undefined,
			}));
		}

		case 'notice': {
			const notice: Notice = {at: event.at, host: event.host, level: event.level, message: clean(event.message)};
			let next = state;
			// A host's info notices (countdowns) live in its pane only, unless lasting; the rest is listed under the panes.
			if (event.host !== undefined && event.level === 'info') next = updateHost(next, event.host, pane => ({...pane, notice}));
			if (event.host === undefined || event.level !== 'info' || event.lasting) next = {...next, notices: addNotice(next.notices, notice)};
			return next;
		}

		case 'run-finished': {
			const logPaths = new Map(event.recap.map(row => [row.host, row.logPath]));
			return {
				...state,
				phase: 'finished',
				finishedAt: event.at,
				recap: event.recap,
				exitCode: event.exitCode,
				interrupted: event.interrupted,
				logDir: event.logDir ?? state.logDir,
				hosts: state.hosts.map(pane => ({
					...pane,
					// A host the run never finished (interrupted, or it never started) is shown as stopped.
					status: pane.status === 'running' || pane.status === 'waiting' ? 'stopped' : pane.status,
					logPath: pane.logPath ?? logPaths.get(pane.name),
				})),
			};
		}
	}
}

/** Totals over hosts, for the title line. */
export function hostTotals(state: RunState): Record<PaneStatus, number> {
	const totals: Record<PaneStatus, number> = {waiting: 0, running: 0, ok: 0, failed: 0, stopped: 0};
	for (const pane of state.hosts) totals[pane.status]++;
	return totals;
}

/** The last `count` lines to show for a host: complete lines, then the line still being written. */
export function visibleOutput(output: OutputRing, count: number): string[] {
	if (count <= 0) return [];
	const partial = partialText(output.partial);
	const lines = partial.trim() === '' ? output.lines : [...output.lines, partial];
	return lines.slice(-count);
}
