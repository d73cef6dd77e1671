// Aegir's remote web server prerequisites as plan steps, one per ✔/✖ row:
// check shows the row's exact fix (commands and diff) for the review and
// --dry-run, apply runs it as root (file content on stdin), verify reads the
// facts again and wants the row ✔. A row that needs a human fails with what to
// do. The account row stands in for the preflight's "aegir user exists" on the
// web heads, so a head without the user gets it (with the pack's ids) before
// the uid/gid gate compares the hosts.

import type {PrerequisiteFix, PrerequisiteId, PrerequisiteReport, PrerequisiteRow} from '../../aegir/prerequisite-types.js';
import type {Host} from '../../pack/types.js';
import {type CheckContext, type CheckResult, type Step, type StepContext} from '../step.js';
import {StepFailedError, tail} from '../../contracts/command-error.js';
import {runAsRoot} from './run-command.js';
import type {AegirPrerequisiteSource} from './aegir-context.js';

export const AEGIR_TABLE_STEP = 'aegir/prerequisites';
export const AEGIR_ACCOUNT_STEP = 'preflight/aegir';

/** The rows after the account, in the order their fixes may rely on each other. */
export const AEGIR_ROW_STEPS: ReadonlyArray<{id: PrerequisiteId; title: string}> = [
	{id: 'rsync', title: 'rsync'},
	{id: 'web-server', title: 'web server'},
	{id: 'sudoers', title: 'sudo for web server reloads'},
	{id: 'web-include', title: "web server reads Aegir's config"},
	{id: 'php', title: 'PHP with MySQL'},
	{id: 'mysql-client', title: 'MySQL client'},
	{id: 'apache-rewrite', title: "Apache's rewrite module"},
	{id: 'authorized-key', title: "Aegir server's key authorized"},
	{id: 'known-host', title: 'member known to Aegir ssh'},
];

export const aegirStepId = (id: PrerequisiteId) => (id === 'aegir-account' ? AEGIR_ACCOUNT_STEP : `aegir/${id}`);

/** What a check shows in place of the run's stamp (a dry run has none yet). */
export const STAMP_PLACEHOLDER = '<stamp>';

/** The run's Aegir side, which every Aegir step needs (the composition gives it when it plans these steps). */
function sourceOf(context: CheckContext): AegirPrerequisiteSource {
	if (!context.aegir) throw new Error('Aegir prerequisite steps were planned, but the run has no Aegir side (aegirPrerequisites was not given to the runner)');
	return context.aegir;
}

/** apt may wait for the dpkg lock, then download: far longer than a file edit. */
const FIX_TIMEOUT_MS = 45 * 60 * 1000;

function rowOf(report: PrerequisiteReport, id: PrerequisiteId): PrerequisiteRow {
	const row = report.rows.find(candidate => candidate.id === id);
	if (!row) throw new Error(`the prerequisite check of ${report.host} has no ${id} row`);
	return row;
}

const onServer = (fix: PrerequisiteFix) => fix.runsOn === 'aegir-server';

/** A row as a step check: ✔ ok, a fix to show, or what a human must do. */
export function rowCheck(row: PrerequisiteRow): CheckResult {
	if (row.ok) return {state: 'ok', message: row.detail};
	if (row.manual) return {state: 'fail', message: row.manual};
	if (!row.fix) return {state: 'fail', message: row.detail};
	// A verb phrase, as a dry run says it: "would fix: no aegir user".
	const where = onServer(row.fix) ? ' on the Aegir server' : '';
	return {
		state: 'change',
		message: `fix${where}: ${row.fix.summary}`,
		commands: row.fix.display.map(line => (where ? `on the Aegir server: ${line}` : line)),
		...(row.fix.diff ? {diff: row.fix.diff} : {}),
	};
}

async function runOnServer(state: AegirPrerequisiteSource, context: StepContext, fix: PrerequisiteFix): Promise<void> {
	const transport = await state.serverTransport();
	for (const [index, command] of fix.commands.entries()) {
		context.output(`on the Aegir server: ${fix.display[index] ?? command.what}`);
		const result = await transport.exec(command.command, {
			sudo: true,
			signal: context.signal,
			timeoutMs: FIX_TIMEOUT_MS,
			...(command.stdin === undefined ? {} : {stdin: command.stdin}),
		});
		if (result.stdout) context.output(result.stdout);
		if (result.code !== 0) {
			throw new StepFailedError(`${command.what} on the Aegir server failed (exit code ${result.code})`, {
				command: result.command,
				code: result.code,
				stderrTail: tail(result.stderr || result.stdout),
			});
		}
	}
}

