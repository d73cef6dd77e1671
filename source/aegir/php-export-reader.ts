// A strict reader for the part of PHP that `var_export` writes, and for the
// drush alias files provision builds from it:
//
//   <?php
//   $aliases['server_web1'] = array (
//     'context_type' => 'server',
//     ...
//   );
//
// It never runs PHP and never guesses: anything outside that shape (comments,
// short array syntax, objects, expressions, a file cut short) is an error with
// a line and column, so the caller can report the file and skip it.

export type PhpValue = string | number | boolean | null | PhpArray;

/** A PHP array: ordered, keys are ints or strings (as PHP itself normalises them). */
export type PhpArray = Map<string | number, PhpValue>;

export class PhpExportError extends Error {
	override name = 'PhpExportError';
	readonly line: number;
	readonly column: number;

	constructor(message: string, line: number, column: number) {
		super(`line ${line}, column ${column}: ${message}`);
		this.line = line;
		this.column = column;
	}
}

/** Arrays nested deeper than this are refused (an alias record is two levels deep). */
export const MAX_DEPTH = 32;

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

// var_export's ints and floats (sticky: matched in place, no copy of the rest).
const NUMBER = /-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;

// What PHP turns into an integer key: a decimal int without leading zeros or '+'.
const INTEGER_KEY = /^(0|-?[1-9][0-9]*)$/;

