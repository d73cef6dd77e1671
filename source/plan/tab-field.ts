// fstab and exports fields are separated by blanks; a blank, tab, newline or
// backslash inside a field is written as an octal escape (`\040`), which both
// libmount and exportfs read back. Validation keeps such characters out of
// paths, but a value that slipped through must still not split a line.

const NEEDS_ESCAPE = /[ \\\u0000-\u001f\u007f]/g;

/** Escape one field of an fstab or exports line. */
export function escapeTabField(value: string): string {
	return value.replace(NEEDS_ESCAPE, character => `\\${character.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/** Read back an escaped field (`\040` → space). */
export function unescapeTabField(field: string): string {
	return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** A path as a mount point compares: escapes read, trailing slashes dropped (but `/` stays `/`). */
export function normalizeMountPath(path: string): string {
	const plain = unescapeTabField(path);
	const trimmed = plain.replace(/\/+$/, '');
	return trimmed === '' ? '/' : trimmed;
}

/** Text for a trailing comment: printable ASCII only, so a name can never start a new line. */
export function commentText(value: string): string {
	return value.replace(/[^\x20-\x7e]/g, '?');
}
