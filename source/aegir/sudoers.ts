// /etc/sudoers.d/aegir: Aegir, as the aegir user, reloads the web server as
// root with its http_restart_cmd (`sudo /usr/sbin/apache2ctl graceful`), over
// ssh without a terminal. So sudo must let it run that program without a
// password and without a tty:
//
//   Defaults:aegir !requiretty
//   aegir ALL=NOPASSWD: /usr/sbin/apache2ctl
//
// The reading below is deliberately narrow: a rule it does not recognise is not
// trusted, and the missing line is added (visudo checks the result).

import {assertRestartPrograms} from './restart-command.js';

/** The check a new sudoers file must pass before it replaces the old one ($1: the temp file). */
export const SUDOERS_VALIDATE = 'visudo -cf "$1"';
export const SUDOERS_VALIDATE_LABEL = 'visudo -cf <temp>';
export const SUDOERS_MODE = 0o440;

export type SudoersNeed = {user: string; programs: readonly string[]};

export type SudoersState = {
	/** `Defaults:<user> !requiretty` (or a plain `Defaults !requiretty`) is there. */
	noRequiretty: boolean;
	/** Programs the user may not yet run as root without a password. */
	missingPrograms: string[];
};

const USER_NAME = /^[a-z_][a-z0-9_-]*$/;

function checkUser(user: string): void {
	if (!USER_NAME.test(user)) throw new Error(`${JSON.stringify(user)} is not a user name this tool writes into sudoers`);
}

/** Logical lines: comments dropped, `\` continuations joined, whitespace collapsed. */
function logicalLines(content: string): string[] {
	const joined = content.replace(/\\\n/g, ' ');
	return joined
		.split('\n')
		.map(line => line.replace(/\s+/g, ' ').trim())
		.filter(line => line !== '' && (!line.startsWith('#') || /^#include(dir)? /.test(line)));
}

function defaultsDisableRequiretty(line: string, user: string): boolean {
	const match = /^Defaults(?::\s*(\S+))?\s+(.*)$/.exec(line);
	if (!match) return false;
	const target = match[1];
	if (target !== undefined && target !== user) return false;
	return match[2]!.split(',').some(option => option.trim() === '!requiretty');
}

/** Programs a `user ALL=… NOPASSWD: a, b` rule lets run as root without a password. */
function passwordlessPrograms(line: string, user: string): string[] {
	const match = /^(\S+)\s+ALL\s*=\s*(?:\(([^)]*)\)\s*)?(.*)$/.exec(line);
	if (!match || match[1] !== user) return [];
	const runAs = match[2];
	if (runAs !== undefined && !runAs.split(/[:,]/).some(name => ['ALL', 'root'].includes(name.trim()))) return [];
	const programs: string[] = [];
	let noPassword = false;
	for (const rawItem of match[3]!.split(',')) {
		let item = rawItem.trim();
		// Tags (NOPASSWD:, PASSWD:, SETENV:, …) stick until changed.
		for (let tag = /^([A-Z_]+):\s*/.exec(item); tag; tag = /^([A-Z_]+):\s*/.exec(item)) {
			if (tag[1] === 'NOPASSWD') noPassword = true;
			if (tag[1] === 'PASSWD') noPassword = false;
			item = item.slice(tag[0].length);
		}

		if (noPassword && item !== '') programs.push(item === 'ALL' ? 'ALL' : item.split(' ')[0]!);
	}

	return programs;
}

/** What a sudoers text already grants the aegir user. */
export function sudoersState(content: string, need: SudoersNeed): SudoersState {
	const lines = logicalLines(content);
	const granted = new Set(lines.flatMap(line => passwordlessPrograms(line, need.user)));
	return {
		noRequiretty: lines.some(line => defaultsDisableRequiretty(line, need.user)),
		missingPrograms: granted.has('ALL') ? [] : need.programs.filter(program => !granted.has(program)),
	};
}

/** What a sudoers text lets the user run as root without a password beyond what Aegir needs (ALL included). */
export function extraPrograms(content: string, need: SudoersNeed): string[] {
	const granted = new Set(logicalLines(content).flatMap(line => passwordlessPrograms(line, need.user)));
	return [...granted].filter(program => !need.programs.includes(program));
}

function ruleLine(user: string, programs: readonly string[]): string {
	// Never more than Aegir's documented restart programs, whatever the caller passed.
	assertRestartPrograms(programs);
	return `${user} ALL=NOPASSWD: ${programs.join(', ')}`;
}

/** The whole file when there is none. */
export function newSudoersContent(need: SudoersNeed): string {
	checkUser(need.user);
	return [
		`# Aegir (as ${need.user}) reloads the web server as root over ssh: no password, no terminal.`,
		'# Written by aegir-pack; checked with visudo -cf before it was put in place.',
		`Defaults:${need.user} !requiretty`,
		ruleLine(need.user, need.programs),
		'',
	].join('\n');
}

/** The file with what is missing appended (existing lines kept as they are); unchanged when complete. */
export function completeSudoers(current: string | undefined, need: SudoersNeed): {content: string; changed: boolean} {
	checkUser(need.user);
	if (current === undefined) return {content: newSudoersContent(need), changed: true};
	const state = sudoersState(current, need);
	const additions: string[] = [];
	if (!state.noRequiretty) additions.push(`Defaults:${need.user} !requiretty`);
	if (state.missingPrograms.length > 0) additions.push(ruleLine(need.user, state.missingPrograms));
	if (additions.length === 0) return {content: current, changed: false};
	const base = current === '' || current.endsWith('\n') ? current : `${current}\n`;
	return {content: `${base}# Added by aegir-pack for Aegir's web server reloads:\n${additions.join('\n')}\n`, changed: true};
}

/** The directories `#includedir` / `@includedir` lines of the main sudoers file read. */
export function includedDirectories(sudoersMain: string): string[] {
	return sudoersMain
		.split('\n')
		.map(line => /^\s*[#@]includedir\s+(\S+)\s*$/.exec(line)?.[1])
		.filter((directory): directory is string => directory !== undefined)
		.map(directory => directory.replace(/\/+$/, ''));
}
