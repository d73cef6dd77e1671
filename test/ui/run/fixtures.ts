// Shared test data and Ink test helpers for the run screen tests.
import type {render} from 'ink-testing-library';
import type {HostKeyQuestion} from '../../../source/contracts/prompter.js';
import {stripControl} from '../../../source/report/terminal-text.js';
import type {Timers} from '../../../source/ui/run/run-store.js';

export const hostKey: HostKeyQuestion = {
	host: 'web2',
	address: '192.0.2.11',
	port: 2222,
	keyType: 'ssh-ed25519',
	fingerprint: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
	knownHostsFile: '/home/admin/.ssh/known_hosts',
};

export type Rendered = ReturnType<typeof render>;

export const KEY = {ctrlC: '\u0003', enter: '\r', escape: '\u001B'} as const;

export async function tick(): Promise<void> {
	await new Promise(resolve => {
		setImmediate(resolve);
	});
}

export async function waitFor(check: () => boolean, what = 'condition', timeoutMs = 3000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise(resolve => {
			setTimeout(resolve, 5);
		});
	}
}

/** The last frame without colours, as lines. */
export function screenLines(instance: Rendered): string[] {
	return stripControl(instance.lastFrame() ?? '').split('\n');
}

export function screen(instance: Rendered): string {
	return screenLines(instance).join('\n');
}

/** Type one key, wait until the frame changes, then one more tick (keys sent back-to-back get lost). */
export async function press(instance: Rendered, key: string): Promise<void> {
	const before = instance.lastFrame();
	instance.stdin.write(key);
	await waitFor(() => instance.lastFrame() !== before, `the frame to change after ${JSON.stringify(key)}`);
	await tick();
}

/** Type one key that is not expected to change the frame. */
export async function pressQuietly(instance: Rendered, key: string): Promise<void> {
	instance.stdin.write(key);
	await tick();
	await tick();
}

/** Timers the test moves by hand: nothing happens until `advance`. */
export function manualTimers() {
	let now = 0;
	let pending: Array<{at: number; callback: () => void; id: number}> = [];
	let nextId = 1;
	const timers: Timers = {
		now: () => now,
		setTimeout(callback, ms) {
			const id = nextId++;
			pending.push({at: now + ms, callback, id});
			return id;
		},
		clearTimeout(handle) {
			pending = pending.filter(timer => timer.id !== handle);
		},
	};
	return {
		timers,
		pending: () => pending.length,
		advance(ms: number) {
			now += ms;
			const due = pending.filter(timer => timer.at <= now);
			pending = pending.filter(timer => timer.at > now);
			for (const timer of due) timer.callback();
		},
	};
}
