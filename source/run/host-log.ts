// The full transcript of one host for one run: each command, its output, exit
// code and duration. Passwords never reach it: sudo is handled inside the
// transport and commands are logged as the steps wrote them.

import {once} from 'node:events';
import {createWriteStream, mkdirSync, type WriteStream} from 'node:fs';
import {join} from 'node:path';

/** Host names are validated, but a log file name must stay one plain name whatever happens. */
export function logFileName(hostName: string): string {
	return `${hostName.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'host'}.log`;
}

/** Create the run's log directory (private: logs show the hosts' files). */
export function createRunLogDir(logDir: string, runId: string): string {
	const dir = join(logDir, runId);
	try {
		mkdirSync(dir, {recursive: true, mode: 0o700});
	} catch (error) {
		// Before any host is touched: a run without its transcript is not worth starting.
		throw new Error(`cannot create the log directory ${dir}: ${(error as Error).message}`);
	}

	return dir;
}

const time = (date: Date) => date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');

/** Text is written to the file at most this often (and at close), not once per output chunk. */
export const LOG_FLUSH_MS = 100;
/** …or as soon as this much is waiting. */
const LOG_FLUSH_BYTES = 64 * 1024;

export class HostLog {
	readonly path: string;
	readonly #stream: WriteStream;
	#atLineStart = true;
	/** Text not yet handed to the stream: hosts print in many small chunks, each a write of its own otherwise. */
	#buffer = '';
	#timer: ReturnType<typeof setTimeout> | undefined;

	constructor(dir: string, hostName: string) {
		this.path = join(dir, logFileName(hostName));
		this.#stream = createWriteStream(this.path, {flags: 'a', mode: 0o600});
		// A log that cannot be written must not crash the run; the error shows in the last line instead.
		this.#stream.on('error', () => {});
	}

	/** One line of our own, timestamped. */
	note(text: string): void {
		this.#endLine();
		this.#write(`[${time(new Date())}] ${text}\n`);
	}

	command(command: string, details: {stdinBytes?: number; sudo?: boolean} = {}): void {
		const extra = [details.sudo ? 'as root' : '', details.stdinBytes ? `stdin ${details.stdinBytes} bytes` : ''].filter(Boolean);
		this.note(`$ ${command}${extra.length > 0 ? `   (${extra.join(', ')})` : ''}`);
	}

	/** Raw output of the running command; stderr lines are marked so the transcript reads unambiguously. */
	output(chunk: string, stream: 'stdout' | 'stderr'): void {
		if (chunk === '') return;
		const prefix = stream === 'stderr' ? '! ' : '| ';
		let text = '';
		for (const piece of chunk.split(/(?<=\n)/)) {
			if (this.#atLineStart) text += prefix;
			text += piece;
			this.#atLineStart = piece.endsWith('\n');
		}

		this.#write(text);
	}

	result(code: number, durationMs: number): void {
		this.note(`exit ${code} after ${durationMs} ms`);
	}

	/** Hand what is waiting to the file now. */
	flush(): void {
		if (this.#timer !== undefined) clearTimeout(this.#timer);
		this.#timer = undefined;
		if (this.#buffer === '') return;
		const text = this.#buffer;
		this.#buffer = '';
		if (!this.#stream.destroyed) this.#stream.write(text);
	}

	async close(): Promise<void> {
		this.#endLine();
		this.flush();
		if (this.#stream.destroyed) return;
		this.#stream.end();
		await Promise.race([once(this.#stream, 'close'), once(this.#stream, 'error')]).catch(() => {});
	}

	#endLine(): void {
		if (!this.#atLineStart) this.#write('\n');
		this.#atLineStart = true;
	}

	#write(text: string): void {
		this.#buffer += text;
		if (this.#buffer.length >= LOG_FLUSH_BYTES) {
			this.flush();
			return;
		}

		if (this.#timer === undefined) {
			this.#timer = setTimeout(() => {
				this.flush();
			}, LOG_FLUSH_MS);
			// Never what keeps the process alive: close() flushes what is left.
			this.#timer.unref();
		}
	}
}
