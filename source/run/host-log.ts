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

export class HostLog {
	readonly path: string;
	readonly #stream: WriteStream;
	#atLineStart = true;

	constructor(dir: string, hostName: string) {
		this.path = join(dir, logFileName(hostName));
		this.#stream = createWriteStream(this.path, {flags: 'a', mode: 0o600});
		// A log that cannot be written must not crash the run; the error shows in the last line instead.
		this.#stream.on('error', () => {});
	}

	/** One line of our own, timestamped. */
	note(text: string): void {
		this.#endLine();
		this.#stream.write(`[${time(new Date())}] ${text}\n`);
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

		this.#stream.write(text);
	}

	result(code: number, durationMs: number): void {
		this.note(`exit ${code} after ${durationMs} ms`);
	}

	async close(): Promise<void> {
		this.#endLine();
		if (this.#stream.destroyed) return;
		this.#stream.end();
		await Promise.race([once(this.#stream, 'close'), once(this.#stream, 'error')]).catch(() => {});
	}

	#endLine(): void {
		if (!this.#atLineStart) this.#stream.write('\n');
		this.#atLineStart = true;
	}
}
