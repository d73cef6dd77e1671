// One host of a run: its steps in order over one connection (opened on first
// use), facts read once and again only after a change, every command logged.
// A failed step stops the host; the rest of its steps are reported skipped.

import type {Facts} from '../plan/facts.js';
import type {AegirPrerequisiteSource} from '../plan/steps/aegir-context.js';
import {type CheckContext, type CheckResult, type HostPlan, type PeerTarget, type Step, type StepContext} from '../plan/step.js';
import {StepFailedError} from '../contracts/command-error.js';
import type {Transport} from '../contracts/transport.js';
import type {RecapRow, RunEvent, StepFailure, StepStatus} from '../contracts/events.js';
import {HostLog} from './host-log.js';
import type {Prompter} from '../contracts/prompter.js';
import {InterruptedError, RecordingTransport} from './recording-transport.js';
import type {StepResults} from './step-results.js';

/** What every host of a run shares. */
export type RunShared = {
	runId: string;
	/** `YYYYmmdd-HHMMSS` of the run start, for backups and moved-aside directories. */
	stamp: string;
	dryRun: boolean;
	logDir?: string;
	/** Each host's log, by host name, once its runner exists (notices about a host are written there too). */
	hostLogs?: Map<string, HostLog>;
	connect(host: HostPlan['host']): Promise<Transport>;
	connectThisMachine?(): Promise<Transport>;
	/** Every host of the plan by name (a step may open a second connection to one). */
	hosts: ReadonlyMap<string, HostPlan['host']>;
	prompter: Prompter;
	/** The run's Aegir side, handed to every step (present when the plan has Aegir prerequisite steps). */
	aegir?: AegirPrerequisiteSource;
	abortSignal: AbortSignal;
	emit(event: RunEvent): void;
	notice(level: 'info' | 'warn' | 'error', message: string, host?: string): void;
	/** A notice for everyone, shown once however many hosts raise it (e.g. the uid/gid table). */
	sharedNotice(message: string): void;
	results: StepResults;
	factsByHost: Map<string, Facts>;
	isInterrupted(): boolean;
	/** Resolves when an interrupt is requested: steps waiting on other hosts wake up. */
	interrupted: Promise<'interrupted'>;
};

type Finish = {status: StepStatus; message?: string; diff?: string; failure?: StepFailure; commands?: string[]};

const passed = (status: StepStatus) => status === 'ok' || status === 'changed';

function failureOf(error: unknown): StepFailure {
	if (error instanceof StepFailedError) {
		return {message: error.message, command: error.command, code: error.code, stderrTail: error.stderrTail};
	}

	return {message: error instanceof Error ? error.message : String(error)};
}

export class HostRunner {
	readonly #plan: HostPlan;
	readonly #shared: RunShared;
	readonly #log?: HostLog;
	readonly #counts = {ok: 0, changed: 0, failed: 0, skipped: 0};
	#transport?: RecordingTransport;
	#facts?: Facts;
	#factsStale = true;
	/** Why the remaining steps cannot run (a failed step, an interrupt). */
	#blocked?: string;
	#firstProblem?: string;
	#currentStep = '';
	/** After an interrupt no new command of an apply starts; reads (checks, facts, verify) may still finish a step. */
	#applying = false;

	constructor(plan: HostPlan, shared: RunShared) {
		this.#plan = plan;
		this.#shared = shared;
		if (shared.logDir !== undefined) this.#log = new HostLog(shared.logDir, plan.host.name);
		if (this.#log) shared.hostLogs?.set(plan.host.name, this.#log);
	}

	get #host() {
		return this.#plan.host;
	}

