// Small builders for the commands prerequisite fixes run: each gives the
// command, what it does and how a review shows it. File edits go through the
// planner's safe-edit (temp file, validation, backup, atomic rename).
//
// Nothing here changes a path in the aegir user's tree by name as root: a
// directory is created, given away or chmodded by the path guard (which
// refuses a link and acts on the directory it checked), a file of the aegir
// user is rewritten or chmodded by the aegir user itself.

import {aptInstallCommand, describeAptInstall} from '../shell/apt.js';
import {unifiedDiff} from '../shell/unified-diff.js';
import {describeSafeEdit, expectedFrom, safeEdit, type SafeEditOptions} from '../shell/safe-edit.js';
import {commandLine} from '../shell/quote.js';
import {readableText, textBytes} from '../shell/byte-text.js';
import {guardedCommand} from '../shell/path-guard.js';
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

/** A path-guard call: `sh -c <guard + script> NAME ARGS…`, shown as `display`. */
function guardedStep(script: string, args: string[], what: string, display: string): FixStep {
	return {command: {command: guardedCommand(script, 'aegir-pack-fix', args), what}, display};
}

/** Create a directory owned by `user`, as whoever may act in its parent; a link there is refused. */
export function makeDirectoryAs(path: string, user: string, mode: number): FixStep {
	return guardedStep('ap_mkdir "$1" "$2" "$3"', [path, user, modeText(mode)], `creating ${path}`, `${commandLine(['mkdir', '-m', modeText(mode), '--', path])}   (owned by ${user}; a symbolic link there is refused)`);
}

/** Give the directory itself to `user` (and set `mode`): never through a link, never to what is swapped in. */
export function chownDirectory(path: string, user: string, mode?: number): FixStep {
	const modeArgs = mode === undefined ? [] : [modeText(mode)];
	const display = [commandLine(['chown', '--', `${user}:`, path]), ...(mode === undefined ? [] : [commandLine(['chmod', modeText(mode), '--', path])])].join(' && ');
	return guardedStep('ap_chown_dir "$1" "$2" "$3"', [path, user, ...modeArgs], `giving ${path} to ${user}`, `${display}   (the directory itself, never through a link)`);
}

/** Set a directory's mode, owner kept: on the directory itself, never through a link. */
export function chmodDirectory(path: string, mode: number): FixStep {
	return guardedStep('ap_chown_dir "$1" "" "$2"', [path, modeText(mode)], `setting mode ${modeText(mode)} on ${path}`, `${commandLine(['chmod', modeText(mode), '--', path])}   (the directory itself, never through a link)`);
}

const CHMOD_AS_OWNER = `
a=$(ap_audit "$(dirname -- "$1")" "$2") || exit 1
ap_no_link "$1" "a regular file"
ap_as "$a" chmod -- "$3" "$1" || ap_fail "cannot set mode $3 on $1"
ap_no_link "$1" "a regular file"
`;

/** Set the mode of a file of `user`'s, as `user` where `user` can change its directory (a link swapped in reaches only the user's own files). */
export function chmodAsOwner(path: string, user: string, mode: number): FixStep {
	return guardedStep(CHMOD_AS_OWNER, [path, user, modeText(mode)], `setting mode ${modeText(mode)} on ${path}`, `${commandLine(['chmod', modeText(mode), '--', path])}   (as ${user}; a symbolic link there is refused)`);
}

export type FileEdit = {steps: FixStep[]; diff: string};

/**
 * Replace a file's content through safe-edit; the diff is against what the facts read.
 * `current` and `content` are byte text (one character per byte: the facts' exact bytes).
 * `user`: whose file it is (its own files are written by the aegir user; see safe-edit).
 */
export function editFile(
	options: Omit<SafeEditOptions, 'expected'> & {current: string | undefined; content: string},
): FileEdit {
	const {current, content, ...edit} = options;
	const safe: SafeEditOptions = {...edit, expected: expectedFrom(current === undefined ? undefined : textBytes(current))};
	const {command, stdin} = safeEdit(safe, textBytes(content));
	return {
		steps: [
			{
				command: {command, stdin, what: `writing ${options.target}`},
				display: describeSafeEdit(safe),
			},
		],
		diff: readableText(unifiedDiff(current ?? '', content, {oldLabel: current === undefined ? '/dev/null' : options.target, newLabel: `${options.target} (aegir-pack)`})),
	};
}

/** Octal mode as ls-like text for messages: 0440. */
export function modeText(mode: number): string {
	return mode.toString(8).padStart(4, '0');
}
