// The YAML writer of the Ansible export: every string, whatever it holds,
// reads back as exactly itself and as one scalar (no comment, no new key, no
// new list item, no number or boolean), pack values with Ansible's !unsafe tag.
import {describe, expect, it} from 'vitest';
import {parseDocument, type Tags} from 'yaml';
import {quoteYaml, toYaml, unsafe, type YamlValue} from '../../../source/plan/export/yaml.js';

/** Ansible's `!unsafe` tag, as a marker object, so the tests see which scalars carry it. */
export const unsafeTag: Tags[number] = {tag: '!unsafe', resolve: (value: string) => ({unsafe: value})};

export function parseYaml(text: string): unknown {
	const document = parseDocument(text, {customTags: [unsafeTag], version: '1.1', uniqueKeys: true});
	expect(document.errors).toEqual([]);
	expect(document.warnings).toEqual([]);
	return document.toJS();
}

export const HOSTILE = [
	'{{ lookup("pipe", "touch /tmp/pwned") }}',
	'{% for x in range(3) %}x{% endfor %}',
	'line one\nline two\r\n- injected: item',
	'key: value',
	'a # not a comment',
	'"double" and \'single\' quotes',
	'- list',
	'yes',
	'0x10',
	'~',
	'',
	'  leading and trailing  ',
	'tab\there',
	'back\\slash \\n not a newline',
	'nul \0 bell \u0007 del \u007f',
	'é ü 中文 😀 \u2028 \u2029 \ufeff',
	'!!python/object/apply:os.system ["id"]',
	'&anchor *alias',
	'}} {{',
	'{# comment #}',
];

describe('quoting for YAML', () => {
	it.each(HOSTILE)('%j reads back as itself, one scalar', value => {
		expect(parseYaml(`key: ${quoteYaml(value)}\nother: 1\n`)).toEqual({key: value, other: 1});
		expect(parseYaml(`key: !unsafe ${quoteYaml(value)}\nother: 1\n`)).toEqual({key: {unsafe: value}, other: 1});
	});

	it('writes printable ASCII only, on one line', () => {
		for (const value of HOSTILE) expect(quoteYaml(value)).toMatch(/^"[\x20-\x7e]*"$/);
	});
});

describe('a document', () => {
	it('keeps structure whatever the keys and values hold', () => {
		const value: YamlValue = {
			all: {
				hosts: Object.fromEntries(HOSTILE.map((name, index) => [name === '' ? 'empty' : name, {n: index, v: unsafe(name)}])),
				list: [unsafe('a'), {nested: [1, true, null, 'x']}, [], {}],
				no: 'a key YAML 1.1 would read as false',
			},
		};
		const parsed = parseYaml(toYaml(value, ['a comment\nwith a newline'])) as {all: {hosts: Record<string, {n: number; v: {unsafe: string}}>; list: unknown[]; no: string}};
		expect(Object.keys(parsed.all.hosts)).toEqual(HOSTILE.map(name => (name === '' ? 'empty' : name)));
		for (const [index, name] of HOSTILE.entries()) expect(parsed.all.hosts[name === '' ? 'empty' : name]).toEqual({n: index, v: {unsafe: name}});
		expect(parsed.all.list).toEqual([{unsafe: 'a'}, {nested: [1, true, null, 'x']}, [], {}]);
		expect(parsed.all.no).toBe('a key YAML 1.1 would read as false');
	});

	it('comments stay comments: one line each, printable', () => {
		const text = toYaml({a: 1}, ['first\n- b: 2', 'second']);
		expect(text).toBe('# first?- b: 2\n# second\n---\na: 1\n');
	});
});