	async run(): Promise<RecapRow> {
		const {host} = this.#plan;
		const started = Date.now();
		this.#shared.emit({type: 'host-started', at: started, host: host.name});
		this.#log?.note(
			`aegir-pack run ${this.#shared.runId}${this.#shared.dryRun ? ' (dry run: read-only checks)' : ''}: ${host.name} ${host.user}@${host.address}:${host.port}`,
		);
		for (const [index, step] of this.#plan.steps.entries()) await this.#runStep(step, index);

		try {
			await this.#transport?.close();
		} catch (error) {
			this.#log?.note(`closing the connection: ${(error as Error).message}`);
		}

		const counts = this.#counts;
		const durationMs = Date.now() - started;
		const status = counts.failed > 0 || counts.skipped > 0 ? 'failed' : 'ok';
		this.#log?.note(`finished: ${status}; ok=${counts.ok} changed=${counts.changed} failed=${counts.failed} skipped=${counts.skipped} in ${durationMs} ms`);
		await this.#log?.close();
		const logPath = this.#log?.path;
		this.#shared.emit({type: 'host-finished', at: Date.now(), host: host.name, status, failedStep: this.#firstProblem, durationMs, logPath});
		return {host: host.name, ...counts, durationMs, logPath};
	}

	async #runStep(step: Step, index: number): Promise<void> {
		const started = Date.now();
		this.#currentStep = step.id;
		if (this.#blocked === undefined && this.#shared.isInterrupted()) this.#blocked = 'interrupted';
		if (this.#blocked === undefined) {
			const waited = await this.#waitFor(step);
			if (waited !== undefined) this.#blocked = waited === 'interrupted' ? 'interrupted' : `skipped: waits for ${waited}`;
		}

		this.#log?.note(`step ${index + 1}/${this.#plan.steps.length} ${step.id}: ${step.title}`);
		this.#shared.emit({
			type: 'step-started',
			at: Date.now(),
			host: this.#host.name,
			stepId: step.id,
			title: step.title,
			index: index + 1,
			count: this.#plan.steps.length,
		});
		const result: Finish = this.#blocked === undefined ? await this.#execute(step) : {status: 'skipped', message: this.#blocked};
		this.#finish(step, started, result);
	}

	/** Wait for the steps this one names: 'interrupted', or the first required one that did not pass. */
	async #waitFor(step: Step): Promise<'interrupted' | string | undefined> {
		const waits = [...(step.after ?? []).map(ref => ({ref, mustPass: false})), ...(step.dependsOn ?? []).map(ref => ({ref, mustPass: true}))];
		for (const {ref, mustPass} of waits) {
			const status = await Promise.race([this.#shared.results.wait(ref), this.#shared.interrupted]);
			if (status === 'interrupted') return 'interrupted';
			if (mustPass && !passed(status)) return `${ref.host}: ${this.#shared.results.title(ref)} ${status}`;
		}

		return undefined;
	}

	/** check, then (unless a dry run) apply and verify. */
	async #execute(step: Step): Promise<Finish> {
		this.#applying = false;
		let completedBeforeApply = 0;
		try {
			const transport = await this.#connection();
			const check: CheckResult = await step.check(this.#checkContext(await this.#currentFacts()));
			if (check.state === 'ok') return {status: 'ok', message: check.message};
			if (check.state === 'fail') {
				if (check.notice) this.#shared.sharedNotice(check.notice);
				this.#blocked = `skipped: ${step.title} failed`;
				return {status: 'failed', message: check.message, failure: {message: check.message}};
			}

			if (this.#shared.dryRun) {
				for (const command of check.commands) this.#output(`would run: ${command}\n`);
				return {status: 'changed', message: `would ${check.message}`, diff: check.diff || undefined, commands: check.commands};
			}

			this.#applying = true;
			completedBeforeApply = transport.completed;
			const outcome = await step.apply(this.#stepContext(this.#facts!));
			this.#applying = false;
			this.#factsStale = true;
			await (step.verify ? step.verify(this.#stepContext(this.#facts!)) : this.#verifyByChecking(step));
			return {status: outcome?.status ?? 'changed', message: outcome?.message ?? check.message, diff: (outcome?.diff ?? check.diff) || undefined};
		} catch (error) {
			this.#factsStale = true;
			const wasApplying = this.#applying;
			this.#applying = false;
			if (error instanceof InterruptedError) {
				this.#blocked = 'interrupted';
				// Commands of this apply already ran: the step is half done, and says so.
				if (wasApplying && (this.#transport?.completed ?? 0) > completedBeforeApply) {
					return {
						status: 'failed',
						message: 'interrupted in the middle of this step: run again to finish it',
						failure: {message: `interrupted before: ${error.refusedCommand}`},
					};
				}

				return {status: 'skipped', message: 'interrupted'};
			}

			this.#blocked = `skipped: ${step.title} failed`;
			const failure = failureOf(error);
			return {status: 'failed', message: failure.message, failure};
		}
	}

	/** The default verify: read the facts again; the check must now say ok. */
	async #verifyByChecking(step: Step): Promise<void> {
		const again = await step.check(this.#checkContext(await this.#refreshFacts()));
		if (again.state !== 'ok') throw new StepFailedError(`applied, but the check still says: ${again.message}`);
	}

	#finish(step: Step, started: number, result: Finish): void {
		const {status, ...details} = result;
		this.#counts[status]++;
		if (status === 'failed' || status === 'skipped') this.#firstProblem ??= step.title;
		this.#log?.note(`step ${step.id}: ${status}${details.message ? ` (${details.message})` : ''}`);
		if (details.diff) this.#log?.note(`diff:\n${details.diff}`);
		if (details.failure?.stderrTail) this.#log?.note(`stderr tail:\n${details.failure.stderrTail}`);
		this.#shared.emit({
			type: 'step-finished',
			at: Date.now(),
			host: this.#host.name,
			stepId: step.id,
			title: step.title,
			status,
			durationMs: Date.now() - started,
			...details,
		});
		this.#shared.results.settle({host: this.#host.name, id: step.id}, status);
	}

	async #connection(): Promise<RecordingTransport> {
		if (!this.#transport) {
			const {host} = this.#plan;
			this.#log?.note(`connecting to ${host.user}@${host.address}:${host.port}`);
			const inner = await this.#shared.connect(host);
			this.#transport = new RecordingTransport(inner, {
				log: this.#log,
				onOutput: chunk => this.#output(chunk),
				isInterrupted: () => this.#shared.isInterrupted() && this.#applying,
			});
			this.#log?.note('connected');
		}

		return this.#transport;
	}

	async #refreshFacts(): Promise<Facts> {
		const transport = await this.#connection();
		const facts = await this.#plan.gatherFacts(transport.quiet(), this.#shared.abortSignal);
		this.#facts = facts;
		this.#shared.factsByHost.set(this.#host.name, facts);
		this.#factsStale = false;
		return facts;
	}

	async #currentFacts(): Promise<Facts> {
		return this.#factsStale || !this.#facts ? this.#refreshFacts() : this.#facts;
	}

	#output(chunk: string): void {
		this.#shared.emit({type: 'output', at: Date.now(), host: this.#host.name, stepId: this.#currentStep, chunk});
	}

	#checkContext(facts: Facts): CheckContext {
		return {
			host: this.#host,
			facts,
			factsOf: name => this.#shared.factsByHost.get(name),
			transport: this.#transport!,
			dryRun: this.#shared.dryRun,
			signal: this.#shared.abortSignal,
			...(this.#shared.aegir ? {aegir: this.#shared.aegir} : {}),
			stepStatus: ref => this.#shared.results.status(ref),
			openPeer: async target => this.#openPeer(target),
		};
	}

	#stepContext(facts: Facts): StepContext {
		return {
			...this.#checkContext(facts),
			prompter: this.#shared.prompter,
			notice: (level, message) => this.#shared.notice(level, message, this.#host.name),
			output: text => this.#output(text.endsWith('\n') ? text : `${text}\n`),
			stamp: this.#shared.stamp,
			refreshFacts: async () => this.#refreshFacts(),
		};
	}

	/** A second connection for this host's step, logged here; never echoed (it carries data, not output). */
	async #openPeer(target: PeerTarget): Promise<Transport> {
		let inner: Transport;
		if ('thisMachine' in target) {
			if (!this.#shared.connectThisMachine) throw new Error('this run cannot reach this machine as a transport');
			this.#log?.note('opening a second channel on this machine');
			inner = await this.#shared.connectThisMachine();
		} else {
			const host = this.#shared.hosts.get(target.host);
			if (!host) throw new Error(`${target.host} is not a host of this plan`);
			this.#log?.note(`connecting to ${host.name} (${host.user}@${host.address}:${host.port}) for this step`);
			inner = await this.#shared.connect(host);
		}

		return new RecordingTransport(inner, {log: this.#log, isInterrupted: () => this.#shared.isInterrupted() && this.#applying}, false);
	}
}
