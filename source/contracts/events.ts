// What the runner tells the world. The Ink run screen and the plain reporter
// are two subscribers of this one stream; neither knows how steps run.

import type {HostRole} from './roles.js';

export type StepStatus = 'ok' | 'changed' | 'failed' | 'skipped';

export type HostSummary = {
	name: string;
	address: string;
	roles: HostRole[];
	stepCount: number;
};

export type StepFailure = {
	/** The command that failed (no secrets), its exit code and the tail of its stderr. */
	command?: string;
	code?: number;
	stderrTail?: string;
	message: string;
};

export type RecapRow = {
	host: string;
	ok: number;
	changed: number;
	failed: number;
	skipped: number;
	durationMs: number;
	logPath?: string;
};

export type RunEvent =
	| {type: 'run-started'; at: number; hosts: HostSummary[]; dryRun: boolean; logDir?: string}
	| {type: 'host-started'; at: number; host: string}
	| {type: 'step-started'; at: number; host: string; stepId: string; title: string; index: number; count: number}
	/** Raw output of the running command (may be partial lines). */
	| {type: 'output'; at: number; host: string; stepId: string; chunk: string}
	| {
			type: 'step-finished';
			at: number;
			host: string;
			stepId: string;
			title: string;
			status: StepStatus;
			durationMs: number;
			/** Why: "already exported", "fstab entry replaced", "skipped: nfs-server failed"… */
			message?: string;
			/** Unified-style diff of a file this step changed (or would change in a dry run). */
			diff?: string;
			/** Dry run: every command this step would run, as a sysadmin reads them. */
			commands?: string[];
			failure?: StepFailure;
	  }
	| {type: 'host-finished'; at: number; host: string; status: 'ok' | 'failed'; failedStep?: string; durationMs: number; logPath?: string}
	/** Something the user must see that is not a step: a lock countdown, a uid/gid table, a warning. */
	/** lasting: kept for the run's summary even when it is a host's info notice (e.g. an accepted host key). */
	| {type: 'notice'; at: number; host?: string; level: 'info' | 'warn' | 'error'; message: string; lasting?: boolean}
	| {type: 'run-finished'; at: number; recap: RecapRow[]; exitCode: number; logDir?: string; interrupted: boolean};

export type RunListener = (event: RunEvent) => void;
