// A small YAML writer for what the Ansible export emits: block mappings and
// sequences of scalars. Every string is written double-quoted with every
// character outside printable ASCII escaped, so no value can end its line,
// open a comment or a flow collection, or read as a number or a boolean.
// Values that come from the pack are wrapped in `unsafe()`: they carry
// Ansible's `!unsafe` tag, so Jinja never templates them (a `{{ … }}` or
// `{% … %}` in a pack value stays text).

/** A pack value: written as `!unsafe "…"`, never templated by Ansible. */
export class UnsafeText {
	constructor(readonly text: string) {}
}

export function unsafe(value: string): UnsafeText {
	return new UnsafeText(value);
}

export type YamlValue = string | number | boolean | null | UnsafeText | readonly YamlValue[] | {readonly [key: string]: YamlValue};

const SHORT_ESCAPES: Record<string, string> = {'"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r', '\0': '\\0'};

/** A YAML double-quoted scalar holding exactly `value`: printable ASCII as is, everything else escaped. */
export function quoteYaml(value: string): string {
	let out = '"';
	for (const character of value) {
		const short = SHORT_ESCAPES[character];
		if (short !== undefined) {
			out += short;
			continue;
		}

		const code = character.codePointAt(0)!;
		if (code >= 0x20 && code <= 0x7e) out += character;
		else if (code <= 0xff) out += `\\x${code.toString(16).padStart(2, '0')}`;
		else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
		else out += `\\U${code.toString(16).padStart(8, '0')}`;
	}

	return `${out}"`;
}

/** Keys that read as YAML 1.1 booleans or null must be quoted (`no:` is false to PyYAML). */
const SPECIAL_KEYS = /^(?:y|n|yes|no|on|off|true|false|null|~)$/i;
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function key(name: string): string {
	return PLAIN_KEY.test(name) && !SPECIAL_KEYS.test(name) ? name : quoteYaml(name);
}

function scalar(value: YamlValue): string | undefined {
	if (value === null) return 'null';
	if (typeof value === 'string') return quoteYaml(value);
	if (typeof value === 'boolean') return value ? 'true' : 'false';
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw new Error(`not a YAML number: ${value}`);
		return String(value);
	}

	if (value instanceof UnsafeText) return `!unsafe ${quoteYaml(value.text)}`;
	if (Array.isArray(value) && value.length === 0) return '[]';
	if (!Array.isArray(value) && Object.keys(value).length === 0) return '{}';
	return undefined;
}

function lines(value: YamlValue, indent: string): string[] {
	if (Array.isArray(value)) {
		return (value as readonly YamlValue[]).flatMap(item => {
			const simple = scalar(item);
			if (simple !== undefined) return [`${indent}- ${simple}`];
			const nested = lines(item, `${indent}  `);
			// The first line of a nested block goes on the dash's line.
			return [`${indent}- ${nested[0]!.slice(indent.length + 2)}`, ...nested.slice(1)];
		});
	}

	return Object.entries(value as Record<string, YamlValue>).flatMap(([name, item]) => {
		const simple = scalar(item);
		if (simple !== undefined) return [`${indent}${key(name)}: ${simple}`];
		return [`${indent}${key(name)}:`, ...lines(item, `${indent}  `)];
	});
}

/** A YAML document: `comments` (each a line of its own, made printable ASCII), then the value. */
export function toYaml(value: YamlValue, comments: readonly string[] = []): string {
	const header = comments.map(comment => `# ${comment.replace(/[^\x20-\x7e]/g, '?')}`);
	const body = scalar(value);
	return `${[...header, '---', ...(body === undefined ? lines(value, '') : [body])].join('\n')}\n`;
}
