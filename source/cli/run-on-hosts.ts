// The composition root of a run: plan the pack, connect with the real SSH layer,
// and show the events on the Ink run screen (terminal) or as plain lines (no
// terminal). Neither the planner nor the screens know about each other.
import {userInfo} from 'node:os';
import {join} from 'node:path';
import process from 'node:process';
import {holdPackLock} from '../pack/run-lock.js';
import {PackStore} from '../pack/store.js';
import {commandLine} from './command-line.js';
import type {Host, Pack} from '../pack/types.js';
import type {PlanOptions} from '../plan/options.js';
import {planPack} from '../plan/planner.js';
import type {Plan} from '../plan/step.js';
import {sshConnector} from '../remote/connect.js';
import {NonInteractivePrompter} from './non-interactive-prompter.js';
import {PlainReporter} from '../report/plain-reporter.js';
import {type RunEvent, type RunListener} from '../contracts/events.js';
import {EXIT, exitCodeForStop} from '../contracts/exit-codes.js';
import {watchStopSignals} from './signals.js';
import {withNewKeyPolicy} from './host-key-policy.js';
import {probeLocalSources} from '../run/local-sources-probe.js';
import {AegirPrerequisiteState} from '../aegir-run/prerequisite-state.js';
import {resolvePlanOptions} from '../plan/options.js';
import {runPlan} from '../run/runner.js';
import {prepareAegir, registerAfterRun, type AegirSetup} from '../aegir-run/aegir-setup.js';
import {localTransport} from '../aegir-run/local-transport.js';
import {verifyRecordAfterRun} from '../aegir-run/verify-record.js';
import {AEGIR_HOST_NAME, isAegirHost} from '../plan/steps/aegir-verify.js';
import {aegirRegistrationWanted, DEFAULT_AEGIR_HOME} from '../aegir-run/aegir-wanted.js';
import {packAfterRun} from '../run/pack-record.js';
import type {Prompter} from '../contracts/prompter.js';
import type {InkPrompter} from '../ui/run/ink-prompter.js';
import type {RunView} from '../ui/run/render-run.js';

export type ApplyFlags = {
	dryRun: boolean;
	knownHosts?: string;
	acceptNewHostKeys: boolean;
	moveAside: boolean;
	configDir?: string;
	platformsDir?: string;
	lockWait?: number;
	/** A sync stops before deleting more than this many paths on a host (default 100). */
	maxDelete?: number;
	sshConfig?: string;
	/** Aegir's home on this machine (alias files, the aegir user's key); default /var/aegir. */
	aegirHome?: string;
	/** Register the pack in Aegir after a successful run (default: when this machine is an Aegir server). */
	aegirRegister?: boolean;
	/** Check and fix what Aegir needs on every web head. */
	aegirPrerequisites?: boolean;
	/** Run Aegir's verify of every member, the pack and its platforms, changed or not (implies --aegir-register). */
	aegirVerify?: boolean;
};

export type ApplyContext = {
	flags: ApplyFlags;
	/** The run's plan options, worked out once from the flags (cli/plan-options.ts). */
	planOptions: PlanOptions;
	/** The store directory: run logs go to `<storeDir>/logs`. */
	storeDir: string;
	interactive: boolean;
};

/**
 * The Aegir side of a run, only when asked (--aegir-prerequisites) or when this
 * machine is an Aegir server (drush and its home): its alias files, the
 * prerequisite options, and whether to register once the run succeeds.
 */
async function aegirSetup(flags: ApplyFlags, emit: (event: RunEvent) => void): Promise<{setup: AegirSetup; register: boolean} | undefined> {
	const aegirHome = flags.aegirHome ?? DEFAULT_AEGIR_HOME;
	const register = aegirRegistrationWanted(process.env, {aegirHome, flag: (flags.aegirRegister ?? false) || (flags.aegirVerify ?? false)});
	// Registering a member Aegir does not know needs its web server, which the prerequisite checks find.
	if (!register && !flags.aegirPrerequisites) return undefined;
	const setup = await prepareAegir({aegirHome, prerequisites: true, emit, width: process.stdout.columns || 80});
	for (const warning of setup.warnings) emit({type: 'notice', at: Date.now(), level: 'warn', message: warning});
	return {setup, register};
}

