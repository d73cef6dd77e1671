// Remote output is untrusted text: before it reaches the user's terminal (the
// screen or a plain log line) every escape sequence and control character is
// removed, so a host cannot move the cursor, retitle the window or hide text.

const ESCAPE_SEQUENCE = new RegExp(
	[
		// CSI (7-bit and 8-bit): colours, cursor moves, erase.
		'(?:\\u001B\\[|\\u009B)[0-?]*[ -/]*[@-~]',
		// OSC (window title, hyperlinks), ended by BEL, ST or the end of the line.
		'\\u001B\\][^\\u0007\\u001B\\n]*(?:\\u0007|\\u001B\\\\|(?=\\n)|$)',
		// DCS, PM, APC strings, ended by ST or the end of the line.
		'\\u001B[P^_][^\\n]*?(?:\\u001B\\\\|(?=\\n)|$)',
		// Character set selection and other two/three byte escapes.
		'\\u001B[()#][0-9A-Za-z]',
		'\\u001B[@-Z\\\\-_]',
	].join('|'),
	'g',
);

// An escape sequence cut off at the end of a chunk: hidden until the rest arrives.
const INCOMPLETE_ESCAPE_AT_END = /\u001B(?:\[[0-?]*[ -/]*|\][^\u0007\u001B]*|[P^_][\s\S]*|[()#])?$/;

// C0 and C1 controls (tab and newline are handled before), DEL, and the
// bidirectional overrides that could make a line read differently than it is.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

const TAB_WIDTH = 8;

/** Longest line kept from remote output; the rest is cut (the full text is in the host log). */
export const MAX_LINE_LENGTH = 512;

/** A partial line longer than this is treated as complete, so a host printing no newline cannot grow memory. */
export const MAX_PARTIAL_LENGTH = 4096;

function expandTabs(line: string): string {
	if (!line.includes('\t')) return line;
	let result = '';
	for (const char of line) {
		if (char === '\t') result += ' '.repeat(TAB_WIDTH - (result.length % TAB_WIDTH));
		else result += char;
	}
	return result;
}

/** Text with every escape sequence and control character removed; newlines kept, tabs expanded. */
export function stripControl(text: string): string {
	return text
		.replace(ESCAPE_SEQUENCE, '')
		.replaceAll('\r\n', '\n')
		.split('\n')
		.map(line => expandTabs(line).replace(CONTROL, ''))
		.join('\n');
}

/**
 * What a terminal would finally show for one raw line: a carriage return
 * overwrites (progress bars), so the last non-empty segment wins.
 */
export function sanitizeLine(raw: string): string {
	const segments = raw.replace(ESCAPE_SEQUENCE, '').split('\r');
	let visible = '';
	for (let index = segments.length - 1; index >= 0; index--) {
		const segment = segments[index] ?? '';
		if (segment.trim() !== '') {
			visible = segment;
			break;
		}
	}
	return expandTabs(visible).replace(CONTROL, '').trimEnd().slice(0, MAX_LINE_LENGTH);
}

/** The visible text of a line still being written (the tail of an escape sequence may be missing). */
export function partialText(partial: string): string {
	return sanitizeLine(partial.replace(INCOMPLETE_ESCAPE_AT_END, ''));
}

export type SplitOutput = {
	/** Completed lines, sanitized, in order (may contain empty strings for blank lines). */
	lines: string[];
	/** Raw rest after the last newline, to be prefixed to the next chunk. */
	partial: string;
};

/**
 * Cut a chunk of output into lines, carrying an unfinished line over to the
 * next chunk. CRLF and a CR split from its LF across chunks both end a line once.
 */
export function splitOutput(partial: string, chunk: string): SplitOutput {
	const pieces = (partial + chunk).replaceAll('\r\n', '\n').split('\n');
	let rest = pieces.pop() ?? '';
	const lines = pieces.map(sanitizeLine);
	if (rest.length > MAX_PARTIAL_LENGTH) {
		lines.push(sanitizeLine(rest));
		rest = '';
	}
	return {lines, partial: rest};
}

/**
 * As splitOutput, but only the last `count` non-blank lines are kept, and only
 * those are sanitized: a screen that shows a few lines of a host's output
 * does work per chunk that does not grow with the chunk's earlier lines.
 */
export function splitOutputTail(partial: string, chunk: string, count: number): SplitOutput {
	const pieces = (partial + chunk).replaceAll('\r\n', '\n').split('\n');
	let rest = pieces.pop() ?? '';
	const tail: string[] = [];
	if (rest.length > MAX_PARTIAL_LENGTH) {
		const line = sanitizeLine(rest);
		if (line.trim() !== '' && count > 0) tail.push(line);
		rest = '';
	}
	for (let index = pieces.length - 1; index >= 0 && tail.length < count; index--) {
		const line = sanitizeLine(pieces[index] ?? '');
		if (line.trim() !== '') tail.unshift(line);
	}
	return {lines: tail, partial: rest};
}

/** Last `count` non-empty lines of a (sanitized) text, e.g. a stderr tail. */
export function tailLines(text: string, count: number): string[] {
	return stripControl(text)
		.split('\n')
		.map(line => line.trimEnd().slice(0, MAX_LINE_LENGTH))
		.filter(line => line.trim() !== '')
		.slice(-count);
}
