// Runs a plan: hosts in parallel (each in ./host-runner.ts), cross-host
// dependencies awaited, a failed host never stopping the others. Everything
// that happens becomes a RunEvent; every command lands in its host's log.

import {randomBytes} from 'node:crypto';
import type {Host} from '../pack/types.js';
import type {Facts} from '../plan/facts.js';
import {stamp as formatStamp} from './stamp.js';
import type {Plan} from '../plan/step.js';
import type {AegirPrerequisiteSource} from '../plan/steps/aegir-context.js';
import type {Transport} from '../contracts/transport.js';
import {type RecapRow, type RunEvent, type RunListener} from '../contracts/events.js';
import {EXIT, exitCodeForStop} from '../contracts/exit-codes.js';
import {createRunLogDir, type HostLog} from './host-log.js';
import {announcingHostKeys} from './host-key-notice.js';
import {HostRunner, type RunShared} from './host-runner.js';
import {checkPlanGraph} from './plan-graph.js';
import type {Prompter} from '../contracts/prompter.js';
import {StepResults} from './step-results.js';

export type RunPlanOptions = {
	/**
	 * Open the one connection a host's steps share (the lead wires source/remote/ in).
	 * `prompter` is the run's, for that host: host keys it accepts are said and logged.
	 */
	connect(host: Host, prompter: Prompter): Promise<Transport>;
	prompter: Prompter;
	/** Connect and run read-only checks only; report what would change. */
	dryRun?: boolean;
	/** Where the per-run directory of host logs goes; no logs when absent. */
	logDir?: string;
	/** Interrupt request: each host stops after its current command. Its reason ('SIGTERM', 'SIGHUP') sets the exit code. */
	signal?: AbortSignal;
	/** Hard stop: running commands are closed at once (passed to the transport). */
	abortSignal?: AbortSignal;
	onEvent?: RunListener;
	/** The run's Aegir side, for a plan with Aegir prerequisite steps (source/aegir-run/prerequisite-state.ts). */
	aegir?: AegirPrerequisiteSource;
	/** This machine as a transport, for steps that stream data from here (the composition wires it in). */
	connectThisMachine?(): Promise<Transport>;
	/** Clock for the run stamp (tests). */
	now?: () => Date;
};

export type RunOutcome = {
	exitCode: number;
	recap: RecapRow[];
	/** This run's log directory (inside RunPlanOptions.logDir). */
	logDir?: string;
	interrupted: boolean;
	/** The run only checked (dry run): nothing was applied. */
	dryRun?: boolean;
	/** Latest facts read on each host that could be read (the pack record comes from these). */
	facts?: Record<string, Facts>;
};

export async function runPlan(plan: Plan, options: RunPlanOptions): Promise<RunOutcome> {
	checkPlanGraph(plan);
	const dryRun = options.dryRun ?? false;
	const stamp = formatStamp((options.now ?? (() => new Date()))());
	const runId = `${stamp}-${randomBytes(2).toString('hex')}`;
	const logDir = options.logDir === undefined ? undefined : createRunLogDir(options.logDir, runId);
	const emit = (event: RunEvent) => {
		try {
			options.onEvent?.(event);
		} catch {
			// A broken listener must not break the run on the hosts.
		}
	};

	let interrupted = false;
	let wake!: (value: 'interrupted') => void;
	const interruptedPromise = new Promise<'interrupted'>(resolve => {
		wake = resolve;
	});
	const onInterrupt = () => {
		interrupted = true;
		wake('interrupted');
	};

	if (options.signal?.aborted) onInterrupt();
	else options.signal?.addEventListener('abort', onInterrupt, {once: true});

	// Filled by each HostRunner: a notice about a host is also a line in its log.
	const hostLogs = new Map<string, HostLog>();
	const notice = (level: 'info' | 'warn' | 'error', message: string, host?: string, lasting = false) => {
		emit({type: 'notice', at: Date.now(), host, level, message, ...(lasting ? {lasting} : {})});
		if (host !== undefined) hostLogs.get(host)?.note(level === 'info' ? message : `${level}: ${message}`);
	};

	const sharedNotices = new Set<string>();
	const shared: RunShared = {
		runId,
		stamp,
		dryRun,
		logDir,
		// Lasting: a key trusted for good is said in the run's summary, not only while its pane shows it.
		connect: host => options.connect(host, announcingHostKeys(options.prompter, line => notice('info', line, host.name, true))),
		...(options.connectThisMachine ? {connectThisMachine: options.connectThisMachine} : {}),
		hosts: new Map(plan.hosts.map(hostPlan => [hostPlan.host.name, hostPlan.host])),
		prompter: options.prompter,
		hostLogs,
		...(options.aegir ? {aegir: options.aegir} : {}),
		abortSignal: options.abortSignal ?? new AbortController().signal,
		emit,
		notice,
		sharedNotice(message) {
			if (sharedNotices.has(message)) return;
			sharedNotices.add(message);
			notice('error', message);
		},
		results: new StepResults(plan),
		factsByHost: new Map<string, Facts>(),
		isInterrupted: () => interrupted,
		interrupted: interruptedPromise,
	};

	emit({
		type: 'run-started',
		at: Date.now(),
		dryRun,
		logDir,
		hosts: plan.hosts.map(hostPlan => ({
			name: hostPlan.host.name,
			address: hostPlan.host.address,
			roles: hostPlan.roles,
			stepCount: hostPlan.steps.length,
		})),
	});
	for (const note of plan.notes) notice('info', note);

	const recap = await Promise.all(plan.hosts.map(async hostPlan => new HostRunner(hostPlan, shared).run()));
	options.signal?.removeEventListener('abort', onInterrupt);
	const anyProblem = recap.some(row => row.failed > 0 || row.skipped > 0);
	const exitCode = interrupted ? exitCodeForStop(options.signal?.reason) : anyProblem ? EXIT.failed : EXIT.ok;
	emit({type: 'run-finished', at: Date.now(), recap, exitCode, logDir, interrupted});
	return {exitCode, recap, logDir, interrupted, dryRun, facts: Object.fromEntries(shared.factsByHost)};
}
