// File contents as the editing code sees them: one JavaScript character per
// byte (latin1). Any file, UTF-8 or not, is read, edited line by line and
// written back byte for byte; a byte that is not valid UTF-8 is never replaced.
// Text we add (a line, a key, a marker) is UTF-8 and is turned into byte text
// first; screens get the bytes decoded again.

/** Bytes as byte text: one character per byte. */
export function byteText(bytes: Uint8Array): string {
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** Byte text back to its bytes. */
export function textBytes(text: string): Buffer {
	return Buffer.from(text, 'latin1');
}

/** A string of ours (UTF-8 when written) as byte text, to compare with or add to a file's content. */
export function utf8ByteText(text: string): string {
	return Buffer.from(text, 'utf8').toString('latin1');
}

const UTF8 = new TextDecoder('utf-8', {fatal: true});

/** Byte text for a person: decoded as UTF-8 when it is, else shown one character per byte. */
export function readableText(text: string): string {
	try {
		return UTF8.decode(textBytes(text));
	} catch {
		return text;
	}
}