/** What to run: a whole pack, or a re-run (add / remove a slave) of a saved one. */
export type PlanRun = {
	/** The pack as saved before the run; the record update starts from it. */
	pack: Pack;
	/** The plan; a re-run's plan carries the pack as it is once the run succeeds. */
	plan(options: PlanOptions): Plan & {pack?: Pack};
	/** Hosts to add to the store once the run succeeds (new hosts of an add). */
	newHosts?: Host[];
	/** What changed, for Aegir's registration: a slave added or removed (default: the whole pack). */
	change?: {slave?: string; removed?: Host};
};

/** Runs the pack's plan on its hosts; resolves with the process exit code. */
export async function applyPackToHosts(pack: Pack, context: ApplyContext): Promise<number> {
	return runOnHosts({pack, plan: options => planPack(pack, options)}, context);
}

/**
 * Plans and runs on the hosts; on success (not a dry run) saves the pack the plan
 * leads to, with its record. A failed or interrupted run leaves the store as it was,
 * so running the same command again resumes.
 */
export async function runOnHosts(run: PlanRun, context: ApplyContext): Promise<number> {
	const {flags} = context;
	// One run per pack, before anything connects (a dry run changes nothing and needs none).
	const lock = flags.dryRun ? undefined : holdPackLock(context.storeDir, run.pack.name, commandLine());
	if (lock && 'message' in lock) {
		process.stderr.write(`${lock.message}\n`);
		return EXIT.failed;
	}
	try {
		return await runLocked(run, context);
	} finally {
		lock?.release();
	}
}

