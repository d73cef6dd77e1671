import {readFileSync, readdirSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {
	MAX_DEPTH,
	PhpExportError,
	isPhpList,
	parseAliasFile,
	parsePhpExport,
	type PhpValue,
} from '../../source/aegir/php-export-reader.js';

const fixtures = path.join(import.meta.dirname, 'fixtures');
const drushDir = path.join(fixtures, 'aegir-home', '.drush');
const expectedDir = path.join(fixtures, 'expected');

/** The shape make-fixtures.php writes: arrays as {"array": [[key, value], …]}. */
type Pairs = string | number | boolean | null | {array: Array<[string | number, Pairs]>};

function toPairs(value: PhpValue): Pairs {
	if (value instanceof Map) return {array: [...value].map(([key, item]) => [key, toPairs(item)] as [string | number, Pairs])};
	return value;
}

function parseError(run: () => unknown): PhpExportError {
	try {
		run();
	} catch (error) {
		if (error instanceof PhpExportError) return error;
		throw error;
	}

	throw new Error('expected a PhpExportError');
}

describe('alias files written by real PHP (fixtures from make-fixtures.php)', () => {
	const expectedFiles = readdirSync(expectedDir).filter(name => name.endsWith('.json'));

	test('there is a PHP reading for every fixture that PHP itself could include', () => {
		expect(expectedFiles.length).toBeGreaterThanOrEqual(14);
	});

	test.each(expectedFiles)('%s reads back exactly what PHP read', name => {
		const text = readFileSync(path.join(drushDir, name.replace(/\.json$/, '')), 'utf8');
		const expected = JSON.parse(readFileSync(path.join(expectedDir, name), 'utf8')) as Pairs;
		const aliases = parseAliasFile(text);
		expect(toPairs(new Map(aliases))).toEqual(expected);
	});

	test('awkward strings come back byte for byte', () => {
		const text = readFileSync(path.join(drushDir, 'server_oddstrings.alias.drushrc.php'), 'utf8');
		const record = parseAliasFile(text).get('server_oddstrings') as Map<string | number, PhpValue>;
		expect(record.get('note_quotes')).toBe(`it's 'single' and "double"`);
		expect(record.get('note_backslashes')).toBe('C:\\path\\to\\ and a trailing \\');
		expect(record.get('note_backslash_quote')).toBe("\\'");
		expect(record.get('note_newlines')).toBe('first line\nsecond line\r\nthird\n');
		expect(record.get('note_tab')).toBe('a\tb');
		expect(record.get('note_unicode')).toBe('Ægir — ✔ ✖ 日本語 😀');
		expect(record.get('note_nul')).toBe('before\0after');
		expect(record.get('note_php_tags')).toBe("<?php ?> $aliases['x'] = array ( );");
		expect(record.get('note_empty')).toBe('');
		expect(record.get('http_restart_cmd')).toBe(`sudo /usr/sbin/apache2ctl graceful # it's "quoted"`);
	});

	test('ints, floats, booleans, NULL and nested arrays keep their types and key kinds', () => {
		const text = readFileSync(path.join(drushDir, 'server_oddstrings.alias.drushrc.php'), 'utf8');
		const record = parseAliasFile(text).get('server_oddstrings') as Map<string | number, PhpValue>;
		expect(record.get('note_int')).toBe(42);
		expect(record.get('note_negative')).toBe(-7);
		expect(record.get('note_zero')).toBe(0);
		expect(record.get('note_float')).toBe(1.5);
		expect(record.get('note_true')).toBe(true);
		expect(record.get('note_false')).toBe(false);
		expect(record.get('note_null')).toBeNull();
		const nested = record.get('note_nested') as Map<string | number, PhpValue>;
		expect([...nested.keys()]).toEqual(['level1', 7, -2, '08']);
		const level3 = ((nested.get('level1') as Map<string, PhpValue>).get('level2') as Map<string, PhpValue>).get('level3');
		expect(isPhpList(level3)).toBe(true);
		expect([...(level3 as Map<number, PhpValue>).values()]).toEqual([1, 'two', null]);
	});
});

describe('parsePhpExport', () => {
	test('reads every scalar var_export writes', () => {
		expect(parsePhpExport("'x'")).toBe('x');
		expect(parsePhpExport('-12')).toBe(-12);
		expect(parsePhpExport('1.0E+25')).toBe(1e25);
		expect(parsePhpExport('-0.5')).toBe(-0.5);
		expect(parsePhpExport('true')).toBe(true);
		expect(parsePhpExport('FALSE')).toBe(false);
		expect(parsePhpExport('NULL')).toBeNull();
		expect(parsePhpExport("'' . \"\\0\" . ''")).toBe('\0');
	});

	test('reads an empty array and a trailing comma, as var_export writes them', () => {
		expect(parsePhpExport('array (\n)')).toEqual(new Map());
		expect(parsePhpExport("array (\n  0 => 'a',\n)")).toEqual(new Map([[0, 'a']]));
		expect(parsePhpExport("array ( 0 => 'a' )")).toEqual(new Map([[0, 'a']]));
	});

	test("a quoted integer key becomes the integer key, as PHP stores it (but '08' and '-0' stay strings)", () => {
		expect([...(parsePhpExport("array ('5' => 1, '08' => 2, '-0' => 3, '-4' => 4)") as Map<string | number, PhpValue>).keys()]).toEqual([
			5,
			'08',
			'-0',
			-4,
		]);
	});

	test('isPhpList tells lists from maps', () => {
		expect(isPhpList(parsePhpExport("array (0 => 'a', 1 => 'b')"))).toBe(true);
		expect(isPhpList(parsePhpExport('array ()'))).toBe(true);
		expect(isPhpList(parsePhpExport("array (1 => 'a')"))).toBe(false);
		expect(isPhpList(parsePhpExport("array ('a' => 'a')"))).toBe(false);
		expect(isPhpList('a')).toBe(false);
	});

	test.each([
		['a bare word', 'server', 'expected a value'],
		['a double-quoted string', '"x"', 'double-quoted strings are not var_export output'],
		['short array syntax', "['a']", "short array syntax '[…]' is not var_export output"],
		['an object', "(object) array(\n 'k' => 1,\n)", 'objects are not read'],
		['an object from __set_state', "\\Foo::__set_state(array())", 'objects are not read'],
		['concatenation with something else', "'a' . PHP_EOL", 'expected a string after'],
		['a missing =>', "array ('a' 'b')", "expected '=>' after the key 'a'"],
		['a missing comma', "array ('a' => 1 'b' => 2)", "expected ',' or ')' after an array element"],
		['a float key', "array (1.5 => 'a')", 'an array key must be an integer or a string'],
		['a duplicate key', "array ('a' => 1, 'a' => 2)", "the key 'a' appears twice"],
		['an integer beyond 2^53', '9223372036854775807', 'is too large to read exactly'],
		['PHP_INT_MIN as var_export writes it', '-9223372036854775807-1', 'is too large to read exactly'],
		['INF', 'INF', 'expected a value'],
		['text after the value', "'a' 'b'", 'expected the end after the value'],
		['an unterminated string', "'abc", 'expected the closing quote of the string that starts on line 1'],
		['an unclosed array', "array (\n  'a' => 1,\n", 'the file ends too early'],
		['a keyword glued to a name', 'trueish', 'expected a value'],
	])('refuses %s', (_what, input, fragment) => {
		expect(parseError(() => parsePhpExport(input)).message).toContain(fragment);
	});

	test('errors carry the line and column of the problem', () => {
		const error = parseError(() => parsePhpExport("array (\n  'a' => 1,\n  'b' = 2,\n)"));
		expect(error.line).toBe(3);
		expect(error.column).toBe(7);
		expect(error.message).toMatch(/^line 3, column 7: expected '=>' after the key 'b', found "= 2,/);
	});

	test('control characters in the shown input are made visible', () => {
		expect(parseError(() => parsePhpExport('\u001b[31m')).message).toContain('\\x1b[31m');
	});

	test(`arrays nested deeper than ${MAX_DEPTH} levels are refused, not a stack overflow`, () => {
		const deep = `${'array ( 0 => '.repeat(MAX_DEPTH + 1)}1${' )'.repeat(MAX_DEPTH + 1)}`;
		expect(parseError(() => parsePhpExport(deep)).message).toContain(`nested deeper than ${MAX_DEPTH} levels`);
		const ok = `${'array ( 0 => '.repeat(MAX_DEPTH)}1${' )'.repeat(MAX_DEPTH)}`;
		expect(parsePhpExport(ok)).toBeInstanceOf(Map);
	});

	test('a long flat array reads quickly (line counting is not quadratic)', () => {
		const entries = Array.from({length: 20_000}, (_, index) => `  ${index} => \n  array (\n    'k' => 'v',\n  ),`).join('\n');
		const started = performance.now();
		const value = parsePhpExport(`array (\n${entries}\n)`) as Map<number, PhpValue>;
		expect(value.size).toBe(20_000);
		expect(performance.now() - started).toBeLessThan(2000);
	});
});

describe('parseAliasFile', () => {
	const record = "array (\n  'context_type' => 'server',\n)";

	test("reads provision's shape: '<?php ' with a trailing space, one assignment", () => {
		const aliases = parseAliasFile(`<?php \n$aliases['server_x'] = ${record};\n`);
		expect([...aliases.keys()]).toEqual(['server_x']);
		expect(aliases.get('server_x')).toEqual(new Map([['context_type', 'server']]));
	});

	test('reads several assignments and a closing tag', () => {
		const aliases = parseAliasFile(`<?php\n$aliases['a'] = ${record};\n$aliases['b'] = NULL;\n?>\n`);
		expect([...aliases.keys()]).toEqual(['a', 'b']);
	});

	test.each([
		['an empty file', '', 'the file ends too early'],
		['no open tag', `$aliases['x'] = ${record};`, "expected the file to start with '<?php'"],
		['a byte-order mark before the tag', `\ufeff<?php\n$aliases['x'] = ${record};`, "expected the file to start with '<?php'"],
		['an open tag glued to code', `<?php$aliases['x'] = ${record};`, "expected the file to start with '<?php'"],
		['only the open tag', '<?php\n', "expected at least one '$aliases[…] = …;'"],
		['a comment', `<?php\n// hand edit\n$aliases['x'] = ${record};`, "expected '$aliases[…] = …;'"],
		['another variable', `<?php\n$options['x'] = ${record};`, "expected '$aliases[…] = …;'"],
		['a missing semicolon', `<?php\n$aliases['x'] = ${record}\n`, "the file ends too early: expected ';' after the alias value"],
		['code after the closing tag', `<?php\n$aliases['x'] = ${record};\n?>\nhello`, "expected nothing after '?>'"],
		['the same alias twice', `<?php\n$aliases['x'] = 1;\n$aliases['x'] = 2;`, "the alias 'x' is set twice"],
		['a double-quoted alias name', `<?php\n$aliases["x"] = 1;`, "expected the alias name as a '…' string"],
		['a file cut inside an array', `<?php \n$aliases['x'] = array (\n  'context_type' => 'ser`, 'expected the closing quote'],
	])('refuses %s', (_what, input, fragment) => {
		expect(parseError(() => parseAliasFile(input)).message).toContain(fragment);
	});

	test('a truncated file says which array was left open', () => {
		const message = parseError(() => parseAliasFile("<?php \n$aliases['x'] = array (\n  'a' => \n  array (\n    0 => 1,\n")).message;
		expect(message).toContain('the file ends too early');
		expect(message).toContain('inside the array opened on line 4');
	});
});
