// One read-only command per question: a script sent on stdin to `sh -s`, run
// as root, that prints named sections delimited by a random nonce (so no file
// content can fake one). The facts of a pack host, of an Aegir member and of
// the Aegir server are all read this way; each caller parses its sections.

import {randomBytes} from 'node:crypto';
import {StepFailedError, tail} from '../contracts/command-error.js';
import type {Transport} from '../contracts/transport.js';

export function newNonce(): string {
	return randomBytes(9).toString('hex');
}

/** Split the script output into sections by name; content is exact (byte for byte). */
export function splitSections(text: string, nonce: string): Map<string, string> {
	const sections = new Map<string, string>();
	const parts = text.split(`\n@@${nonce}@@ `);
	for (const part of parts.slice(1)) {
		const newline = part.indexOf('\n');
		const name = newline === -1 ? part : part.slice(0, newline);
		sections.set(name, newline === -1 ? '' : part.slice(newline + 1));
	}

	return sections;
}

export type SectionedRead<T> = {
	/** What is read, for the error: "the state of", "the Aegir prerequisites of". */
	what: string;
	/** The script, sent on stdin. */
	script: string;
	/** The command line that runs it with its arguments quoted (`sh -s -- …`), given the nonce. */
	command(nonce: string): string;
	/** Parse the whole output; throw to say it is not what the script prints. */
	parse(stdout: string, nonce: string): T;
	timeoutMs: number;
	signal?: AbortSignal;
};

/** Run a sectioned script as root and parse what it printed; failures name the host and the reason. */
export async function readSections<T>(transport: Transport, read: SectionedRead<T>): Promise<T> {
	const nonce = newNonce();
	const result = await transport.exec(read.command(nonce), {stdin: read.script, sudo: true, timeoutMs: read.timeoutMs, signal: read.signal});
	const failure = (reason: string) =>
		new StepFailedError(`could not read ${read.what} ${transport.hostName}: ${reason}`, {
			command: result.command,
			code: result.code,
			stderrTail: tail(result.stderr),
		});
	if (result.code !== 0) {
		throw failure(result.stderr.split('\n').map(line => line.trim()).filter(Boolean).at(-1) ?? `exit code ${result.code}`);
	}

	try {
		return read.parse(result.stdout, nonce);
	} catch (error) {
		throw failure((error as Error).message);
	}
}
