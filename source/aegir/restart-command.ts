// Which program the aegir user may run as root without a password: only the
// web server restart programs Aegir's documentation names. Aegir's
// http_restart_cmd comes from alias files the aegir user can write, so it is
// never copied into sudoers as it is: `sudo /bin/bash` or a word with a comma
// (`/usr/sbin/apache2ctl,ALL`, which visudo accepts) would make aegir root.

import type {WebServerKind} from './web-server.js';

/** What Aegir's documentation grants: one of these programs, nothing else. */
export const RESTART_PROGRAMS: Record<WebServerKind, readonly string[]> = {
	apache: ['/usr/sbin/apache2ctl'],
	nginx: ['/usr/sbin/nginx', '/etc/init.d/nginx'],
};

/** A bare program name as provision writes it, and the absolute path sudoers needs. */
const BARE: Record<string, string> = {apache2ctl: '/usr/sbin/apache2ctl', nginx: '/usr/sbin/nginx'};

/** An argument of the restart program: a plain word (graceful, reload, -s). */
const PLAIN_WORD = /^[A-Za-z0-9._=-]+$/;

/** Anything a restart command does not need: shell syntax, quotes, globs, commas, control or non-ASCII characters. */
const UNNEEDED = /[^\x20-\x7e]|[;&|`$<>\\'"(){}[\]*?,!#~%]/;

export type RestartGrant =
	/** The restart command does not go through sudo: no rule needed. */
	| {kind: 'no-sudo'}
	/** The one absolute program sudoers may name. */
	| {kind: 'grant'; program: string}
	| {kind: 'refused'; reason: string};

/** Every program aegir-pack grants, for messages. */
export function allowedProgramsText(): string {
	return `${RESTART_PROGRAMS.apache.join(', ')} (Apache) or ${RESTART_PROGRAMS.nginx.join(', ')} (nginx)`;
}

/**
 * `sudo [-n] PROGRAM [plain words…]`, PROGRAM one this web server's Aegir
 * restarts it with. Anything else through sudo is refused, with the reason.
 */
export function restartGrant(command: string, server: WebServerKind): RestartGrant {
	const trimmed = command.trim();
	const refused = (why: string): RestartGrant => ({kind: 'refused', reason: `the restart command ${JSON.stringify(command)} ${why}`});
	if (UNNEEDED.test(trimmed)) return refused('holds characters a restart command does not need');
	const words = trimmed.split(/ +/);
	if (words[0] !== 'sudo' && words[0] !== '/usr/bin/sudo') {
		// Not through sudo: Aegir needs no rule (a sudo hidden further on is not ours to grant).
		return words.includes('sudo') || words.some(word => word.endsWith('/sudo')) ? refused('runs sudo other than as its first word') : {kind: 'no-sudo'};
	}

	let index = 1;
	if (words[index] === '-n') index++;
	const word = words[index] ?? '';
	if (word === '') return refused('names no program after sudo');
	const program = BARE[word] ?? word;
	if (!RESTART_PROGRAMS[server].includes(program)) return refused(`runs ${JSON.stringify(word)} through sudo`);
	if (!words.slice(index + 1).every(argument => PLAIN_WORD.test(argument))) return refused('has arguments that are not plain words');
	return {kind: 'grant', program};
}

/** Defence in depth for the sudoers writer: throws unless every program is one Aegir restarts a web server with. */
export function assertRestartPrograms(programs: readonly string[]): void {
	const allowed = new Set(Object.values(RESTART_PROGRAMS).flat());
	for (const program of programs) {
		if (!allowed.has(program)) throw new Error(`${JSON.stringify(program)} is not a web server restart program aegir-pack grants sudo for`);
	}
}
