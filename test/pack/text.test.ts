import {describe, expect, test} from 'vitest';
import {describeCharacter, disallowedCharacters, listCharacters, showValue} from '../../source/pack/text.js';

describe('describeCharacter names what a terminal would hide or disguise', () => {
	test.each([
		[';', "';'"],
		['\n', 'a newline'],
		['\t', 'a tab'],
		['\0', 'a NUL byte'],
		[' ', 'a space'],
		['\u007f', 'control character U+007F'],
		['\u001b', 'control character U+001B'],
		['а', "'а' (U+0430, not ASCII)"],
		['\u200b', 'invisible character U+200B'],
		['\u202e', 'invisible character U+202E'],
		['\u00a0', 'invisible character U+00A0'],
	])('%j is %s', (char, description) => {
		expect(describeCharacter(char)).toBe(description);
	});
});

describe('showValue', () => {
	test('plain short ASCII is shown as is', () => {
		expect(showValue('web1.example.com')).toBe('web1.example.com');
	});

	test('control characters, spaces and direction overrides are escaped in quotes', () => {
		expect(showValue('web\n1')).toBe('"web\\n1"');
		expect(showValue('my web')).toBe('"my web"');
		expect(showValue('web\u202e1')).toBe('"web\\u202e1"');
		expect(showValue('\u001b[2J')).toBe('"\\u001b[2J"');
	});

	test('long values are cut and their length given', () => {
		expect(showValue('x'.repeat(300))).toBe(`"${'x'.repeat(40)}…" (300 characters)`);
	});
});

describe('disallowedCharacters and listCharacters', () => {
	test('each bad character once, in order of appearance', () => {
		expect(disallowedCharacters('a;b;c$d', char => /[a-z]/.test(char))).toEqual(["';'", "'$'"]);
	});

	test('a long list is shortened', () => {
		expect(listCharacters(['1', '2', '3', '4', '5', '6', '7', '8'])).toBe('1, 2, 3, 4, 5, 6 and 2 more');
	});
});
