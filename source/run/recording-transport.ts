// Wraps a host's transport for one run: every command goes to the host log,
// its output to the screen, and once an interrupt is requested no new command
// starts (the one running finishes: an atomic edit is never cut in half).

import type {CommandStream, ExecOptions, ExecResult, PushTreeOptions, PushTreeResult, StreamOptions, Transport} from '../contracts/transport.js';
import type {HostLog} from './host-log.js';

/** No new command starts after an interrupt; the step that wanted one stops here. */
export class InterruptedError extends Error {
	override name = 'InterruptedError';

	constructor(readonly refusedCommand: string) {
		super(`interrupted: did not start ${refusedCommand}`);
	}
}

export type RecordingHooks = {
	log?: HostLog;
	/** Output for the screen (not called for quiet reads such as the facts). */
	onOutput?: (chunk: string) => void;
	isInterrupted(): boolean;
};

/**
 * A quiet read (the facts) logs at most this much of its output: on a real
 * platform its tree listings run to megabytes, and the facts are read again
 * after every change, so logging them whole would fill the run's logs.
 */
export const QUIET_LOG_LIMIT = 64 * 1024;

export class RecordingTransport implements Transport {
	/** Commands that ran to completion through this wrapper. */
	completed = 0;
	readonly hostName: string;

	constructor(
		readonly inner: Transport,
		readonly hooks: RecordingHooks,
		readonly echo = true,
	) {
		this.hostName = inner.hostName;
	}

	/** The same transport, logged but not echoed to the screen. */
	quiet(): RecordingTransport {
		const quiet = new RecordingTransport(this.inner, this.hooks, false);
		return quiet;
	}

	async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
		if (this.hooks.isInterrupted()) throw new InterruptedError(command);
		this.hooks.log?.command(command, {stdinBytes: options.stdin === undefined ? undefined : typeof options.stdin === 'string' ? Buffer.byteLength(options.stdin) : options.stdin.byteLength, sudo: options.sudo});
		const quiet = !this.echo || options.quiet === true;
		const budget = {left: quiet ? QUIET_LOG_LIMIT : Number.POSITIVE_INFINITY, skipped: 0};
		try {
			const result = await this.inner.exec(command, {...options, onOutput: this.#tee(options.onOutput, budget, !quiet)});
			if (budget.skipped > 0) this.hooks.log?.note(`(${budget.skipped} more bytes of this read's output not logged)`);
			this.hooks.log?.result(result.code, result.durationMs);
			this.completed++;
			return result;
		} catch (error) {
			this.hooks.log?.note(`command error: ${(error as Error).message}`);
			throw error;
		}
	}

	async pushTree(options: PushTreeOptions): Promise<PushTreeResult> {
		const what = `rsync ${options.source} -> ${this.hostName}:${options.destination}${options.dryRun ? ' (dry run)' : ''}`;
		if (this.hooks.isInterrupted()) throw new InterruptedError(what);
		this.hooks.log?.note(`$ ${what}`);
		try {
			const result = await this.inner.pushTree({...options, onOutput: this.#tee(options.onOutput)});
			this.hooks.log?.note(`  ran: ${result.command}`);
			this.hooks.log?.result(result.code, result.durationMs);
			this.completed++;
			return result;
		} catch (error) {
			this.hooks.log?.note(`rsync error: ${(error as Error).message}`);
			throw error;
		}
	}

	/** A streamed command: logged like any other (its bytes are not: they are data, not output). */
	async stream(command: string, options: StreamOptions = {}): Promise<CommandStream> {
		if (this.hooks.isInterrupted()) throw new InterruptedError(command);
		if (!this.inner.stream) throw new Error(`${this.hostName}: this connection cannot stream a command`);
		this.hooks.log?.command(command, {sudo: options.sudo});
		const running = await this.inner.stream(command, options);
		const done = running.done.then(result => {
			if (result.stderr) this.hooks.log?.output(result.stderr, 'stderr');
			this.hooks.log?.result(result.code, result.durationMs);
			this.completed++;
			return result;
		});
		return {...running, done};
	}

	async close(): Promise<void> {
		await this.inner.close();
	}

	#tee(own?: (chunk: string, stream: 'stdout' | 'stderr') => void, budget?: {left: number; skipped: number}, echo = this.echo) {
		return (chunk: string, stream: 'stdout' | 'stderr') => {
			if (!budget || chunk.length <= budget.left) {
				this.hooks.log?.output(chunk, stream);
				if (budget) budget.left -= chunk.length;
			} else {
				if (budget.left > 0) this.hooks.log?.output(chunk.slice(0, budget.left), stream);
				budget.skipped += chunk.length - budget.left;
				budget.left = 0;
			}

			if (echo) this.hooks.onOutput?.(chunk);
			own?.(chunk, stream);
		};
	}
}