async function runLocked(run: PlanRun, context: ApplyContext): Promise<number> {
	const {flags} = context;
	const listeners = new Set<RunListener>();
	const broadcast = (event: RunEvent) => {
		for (const listener of listeners) listener(event);
	};

	const interrupt = new AbortController();
	const hardStop = new AbortController();
	let prompter: Prompter;
	let inkPrompter: InkPrompter | undefined;
	let view: RunView | undefined;

	if (context.interactive) {
		// Loaded only for a terminal: Ink costs about half a second of start-up.
		const [{InkPrompter}, {renderRun}] = await Promise.all([import('../ui/run/ink-prompter.js'), import('../ui/run/render-run.js')]);
		inkPrompter = new InkPrompter();
		// With --accept-new-host-keys a new key is not asked about; the run screen shows each one accepted.
		prompter = withNewKeyPolicy(inkPrompter, {accept: flags.acceptNewHostKeys});
		view = renderRun({
			subscribe(listener) {
				listeners.add(listener);
				return () => listeners.delete(listener);
			},
			onInterrupt: () => interrupt.abort(),
			prompter: inkPrompter,
		});
	} else {
		const reporter = new PlainReporter({out: process.stdout});
		listeners.add(reporter.listener);
		prompter = withNewKeyPolicy(
			new NonInteractivePrompter({
				confirm: flags.moveAside,
				say: (host, message) => reporter.say(host, message),
			}),
			{accept: flags.acceptNewHostKeys},
		);
	}

	// SIGINT (without a terminal: Ctrl-C), SIGTERM and SIGHUP: each host finishes its current
	// command, then stops (exit 130, 143, 129). A second signal: stop now.
	const unwatchSignals = watchStopSignals({
		stop(signal) {
			if (signal === 'SIGHUP' && view) {
				// The terminal is gone: nobody can answer or read the screen. Take it down, keep the
				// host logs, and let writes to the dead terminal fail quietly.
				process.stdout.on('error', () => {});
				process.stderr.on('error', () => {});
				inkPrompter?.close();
				try {
					view.unmount();
				} catch {
					// The terminal may refuse even being restored.
				}
			} else if (view) {
				// As a confirmed Ctrl-C on the screen: open questions are answered no.
				inkPrompter?.close();
			} else {
				process.stderr.write(`${STOP_WORDS[signal]}: each host stops after its current command (Ctrl-C again to stop now).\n`);
			}
			interrupt.abort(signal);
		},
		hardStop: () => hardStop.abort(),
	});

	// The runner hands each connection its own prompter: every key accepted is said and logged.
	const connect = sshConnector({
		prompter,
		...(flags.knownHosts === undefined ? {} : {knownHostsFiles: [flags.knownHosts]}),
		...(flags.sshConfig === undefined ? {} : {sshConfigFile: flags.sshConfig}),
	});

	try {
		const aegir = await aegirSetup(flags, broadcast);
		const prerequisites = aegir?.setup.prerequisites;
		// Aegir here: its own verify moves config and code (add and create run it as steps; remove still registers after).
		const aegirMode = aegir?.register === true;
		// What only this machine knows is read once, here, before the plan is made.
		const resolved = resolvePlanOptions(context.planOptions);
		const planOptions: PlanOptions = {
			...context.planOptions,
			localSources: await probeLocalSources([resolved.configDir, resolved.platformsDir]),
			aegirPrerequisites: prerequisites !== undefined,
			...(aegir && aegirMode
				? {
						aegirMode,
						aegir: {
							servers: aegir.setup.servers.servers,
							platforms: aegir.setup.platforms.records,
							force: flags.aegirVerify ?? false,
							currentUser: userInfo().username,
							drush: 'drush',
						},
					}
				: {}),
		};
		const plan = run.plan(planOptions);
		const outcome = await runPlan(plan, {
			// Aegir's pane runs its drush commands on this machine, as the aegir user.
			connect: async (host, hostPrompter) => (isAegirHost(host) ? localTransport({hostName: AEGIR_HOST_NAME}) : connect(host, hostPrompter)),
			// A step that streams data from here (the NFS server's seed) opens this machine as a transport.
			connectThisMachine: async () => localTransport({hostName: 'this machine'}),
			prompter,
			...(prerequisites ? {aegir: new AegirPrerequisiteState(plan.pack ?? run.pack, resolved, prerequisites)} : {}),
			dryRun: flags.dryRun,
			logDir: join(context.storeDir, 'logs'),
			signal: interrupt.signal,
			abortSignal: hardStop.signal,
			onEvent: broadcast,
		});
		if (view) await view.waitUntilExit();
		// Remember what this run established (aegir uid/gid, when): add-slave checks new hosts against it.
		const applied = packAfterRun(plan.pack ?? run.pack, outcome);
		const aegirPane = plan.hosts.find(hostPlan => isAegirHost(hostPlan.host));
		if (applied && aegirPane) {
			// What Aegir verified, so that the next run in which nothing changed runs no drush.
			const members = plan.hosts.map(hostPlan => hostPlan.host.name);
			const imported = aegirPane.steps.some(step => step.id === 'aegir/import');
			const record = await verifyRecordAfterRun({aegirHome: flags.aegirHome ?? DEFAULT_AEGIR_HOME, pack: applied, members, imported});
			applied.record = {...applied.record, aegir: record};
		}

		if (applied) {
			const store = new PackStore({dir: context.storeDir});
			for (const host of run.newHosts ?? []) store.saveHost(host);
			store.savePack(applied);
		}

		// Stopped by a signal after the hosts were done: no registration, the signal's exit code.
		if (interrupt.signal.aborted && outcome.exitCode === EXIT.ok) return exitCodeForStop(interrupt.signal.reason);
		// Removing a slave re-saves the pack after the run; creating and adding ran Aegir's commands as steps.
		if (aegir?.register && !aegirPane && outcome.exitCode === EXIT.ok && (applied || outcome.dryRun)) {
			const result = await registerAfterRun(aegir.setup, {pack: applied ?? plan.pack ?? run.pack, ...run.change}, {
				dryRun: flags.dryRun,
				say: line => process.stdout.write(`${line}\n`),
			});
			if (!result.ok) {
				process.stderr.write(`Aegir registration: ${result.message}\n`);
				return EXIT.failed;
			}
		}

		return outcome.exitCode;
	} catch (error) {
		view?.unmount();
		process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
		return EXIT.failed;
	} finally {
		unwatchSignals();
	}
}

const STOP_WORDS = {SIGINT: 'Interrupted', SIGTERM: 'Terminated (SIGTERM)', SIGHUP: 'Hung up (SIGHUP)'} as const;
