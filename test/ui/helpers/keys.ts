// Driving Ink screens from tests: keys written back-to-back get lost, so each
// key waits for the frame to change and then one more tick before the next.
import {stripVTControlCharacters} from 'node:util';

export const KEY = {
	enter: '\r',
	escape: '\u001B',
	up: '\u001B[A',
	down: '\u001B[B',
	left: '\u001B[D',
	right: '\u001B[C',
	tab: '\t',
	space: ' ',
	backspace: '\u007F',
	ctrlC: '\u0003',
} as const;

export type Rendered = {
	stdin: {write: (data: string) => void};
	lastFrame: () => string | undefined;
};

const tick = () => new Promise<void>(resolve => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

/** Wait until `predicate` holds for the last frame; fails with the frame when it never does. */
export async function waitForFrame(
	app: Pick<Rendered, 'lastFrame'>,
	predicate: (frame: string) => boolean,
	timeoutMs = 3000,
): Promise<string> {
	const start = Date.now();
	for (;;) {
		const frame = plain(app.lastFrame() ?? '');
		if (predicate(frame)) {
			// Let the screen's effects (its key listeners) settle before the next key.
			await tick();
			await tick();
			return frame;
		}
		if (Date.now() - start > timeoutMs) throw new Error(`frame never matched; last frame:\n${frame}`);
		await sleep(5);
	}
}

/** Write one key, wait until the frame changes, then one more tick. */
export async function press(app: Rendered, key: string, timeoutMs = 3000): Promise<string> {
	const before = app.lastFrame();
	app.stdin.write(key);
	await waitForFrame(app, () => app.lastFrame() !== before, timeoutMs);
	await tick();
	return plain(app.lastFrame() ?? '');
}

/** Type text one character at a time (each one redraws the input). */
export async function type(app: Rendered, text: string): Promise<string> {
	let frame = '';
	for (const char of text) frame = await press(app, char);
	return frame;
}

/**
 * Write a key the screen must ignore, then `next`, a key that does change the frame, and return
 * the frame `next` produced. Keys are handled in the order written, so the screen has had its
 * chance to act on the first key by then: whatever it did shows in that frame. No waiting on time.
 */
export async function pressIgnored(app: Rendered, key: string, next: string): Promise<string> {
	app.stdin.write(key);
	// Let the screen's effects settle (as after any key) before the next one.
	await tick();
	await tick();
	return press(app, next);
}

/** A frame without colours. */
export function plain(frame: string): string {
	return stripVTControlCharacters(frame);
}

/** Lines of a frame that are wider than `columns`, or the frame when it has more than `rows` lines. */
export function overflow(frame: string, columns = 80, rows = 24): string[] {
	const lines = plain(frame).split('\n');
	const wide = lines.filter(line => [...line].length > columns);
	return lines.length > rows ? [`${lines.length} lines`, ...wide] : wide;
}
