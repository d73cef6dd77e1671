// Safe rendering of user input inside messages. A bad value may hold a newline,
// a NUL or 300 characters; messages must still be one readable line each.

const NAMED: Readonly<Record<string, string>> = {
	'\n': 'a newline',
	'\r': 'a carriage return',
	'\t': 'a tab',
	'\0': 'a NUL byte',
	' ': 'a space',
};

function codePoint(char: string): string {
	return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** One character as a sysadmin should read it: `';'`, `a newline`, `'а' (U+0430, not ASCII)`. */
export function describeCharacter(char: string): string {
	const named = NAMED[char];
	if (named) return named;
	const code = char.codePointAt(0) ?? 0;
	if (code < 0x20 || code === 0x7f) return `control character ${codePoint(char)}`;
	if (code > 0x7e) {
		if (/\p{Cc}|\p{Cf}|\p{Z}/u.test(char)) return `invisible character ${codePoint(char)}`;
		return `'${char}' (${codePoint(char)}, not ASCII)`;
	}
	return `'${char}'`;
}

/** The distinct characters of `value` that `allowed` rejects, described, in order of appearance. */
export function disallowedCharacters(value: string, allowed: (char: string) => boolean): string[] {
	const seen = new Set<string>();
	for (const char of value) if (!allowed(char)) seen.add(char);
	return [...seen].map(describeCharacter);
}

/** A list of described characters, shortened when a value is full of them. */
export function listCharacters(described: string[], max = 6): string {
	if (described.length <= max) return described.join(', ');
	return `${described.slice(0, max).join(', ')} and ${described.length - max} more`;
}

const PLAIN = /^[\x21-\x7e]+$/;

/**
 * A value quoted for a message: plain short ASCII as is (`web1`), anything else
 * JSON-escaped and shortened so control characters never break the line.
 */
export function showValue(value: string, max = 40): string {
	if (value.length <= max && PLAIN.test(value)) return value;
	const chars = [...value];
	const shown = chars.length > max ? `${chars.slice(0, max).join('')}…` : value;
	const escaped = JSON.stringify(shown).replace(/[\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g, char =>
		`\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
	);
	return chars.length > max ? `${escaped} (${chars.length} characters)` : escaped;
}
