import {describe, expect, it} from 'vitest';
import {MAX_LINE_LENGTH, MAX_PARTIAL_LENGTH, partialText, sanitizeLine, splitOutput, stripControl, tailLines} from '../../source/report/terminal-text.js';

const ESC = '\u001B';

describe('stripControl', () => {
	it('removes colour and cursor escape sequences but keeps the text', () => {
		expect(stripControl(`${ESC}[1;31merror${ESC}[0m: ${ESC}[2Kdone${ESC}[3A`)).toBe('error: done');
	});

	it('removes a window-title OSC ended by BEL or ST, and an unterminated one up to the line end', () => {
		expect(stripControl(`${ESC}]0;pwned\u0007ok`)).toBe('ok');
		expect(stripControl(`${ESC}]8;;http://x${ESC}\\link${ESC}]8;;${ESC}\\`)).toBe('link');
		expect(stripControl(`a${ESC}]0;never ended\nb`)).toBe('a\nb');
	});

	it('removes C0/C1 controls, DEL and bidi overrides, keeps newlines and expands tabs', () => {
		expect(stripControl('a\u0007b\u0008c\u007Fd\u0085e\u202Ef')).toBe('abcdef');
		expect(stripControl('8-bit CSI \u009B31mred')).toBe('8-bit CSI red');
		expect(stripControl('x\ty\nz')).toBe('x       y\nz');
		expect(stripControl('one\r\ntwo')).toBe('one\ntwo');
	});
});

describe('sanitizeLine', () => {
	it('keeps what a terminal finally shows after carriage returns (progress bars)', () => {
		expect(sanitizeLine('Progress: 10%\rProgress: 50%\rProgress: 100%')).toBe('Progress: 100%');
		expect(sanitizeLine('done\r')).toBe('done');
	});

	it('cuts very long lines', () => {
		expect(sanitizeLine('x'.repeat(MAX_LINE_LENGTH * 3))).toHaveLength(MAX_LINE_LENGTH);
	});
});

describe('splitOutput', () => {
	it('returns complete lines and carries the unfinished one over', () => {
		const first = splitOutput('', 'one\ntwo\nthr');
		expect(first).toEqual({lines: ['one', 'two'], partial: 'thr'});
		const second = splitOutput(first.partial, 'ee\nfour');
		expect(second).toEqual({lines: ['three'], partial: 'four'});
	});

	it('ends a line once for CRLF, even when CR and LF arrive in different chunks', () => {
		const first = splitOutput('', 'a\r\nb\r');
		expect(first.lines).toEqual(['a']);
		const second = splitOutput(first.partial, '\nc\r\n');
		expect(second).toEqual({lines: ['b', 'c'], partial: ''});
	});

	it('keeps an escape sequence split across chunks out of the text', () => {
		const first = splitOutput('', `ok ${ESC}[3`);
		expect(partialText(first.partial)).toBe('ok');
		const second = splitOutput(first.partial, '1mred\n');
		expect(second.lines).toEqual(['ok red']);
	});

	it('treats a huge line without newline as complete so memory stays bounded', () => {
		const result = splitOutput('', 'y'.repeat(MAX_PARTIAL_LENGTH + 10));
		expect(result.partial).toBe('');
		expect(result.lines).toHaveLength(1);
	});
});

describe('tailLines', () => {
	it('keeps the last non-empty lines, cleaned', () => {
		expect(tailLines(`a\n\nb\n${ESC}[31mc${ESC}[0m\n\n`, 2)).toEqual(['b', 'c']);
	});
});
