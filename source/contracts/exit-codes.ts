// Exit codes of every command of the tool. A run stopped by a signal exits as
// a shell reports a process killed by it (128 + the signal's number), after
// each host has finished its current command.

export const EXIT = {ok: 0, failed: 1, badInput: 2, hangup: 129, interrupted: 130, terminated: 143} as const;

/** The signals that stop a run gently, and the exit code each gives. */
export const SIGNAL_EXIT = {SIGINT: EXIT.interrupted, SIGTERM: EXIT.terminated, SIGHUP: EXIT.hangup} as const;

export type StopSignal = keyof typeof SIGNAL_EXIT;

/** The exit code of a run stopped for `reason` (an AbortSignal's reason): its signal's, else 130. */
export function exitCodeForStop(reason: unknown): number {
	return typeof reason === 'string' && Object.hasOwn(SIGNAL_EXIT, reason) ? SIGNAL_EXIT[reason as StopSignal] : EXIT.interrupted;
}
