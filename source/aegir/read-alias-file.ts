// Reading one alias file from Aegir's .drush, which the aegir user can write,
// as root: never through a link planted there (O_NOFOLLOW), never blocking on
// a FIFO swapped in (O_NONBLOCK, then fstat of what was opened), never more
// than an alias file can hold. What was opened is what is checked and read.

import {constants} from 'node:fs';
import {open, readlink} from 'node:fs/promises';

export type AliasFileRead = {bytes: Buffer} | {problem: string};

export async function readAliasFile(file: string, maxBytes: number): Promise<AliasFileRead> {
	let handle;
	try {
		handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ELOOP') return {problem: await linkProblem(file)};
		throw error;
	}
	try {
		const info = await handle.stat();
		if (!info.isFile()) return {problem: 'is not a regular file'};
		if (info.size > maxBytes) return {problem: `is ${info.size} bytes, far too large for an alias file`};
		// Read at most one byte past the limit: a file growing while read is caught too.
		const buffer = Buffer.alloc(maxBytes + 1);
		let length = 0;
		for (;;) {
			const {bytesRead} = await handle.read(buffer, length, buffer.length - length, length);
			if (bytesRead === 0) break;
			length += bytesRead;
			if (length > maxBytes) return {problem: `grew past ${maxBytes} bytes while being read, far too large for an alias file`};
		}
		return {bytes: buffer.subarray(0, length)};
	} finally {
		await handle.close();
	}
}

async function linkProblem(file: string): Promise<string> {
	let target = 'somewhere';
	try {
		target = await readlink(file);
	} catch {
		// Replaced again meanwhile: it was a link when opened.
	}
	return `is a symbolic link to ${target}: skipped (alias files are written by provision, never links)`;
}
