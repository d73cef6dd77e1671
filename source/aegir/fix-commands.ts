// Small builders for the commands prerequisite fixes run: each gives the
// command, what it does and how a review shows it. File edits go through the
// planner's safe-edit (temp file, validation, backup, atomic rename).

import {aptInstallCommand, describeAptInstall} from '../shell/apt.js';
import {unifiedDiff} from '../shell/unified-diff.js';
import {describeSafeEdit, expectedFrom, safeEdit, type SafeEditOptions} from '../shell/safe-edit.js';
import {commandLine} from '../shell/quote.js';
import type {FixCommand, PrerequisiteFix} from './prerequisite-types.js';

export type FixStep = {command: FixCommand; display: string};

/** A fix that runs these steps, in order, on the member itself. */
export function memberFix(summary: string, steps: readonly FixStep[], diff?: string): PrerequisiteFix {
	return {
		runsOn: 'member',
		summary,
		commands: steps.map(step => step.command),
		display: steps.map(step => step.display),
		...(diff ? {diff} : {}),
	};
}

/** A plain command: shown exactly as run. */
export function plain(argv: readonly string[], what: string): FixStep {
	const command = commandLine(argv);
	return {command: {command, what}, display: command};
}

export function aptInstall(packages: string[], lockWaitSeconds: number): FixStep {
	return {
		command: {command: aptInstallCommand(packages, lockWaitSeconds), what: `installing ${packages.join(', ')}`},
		display: describeAptInstall(packages),
	};
}

/** `chown user: path`: the user and its own login group. */
export function chownTo(user: string, path: string): FixStep {
	return plain(['chown', '--', `${user}:`, path], `giving ${path} to ${user}`);
}

export function chmod(mode: number, path: string): FixStep {
	return plain(['chmod', mode.toString(8).padStart(4, '0'), '--', path], `setting mode ${mode.toString(8).padStart(4, '0')} on ${path}`);
}

export function makeDirectory(path: string, mode: number, owner: string): FixStep[] {
	return [
		plain(['mkdir', '-p', '-m', mode.toString(8).padStart(4, '0'), '--', path], `creating ${path}`),
		chownTo(owner, path),
	];
}

export type FileEdit = {steps: FixStep[]; diff: string};

/** Replace a file's content through safe-edit; the diff is against what the facts read. */
export function editFile(
	options: Omit<SafeEditOptions, 'expected'> & {current: string | undefined; content: string},
): FileEdit {
	const {current, content, ...edit} = options;
	const safe: SafeEditOptions = {...edit, expected: expectedFrom(current)};
	const {command, stdin} = safeEdit(safe, content);
	return {
		steps: [
			{
				command: {command, stdin, what: `writing ${options.target}`},
				display: describeSafeEdit(safe),
			},
		],
		diff: unifiedDiff(current ?? '', content, {oldLabel: current === undefined ? '/dev/null' : options.target, newLabel: `${options.target} (aegir-pack)`}),
	};
}

/** Octal mode as ls-like text for messages: 0440. */
export function modeText(mode: number): string {
	return mode.toString(8).padStart(4, '0');
}
