// The YAML writer of the Ansible export: every string, whatever it holds,
// reads back as exactly itself and as one scalar (no comment, no new key, no
// new list item, no number or boolean), pack values with Ansible's !unsafe tag.
import {describe, expect, it} from 'vitest';
import {quoteYaml, toYaml, unsafe, type YamlValue} from '../../../source/plan/export/yaml.js';
import {HOSTILE, parseYaml} from './yaml-helpers.js';

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
