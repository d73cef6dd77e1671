// The pty helper's screen: what Ink redraws (cursor up, erase line) must read
// back as the final picture, not as the pile of every frame.
import {describe, expect, test} from 'vitest';
import {Screen} from '../e2e/helpers/screen.js';

describe('Screen', () => {
	test('plain lines, CR LF', () => {
		const screen = new Screen(20, 5);
		screen.write('one\r\ntwo\r\n');
		expect(screen.text()).toBe('one\ntwo');
	});

	test('a redraw replaces the previous frame (Ink: erase lines upwards, then write)', () => {
		const screen = new Screen(30, 6);
		screen.write('Pick the master\r\n> master\r\n  web1\r\n');
		screen.write('\u001B[2K\u001B[1A\u001B[2K\u001B[1A\u001B[2K\u001B[1A\u001B[2K\u001B[G');
		screen.write('Pick the master\r\n  master\r\n> web1\r\n');
		expect(screen.text()).toBe('Pick the master\n  master\n> web1');
	});

	test('colours are dropped, cursor positioning and clearing are kept', () => {
		const screen = new Screen(20, 4);
		screen.write('\u001B[31mred\u001B[39m text\u001B[2J\u001B[H\u001B[1mnew\u001B[22m\u001B[3;5Hx');
		expect(screen.text()).toBe('new\n\n    x');
	});

	test('scrolls when writing past the last row', () => {
		const screen = new Screen(10, 2);
		screen.write('a\r\nb\r\nc');
		expect(screen.text()).toBe('b\nc');
	});

	test('an escape sequence split across writes still applies', () => {
		const screen = new Screen(10, 2);
		screen.write('abc\u001B[');
		screen.write('2Dx');
		expect(screen.text()).toBe('axc');
	});

	test('long lines wrap at the terminal width', () => {
		const screen = new Screen(4, 3);
		screen.write('abcdefg');
		expect(screen.text()).toBe('abcd\nefg');
	});
});
