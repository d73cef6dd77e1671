// The review of a re-run as plain data: who gets what, who is left alone, and
// the exports drop-in diff when the export widens or narrows. Built from the
// re-run planners themselves, so the review cannot promise other than the run.
// Never throws: what cannot run is said in `problems`.
import type {Host, Pack} from '../../pack/types.js';
import {addSlaveProblems, planAddSlave} from '../../plan/add-slave-plan.js';
import {unifiedDiff} from '../../shell/unified-diff.js';
import {dropInContent} from '../../plan/exports-file.js';
import {resolvePlanOptions, type PlanOptions, type ResolvedPlanOptions} from '../../plan/options.js';
import {packFiles} from '../../plan/pack-files.js';
import {reviewWordsFor, situationOf} from '../../plan/role-steps.js';
import {planRemoveSlave} from '../../plan/remove-slave-plan.js';

export type RerunReview = {title: string; lines: string[]; diff?: string; widened: string[]; narrowed: string[]; problems: string[]};

export function addSlaveReview(pack: Pack, newSlaves: Host[], planOptions?: PlanOptions): RerunReview {
	// More than two names would push the pack name off an 80-column title: the lines name them all.
	const names = newSlaves.length > 2 ? `${newSlaves.length} slaves` : newSlaves.map(slave => slave.name).join(', ');
	const title = `Add ${names === '' ? 'a slave' : names} to pack ${pack.name}`;
	const refused = (problems: string[]): RerunReview => ({title, lines: [], widened: [], narrowed: [], problems});
	const problems = addSlaveProblems(pack, newSlaves);
	if (problems.length > 0) return refused(problems);
	try {
		const options = resolvePlanOptions(planOptions);
		const plan = planAddSlave(pack, newSlaves, planOptions);
		const widened = plan.widenedSubnets ?? [];
		return {
			title,
			lines: [...newSlaves.map(slave => `${slave.name}: new slave: ${newSlaveWork(plan.pack, slave, options)}`), ...plan.notes, exportLine(plan.pack, options)],
			...(widened.length > 0 ? {diff: dropInDiff(pack, plan.pack, options)} : {}),
			widened,
			narrowed: [],
			problems: [],
		};
	} catch (error) {
		return refused([messageOf(error)]);
	}
}

export function removeSlaveReview(pack: Pack, host: string, planOptions?: PlanOptions): RerunReview {
	const title = `Remove ${host} from pack ${pack.name}`;
	try {
		const options = resolvePlanOptions(planOptions);
		const plan = planRemoveSlave(pack, host, planOptions);
		const narrowed = plan.narrowedSubnets ?? [];
		return {
			title,
			lines: [`${host}: leaves the pack: unmount ${pack.exportPath}, remove its fstab entry`, ...plan.notes, exportLine(plan.pack, options)],
			...(narrowed.length > 0 ? {diff: dropInDiff(pack, plan.pack, options)} : {}),
			widened: [],
			narrowed,
			problems: [],
		};
	} catch (error) {
		return {title, lines: [], widened: [], narrowed: [], problems: [messageOf(error)]};
	}
}

/** The review as the CLI prints it without a terminal. */
export function rerunReviewText(review: RerunReview): string {
	const lines = [review.title, '', ...review.lines];
	if (review.diff) lines.push('', ...review.diff.replace(/\n$/, '').split('\n'));
	if (review.problems.length > 0) lines.push(...(review.lines.length > 0 ? [''] : []), ...review.problems.map(problem => `Cannot run: ${problem}`));
	return `${lines.join('\n')}\n`;
}

/** What a new slave gets, in the words of the list of steps the plan reads. */
function newSlaveWork(after: Pack, slave: Host, options: ResolvedPlanOptions): string {
	return reviewWordsFor(situationOf(after, slave, options), {options}).join(', ');
}

/** The export the pack has once the run succeeds. */
function exportLine(after: Pack, options: ResolvedPlanOptions): string {
	const subnets = after.subnets.length > 0 ? after.subnets.join(', ') : 'nothing exported';
	return `${packFiles(after, options).dropIn} on ${after.nfsServer.name}: ${after.exportPath} to ${subnets}`;
}

/** The drop-in before and after, as the planner writes it (same labels as the apply's own diff). */
function dropInDiff(before: Pack, after: Pack, options: ResolvedPlanOptions): string {
	const target = packFiles(before, options).dropIn;
	return unifiedDiff(dropInContent(before), dropInContent(after), {oldLabel: target, newLabel: `${target} (aegir-pack)`});
}

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
