// Collects a command's stdout and stderr (UTF-8 safe across chunk borders),
// passes each piece on live, and appends our own notes to stderr. Shared by
// remote commands (ssh2 channels) and local rsync.
import {StringDecoder} from 'node:string_decoder';

export type Stream = 'stdout' | 'stderr';

export class OutputCollector {
	stdout = '';
	stderr = '';
	readonly #decoders = {stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8')};
	readonly #onOutput: ((chunk: string, stream: Stream) => void) | undefined;

	constructor(onOutput?: (chunk: string, stream: Stream) => void) {
		this.#onOutput = onOutput;
	}

	/** Raw bytes from the process. */
	write(stream: Stream, chunk: Buffer): void {
		this.#take(stream, this.#decoders[stream].write(chunk));
	}

	/** Flush partial characters, then add `aegir-pack: <note>` on its own stderr line. */
	end(note?: string): void {
		this.#take('stdout', this.#decoders.stdout.end());
		this.#take('stderr', this.#decoders.stderr.end());
		if (note) this.#take('stderr', `${this.stderr === '' || this.stderr.endsWith('\n') ? '' : '\n'}aegir-pack: ${note}\n`);
	}

	#take(stream: Stream, text: string): void {
		if (text === '') return;
		this[stream] += text;
		this.#onOutput?.(text, stream);
	}
}
