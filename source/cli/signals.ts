// SIGTERM and SIGHUP stop a run the way Ctrl-C does: each host finishes its
// current command (so every file it edits stays valid), then the run ends and
// the process exits 143 / 129 (130 for SIGINT). A second signal stops at once.
import process from 'node:process';
import {SIGNAL_EXIT, type StopSignal} from '../contracts/exit-codes.js';

export {SIGNAL_EXIT, type StopSignal} from '../contracts/exit-codes.js';

export type StopHandlers = {
	/** The first signal: stop after the current command. */
	stop(signal: StopSignal): void;
	/** Any later one: stop now. */
	hardStop(signal: StopSignal): void;
};

/** Listen for SIGINT, SIGTERM and SIGHUP; returns the function that stops listening. */
export function watchStopSignals(on: StopHandlers): () => void {
	let stopping = false;
	const signals = Object.keys(SIGNAL_EXIT) as StopSignal[];
	const listeners = signals.map(signal => {
		const listener = () => {
			keepSignalExitFromKilling(signal);
			if (stopping) {
				on.hardStop(signal);
			} else {
				stopping = true;
				on.stop(signal);
			}
		};
		// First, so that keepSignalExitFromKilling runs before signal-exit looks at the listeners.
		process.prependListener(signal, listener);
		return [signal, listener] as const;
	});
	const restoreKill = keepLibrariesFromResending(signals);
	return () => {
		for (const [signal, listener] of listeners) process.off(signal, listener);
		restoreKill();
	};
}

/**
 * Libraries that clean up on a signal re-send it to the process afterwards, to
 * die of it: when-exit (conf's atomic writes) always does, on the first SIGINT,
 * SIGTERM or SIGHUP. While we handle these signals, ending the process is our
 * decision (after the hosts stop, with the signal's exit code): such a re-send
 * is dropped. Every other use of process.kill is passed through.
 */
function keepLibrariesFromResending(signals: readonly StopSignal[]): () => void {
	const original = process.kill;
	const guarded = function (this: unknown, pid: number, signal?: string | number): true {
		if (pid === process.pid && typeof signal === 'string' && (signals as readonly string[]).includes(signal)) return true;
		return original.call(process, pid, signal);
	};
	process.kill = guarded as typeof process.kill;
	return () => {
		if (process.kill === guarded) process.kill = original;
	};
}

/**
 * signal-exit 3 (Ink's, to restore the terminal) re-sends a signal to kill the
 * process when it sees no listener but its own. It counts its own as its number
 * of exit hooks, and with two hooks (Ink and the cursor) "its own + ours" looks
 * like "its own" alone. One spare listener for this delivery keeps the count
 * honest, so the signal stays ours to handle.
 */
function keepSignalExitFromKilling(signal: StopSignal): void {
	const emitter = (process as unknown as {__signal_exit_emitter__?: {count?: unknown}}).__signal_exit_emitter__;
	if (typeof emitter?.count !== 'number' || process.listenerCount(signal) !== emitter.count) return;
	const spare = () => {};
	process.on(signal, spare);
	setImmediate(() => process.off(signal, spare));
}