function rowStep(host: Host, id: PrerequisiteId, stepId: string, title: string): Step {
	const current = async (context: CheckContext | StepContext, stamp: string) => rowOf(await sourceOf(context).report(host, context, stamp), id);
	return {
		id: stepId,
		title,
		host: host.name,
		async check(context) {
			return rowCheck(await current(context, STAMP_PLACEHOLDER));
		},
		async apply(context) {
			// Worked out again with the run's stamp (backup names); the facts are the ones the check read.
			const state = sourceOf(context);
			const row = await current(context, context.stamp);
			if (row.ok) return {status: 'ok', message: row.detail};
			const fix = row.fix;
			if (!fix || row.manual) throw new StepFailedError(row.manual ?? row.detail);
			if (onServer(fix)) {
				// Another member may have just changed the same file: read it again under the lock.
				const applied = await state.withServerLock(async () => {
					state.serverChanged();
					const fresh = await current(context, context.stamp);
					if (fresh.ok) return undefined;
					if (!fresh.fix || fresh.manual) throw new StepFailedError(fresh.manual ?? fresh.detail);
					try {
						await runOnServer(state, context, fresh.fix);
					} finally {
						state.serverChanged();
					}

					return fresh.fix;
				});
				return applied ? {message: `fixed on the Aegir server: ${applied.summary}`, ...(applied.diff ? {diff: applied.diff} : {})} : {status: 'ok', message: 'already done'};
			}

			try {
				for (const command of fix.commands) {
					await runAsRoot(context, command.command, command.what, {
						timeoutMs: FIX_TIMEOUT_MS,
						...(command.stdin === undefined ? {} : {stdin: command.stdin}),
					});
				}
			} finally {
				state.memberChanged(host.name);
			}

			return {message: `fixed: ${fix.summary}`, ...(fix.diff ? {diff: fix.diff} : {})};
		},
		async verify(context) {
			sourceOf(context).memberChanged(host.name);
			const row = await current(context, context.stamp);
			if (!row.ok) throw new StepFailedError(`applied, but the check still says: ${row.detail}`);
			// The uid/gid gate of the other hosts reads this host's facts: let them see the new account.
			if (id === 'aegir-account') await context.refreshFacts();
		},
	};
}

/** Replaces preflight/aegir on a web head: the aegir account as Aegir wants it (created with the pack's ids if missing). */
export function aegirAccountStep(host: Host, aegirUser: string): Step {
	return rowStep(host, 'aegir-account', AEGIR_ACCOUNT_STEP, `${aegirUser} user and group (Aegir)`);
}

/** In place of preflight/aegir: the ✔/✖ table as the host is before this run changes anything, then the account. */
export function aegirAccountSteps(host: Host, aegirUser: string): Step[] {
	return [aegirTableStep(host), aegirAccountStep(host, aegirUser)];
}

/** One line for the table step: what is met, what is to fix, what needs a human. */
export function reportSummary(report: PrerequisiteReport): string {
	const failing = report.rows.filter(row => !row.ok);
	if (failing.length === 0) return `all ${report.rows.length} Aegir prerequisites met`;
	const byHand = failing.filter(row => row.manual !== undefined || row.fix === undefined);
	const list = failing.map(row => row.title).join(', ');
	const hand = byHand.length > 0 ? ` (${byHand.length} by hand)` : '';
	return `${failing.length} of ${report.rows.length} to fix${hand}: ${list}`;
}

/** Reads every row once, before any step of the run changes the host, and hands the report on (the run shows it as a ✔/✖ table). */
export function aegirTableStep(host: Host): Step {
	return {
		id: AEGIR_TABLE_STEP,
		title: 'Aegir prerequisites',
		host: host.name,
		async check(context) {
			const state = sourceOf(context);
			state.memberChanged(host.name);
			const report = await state.report(host, context, STAMP_PLACEHOLDER);
			state.shown(report);
			return {state: 'ok', message: reportSummary(report)};
		},
		async apply() {
			throw new Error(`${AEGIR_TABLE_STEP} only reads`);
		},
	};
}

/** A step per row, after the pack's own steps (the table and the account row come first, aegirAccountSteps). */
export function aegirPrerequisiteSteps(host: Host): Step[] {
	return AEGIR_ROW_STEPS.map(row => rowStep(host, row.id, aegirStepId(row.id), `Aegir: ${row.title}`));
}
