// Running a command as root for a non-root login. The command always goes
// through `sh -c <quoted>` so pipes and redirections run as root too.
// With a password: `-S` reads it from the first line of stdin, `-p ''` keeps
// the prompt out of stderr, and `-k` ignores cached credentials so sudo always
// consumes exactly that line — otherwise, with a cached ticket, the password
// would flow into the command's own stdin.

import {quote} from '../shell/quote.js';

/** Probe with the very shape we run (`sh -c`): NOPASSWD may be granted per command. */
export const SUDO_PROBE = 'sudo -n -- sh -c true';

/** Check a password without running anything else; stdin carries only the password line. */
export const SUDO_PASSWORD_CHECK = sudoCommand('true', 'password');

export type SudoMode = 'nopasswd' | 'password';

export function sudoCommand(command: string, mode: SudoMode): string {
	const prefix = mode === 'nopasswd' ? 'sudo -n --' : `sudo -k -S -p '' --`;
	return `${prefix} sh -c ${quote(command)}`;
}

/** How sudo is reached on one host, settled once per connection. */
export type SudoAccess = {mode: 'nopasswd'} | {mode: 'password'; password: string} | {mode: 'unavailable'; reason: string};