/** Show a few characters of the input in an error message, control characters made visible. */
function snippet(text: string): string {
	const shown = [...text.slice(0, 24)]
		.map(char => (/[\u0000-\u001f\u007f]/.test(char) ? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}` : char))
		.join('');
	return JSON.stringify(shown);
}

class Reader {
	private index = 0;
	/** Line of each array still open, for "the file ends inside the array opened on line N". */
	private readonly open: number[] = [];
	// Line counting resumes from the last position asked (the reader only moves forward).
	private counted = {at: 0, line: 1, lineStart: 0};

	constructor(private readonly text: string) {}

	position(at = this.index): {line: number; column: number} {
		if (at < this.counted.at) this.counted = {at: 0, line: 1, lineStart: 0};
		let {line, lineStart} = this.counted;
		for (let i = this.counted.at; i < at; i++) {
			if (this.text[i] === '\n') {
				line++;
				lineStart = i + 1;
			}
		}

		this.counted = {at, line, lineStart};
		return {line, column: at - lineStart + 1};
	}

	fail(message: string, at = this.index): never {
		const {line, column} = this.position(at);
		if (at >= this.text.length) {
			const inside = this.open.length > 0 ? ` (inside the array opened on line ${this.open.at(-1)})` : '';
			throw new PhpExportError(`the file ends too early: ${message}${inside}`, line, column);
		}

		throw new PhpExportError(`${message}, found ${snippet(this.text.slice(at))}`, line, column);
	}

	atEnd(): boolean {
		return this.index >= this.text.length;
	}

	skipWhitespace(): void {
		while (this.index < this.text.length && WHITESPACE.has(this.text[this.index]!)) this.index++;
	}

	peek(literal: string): boolean {
		return this.text.startsWith(literal, this.index);
	}

	expect(literal: string, what: string): void {
		this.skipWhitespace();
		if (!this.peek(literal)) this.fail(`expected ${what}`);
		this.index += literal.length;
	}

	/** A PHP keyword (case-insensitive, as PHP reads it) not followed by a name character. */
	keyword(word: string): boolean {
		const candidate = this.text.slice(this.index, this.index + word.length);
		if (candidate.toLowerCase() !== word) return false;
		const next = this.text[this.index + word.length];
		if (next !== undefined && /[A-Za-z0-9_\\]/.test(next)) return false;
		this.index += word.length;
		return true;
	}

	/** `'…'` where only `\\` and `\'` are escapes, as in PHP; newlines and any UTF-8 are literal. */
	singleQuoted(): string {
		const start = this.index;
		this.index++; // the opening quote
		let value = '';
		for (;;) {
			const char = this.text[this.index];
			if (char === undefined) this.fail(`expected the closing quote of the string that starts on line ${this.position(start).line}`);
			if (char === "'") {
				this.index++;
				return value;
			}

			if (char === '\\') {
				const next = this.text[this.index + 1];
				if (next === '\\' || next === "'") {
					value += next;
					this.index += 2;
					continue;
				}
			}

			value += char;
			this.index++;
		}
	}

	/**
	 * A string: var_export writes one single-quoted piece, except that it spells a
	 * NUL byte as `'a' . "\0" . 'b'`. That concatenation is the only expression read.
	 */
	string(): string {
		let value = this.singleQuoted();
		for (;;) {
			const save = this.index;
			this.skipWhitespace();
			if (!this.peek('.')) {
				this.index = save;
				return value;
			}

			this.index++;
			this.skipWhitespace();
			if (this.peek('"\\0"')) {
				this.index += 4;
				value += '\0';
			} else if (this.peek("'")) {
				value += this.singleQuoted();
			} else {
				this.fail(`expected a string after '.' (only var_export's "\\0" and '…' pieces are read)`);
			}
		}
	}

	number(): number {
		NUMBER.lastIndex = this.index;
		const match = NUMBER.exec(this.text);
		if (!match) this.fail('expected a number');
		const literal = match[0];
		const isInteger = match[1] === undefined && match[2] === undefined;
		const value = Number(literal);
		if (isInteger && !Number.isSafeInteger(value)) {
			this.fail(`the integer ${literal} is too large to read exactly`);
		}

		if (!isInteger && !Number.isFinite(value)) this.fail(`the number ${literal} is out of range`);
		this.index += literal.length;
		return value;
	}

	key(): string | number {
		this.skipWhitespace();
		const char = this.text[this.index];
		if (char === "'") {
			const key = this.string();
			// PHP stores '5' as the integer key 5; var_export would have written 5.
			if (INTEGER_KEY.test(key) && Number.isSafeInteger(Number(key))) return Number(key);
			return key;
		}

		if (char !== undefined && /[-0-9]/.test(char)) {
			const at = this.index;
			const key = this.number();
			if (!Number.isInteger(key)) this.fail('an array key must be an integer or a string', at);
			return key;
		}

		return this.fail("expected an array key (an integer or a '…' string) or ')'");
	}

	array(depth: number): PhpArray {
		const openedAt = this.position().line;
		if (depth > MAX_DEPTH) this.fail(`arrays are nested deeper than ${MAX_DEPTH} levels`);
		this.expect('(', "'(' after 'array'");
		this.open.push(openedAt);
		const result: PhpArray = new Map();
		for (;;) {
			this.skipWhitespace();
			if (this.peek(')')) {
				this.index++;
				this.open.pop();
				return result;
			}

			const keyAt = this.index;
			const key = this.key();
			if (result.has(key)) this.fail(`the key ${typeof key === 'string' ? `'${key}'` : key} appears twice`, keyAt);
			this.expect('=>', `'=>' after the key ${typeof key === 'string' ? `'${key}'` : key}`);
			result.set(key, this.value(depth));
			this.skipWhitespace();
			if (this.peek(',')) {
				this.index++;
				continue;
			}

			if (!this.peek(')')) this.fail("expected ',' or ')' after an array element");
		}
	}

	value(depth = 0): PhpValue {
		this.skipWhitespace();
		const char = this.text[this.index];
		if (char === undefined) this.fail('expected a value');
		if (char === "'") return this.string();
		if (/[-0-9]/.test(char)) return this.number();
		if (this.keyword('array')) return this.array(depth + 1);
		if (this.keyword('true')) return true;
		if (this.keyword('false')) return false;
		if (this.keyword('null')) return null;
		if (char === '(' || char === '\\') this.fail('objects are not read (only arrays, strings, numbers, booleans and NULL)');
		if (char === '[') this.fail("short array syntax '[…]' is not var_export output");
		if (char === '"') this.fail('double-quoted strings are not var_export output');
		return this.fail('expected a value (array, string, number, true, false or NULL)');
	}
}

/** One value exactly as `var_export($value, TRUE)` prints it (surrounding whitespace allowed). */
export function parsePhpExport(text: string): PhpValue {
	const reader = new Reader(text);
	const value = reader.value();
	reader.skipWhitespace();
	if (!reader.atEnd()) reader.fail('expected the end after the value');
	return value;
}

/**
 * A drush alias file as provision writes it: `<?php`, then one or more
 * `$aliases['name'] = <var_export>;` statements. Returns the aliases in file order.
 */
export function parseAliasFile(text: string): Map<string, PhpValue> {
	const reader = new Reader(text);
	if (!reader.peek('<?php') || !WHITESPACE.has(text[5] ?? '')) {
		if (text.length === 0) reader.fail("expected the file to start with '<?php' and a space or newline", 0);
		// What it holds is not shown: a file that is not PHP at all may be anything (a planted copy of a secret).
		throw new PhpExportError("expected the file to start with '<?php' and a space or newline; this is not an alias file", 1, 1);
	}

	// Past the open tag.
	reader.expect('<?php', "'<?php'");
	const aliases = new Map<string, PhpValue>();
	for (;;) {
		reader.skipWhitespace();
		if (reader.atEnd()) break;
		if (reader.peek('?>')) {
			reader.expect('?>', "'?>'");
			reader.skipWhitespace();
			if (!reader.atEnd()) reader.fail("expected nothing after '?>'");
			break;
		}

		reader.expect('$aliases', "'$aliases[…] = …;' (the only statement an alias file holds)");
		reader.expect('[', "'[' after '$aliases'");
		reader.skipWhitespace();
		if (!reader.peek("'")) reader.fail("expected the alias name as a '…' string");
		const nameAt = reader.position();
		const name = reader.string();
		if (aliases.has(name)) throw new PhpExportError(`the alias '${name}' is set twice`, nameAt.line, nameAt.column);
		reader.expect(']', "']' after the alias name");
		reader.expect('=', "'=' after $aliases[…]");
		aliases.set(name, reader.value());
		reader.expect(';', "';' after the alias value");
	}

	if (aliases.size === 0) reader.fail("expected at least one '$aliases[…] = …;'");
	return aliases;
}

/** True for a PHP array whose keys are 0, 1, 2… in order (what PHP calls a list). */
export function isPhpList(value: PhpValue | undefined): value is PhpArray {
	if (!(value instanceof Map)) return false;
	let expected = 0;
	for (const key of value.keys()) {
		if (key !== expected) return false;
		expected++;
	}

	return true;
}
