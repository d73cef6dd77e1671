// A step is data plus three functions: check (read-only: is it already so?),
// apply (make it so) and verify (prove it is so). The runner drives them; the
// planner builds them. Nothing here knows about ssh2 or Ink.

import type {Host} from '../pack/types.js';
import type {HostRole} from '../contracts/roles.js';
import type {Prompter} from '../contracts/prompter.js';
import type {Facts} from './facts.js';
import type {Transport} from '../contracts/transport.js';
import type {StepStatus} from '../contracts/events.js';
import type {AegirPrerequisiteSource} from './steps/aegir-context.js';
import type {FactsReads} from './facts-script.js';

/** A step of some host of the plan: dependencies may point at other hosts. */
export type StepRef = {host: string; id: string};

export type CheckOk = {state: 'ok'; message: string};
export type CheckChange = {
	state: 'change';
	/** What would change, in words: "install nfs-common", "replace the fstab entry"… */
	message: string;
	/** Unified diff of a file this step would change. */
	diff?: string;
	/** Every command the apply would run, as a sysadmin would read them (for --dry-run). */
	commands: string[];
};
/** The check found a state the step must not (or cannot) change: the step fails without applying. */
export type CheckFail = {
	state: 'fail';
	message: string;
	/** Longer text for everyone (e.g. the uid/gid table); the runner shows each distinct one once. */
	notice?: string;
};
export type CheckResult = CheckOk | CheckChange | CheckFail;

/** What the apply reports when it knows better than "changed" (e.g. rsync found nothing to copy). */
export type ApplyOutcome = {status?: 'ok' | 'changed'; message?: string; diff?: string};

/** What a check may use: facts of this host (and of the others, for cross-host gates). */
export type CheckContext = {
	host: Host;
	facts: Facts;
	/** Latest facts of any host of the plan, undefined when that host could not be read. */
	factsOf(hostName: string): Facts | undefined;
	/** For read-only probes only (e.g. rsync --dry-run). */
	transport: Transport;
	dryRun: boolean;
	signal: AbortSignal;
	/** The run's Aegir side, when the plan holds Aegir prerequisite steps. */
	aegir?: AegirPrerequisiteSource;
	/**
	 * How a step of the plan (on any host) finished, or undefined while it has
	 * not. In a dry run `changed` means "would change". Wait for it first
	 * (dependsOn / after) to read a settled answer.
	 */
	stepStatus?(ref: StepRef): StepStatus | undefined;
	/**
	 * A second connection, for a step that moves data between hosts through
	 * this machine (no keys between hosts): to another host of the plan by
	 * name, or to this machine. Logged in this host's log; the step closes it.
	 * A check may use it only to read.
	 */
	openPeer?(target: PeerTarget): Promise<Transport>;
};

export type StepContext = CheckContext & {
	prompter: Prompter;
	/** Something the user must see now (a lock countdown, a diff about to be applied). */
	notice(level: 'info' | 'warn' | 'error', message: string): void;
	/** Extra lines for the pane and the host log. */
	output(text: string): void;
	/** Local time of the run start, `YYYYmmdd-HHMMSS`: backups and moved-aside directories use it. */
	stamp: string;
	/** Facts as they are now on the host (read again; steps call this after changing something). */
	refreshFacts(): Promise<Facts>;
};

/** Another host of the plan, by name, or the machine running the tool. */
export type PeerTarget = {host: string} | {thisMachine: true};

export type Step = {
	/** Unique within its host, e.g. `nfs-client/fstab`. */
	id: string;
	title: string;
	/** Name of the pack host it runs on. */
	host: string;
	/** Must finish ok or changed first, else this step is skipped. */
	dependsOn?: StepRef[];
	/** Must finish first, whatever its status (barriers such as the uid/gid gate). */
	after?: StepRef[];
	/** State its check reads, read once in the host's batched facts instead of by a command of its own. */
	reads?: FactsReads;
	check(context: CheckContext): CheckResult | Promise<CheckResult>;
	apply(context: StepContext): Promise<ApplyOutcome | void>;
	/**
	 * Prove the apply worked. Default (when absent): read the facts again and run
	 * check, which must now say ok.
	 */
	verify?(context: StepContext): Promise<void>;
};

export type HostPlan = {
	host: Host;
	roles: HostRole[];
	steps: Step[];
	/** One read-only batched command that reads everything the checks of this host need. */
	gatherFacts(transport: Transport, signal?: AbortSignal): Promise<Facts>;
};

export type Plan = {
	packName: string;
	hosts: HostPlan[];
	/** Things worth saying before the run (e.g. "platforms not synced: the master is this machine"). */
	notes: string[];
};
