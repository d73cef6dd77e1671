import {cleanup, render} from 'ink-testing-library';
import {afterEach, describe, expect, it, vi} from 'vitest';
import type {RunEvent} from '../../../source/contracts/events.js';
import {Clock} from '../../../source/ui/run/clock.js';
import {InkPrompter} from '../../../source/ui/run/ink-prompter.js';
import {RunScreen} from '../../../source/ui/run/run-screen.js';
import {RunStore} from '../../../source/ui/run/run-store.js';
import {output, runStarted, stepStarted, summaries, T0} from '../../report/run-fixtures.js';
import {hostKey, KEY, press, pressQuietly, screen, screenLines, tick, waitFor, type Rendered} from './fixtures.js';

afterEach(() => {
	cleanup();
});

async function mount(hosts = 8, onInterrupt: () => void = () => {}) {
	const store = new RunStore({minIntervalMs: 0});
	const prompter = new InkPrompter();
	const instance = render(
		<RunScreen
			store={store}
			prompter={prompter}
			clock={new Clock({intervalMs: 60_000, now: () => T0 + 5000})}
			home="/home/admin"
			size={{columns: 80, rows: 24}}
			onInterrupt={onInterrupt}
		/>,
	);
	const events: RunEvent[] = [runStarted(summaries(hosts))];
	for (const host of summaries(hosts)) events.push(stepStarted(host.name, 1, T0), output(host.name, `checking ${host.name}\n`));
	for (const event of events) store.dispatch(event);
	await waitFor(() => screen(instance).includes(`checking web${hosts}`), 'the panes');
	return {store, prompter, instance};
}

/** Ask through the prompter and wait for the modal to show `text`; the answer comes wrapped (an async function would wait for it). */
async function ask<T>(instance: Rendered, question: () => Promise<T>, text: string): Promise<{answer: Promise<T>}> {
	const answer = question();
	await waitFor(() => screen(instance).includes(text), `the modal to show ${text}`);
	await tick();
	return {answer};
}

function expectFits(instance: Rendered): void {
	const lines = screenLines(instance);
	expect(lines.length).toBeLessThanOrEqual(23);
	for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
}

describe('question modal: host key', () => {
	it('shows key type, SHA256 fingerprint and file over the panes, and y accepts', async () => {
		const {prompter, instance} = await mount();
		const {answer} = await ask(instance, () => prompter.acceptHostKey(hostKey), 'unknown host key');
		const text = screen(instance);
		expect(text).toContain('web2: unknown host key');
		expect(text).toContain('ssh-ed25519 SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU');
		expect(text).toContain('~/.ssh/known_hosts');
		expect(text).toContain('Trust this key? [y/N]');
		// Every host keeps at least its one line under the modal.
		for (let index = 1; index <= 8; index++) expect(text).toContain(`web${index} `);
		expectFits(instance);

		await press(instance, 'y');
		expect(await answer).toBe(true);
		expect(screen(instance)).not.toContain('unknown host key');
	});

	it('takes Enter (the default) as no', async () => {
		const {prompter, instance} = await mount();
		const {answer} = await ask(instance, () => prompter.acceptHostKey(hostKey), 'Trust this key?');
		await press(instance, KEY.enter);
		expect(await answer).toBe(false);
	});

	it('ignores keys other than y, n, Enter and Esc', async () => {
		const {prompter, instance} = await mount();
		const {answer} = await ask(instance, () => prompter.acceptHostKey(hostKey), 'Trust this key?');
		await pressQuietly(instance, 'x');
		expect(prompter.current()).toBeDefined();
		await press(instance, 'n');
		expect(await answer).toBe(false);
	});

	it('shows queued questions one after the other with a waiting count', async () => {
		const {prompter, instance} = await mount();
		const {answer: first} = await ask(instance, () => prompter.acceptHostKey(hostKey), 'web2: unknown host key');
		const second = prompter.acceptHostKey({...hostKey, host: 'web5'});
		await waitFor(() => screen(instance).includes('+1 waiting'), 'the waiting count');
		await tick();
		await press(instance, 'n');
		expect(await first).toBe(false);
		expect(screen(instance)).toContain('web5: unknown host key');
		expect(screen(instance)).not.toContain('waiting  ');
		await press(instance, 'y');
		expect(await second).toBe(true);
	});
});

describe('question modal: sudo password', () => {
	it('masks what is typed and resolves with the password on Enter', async () => {
		const {prompter, instance} = await mount();
		const {answer} = await ask(instance, () => prompter.sudoPassword('web3', 'deploy'), 'sudo password for deploy');
		for (const key of ['p', '4', 's', 's']) await press(instance, key);
		expect(screen(instance)).toContain('Password: ****');
		expect(instance.frames.join('\n')).not.toContain('p4ss');
		await press(instance, KEY.enter);
		expect(await answer).toBe('p4ss');
		expect(instance.frames.join('\n')).not.toContain('p4ss');
	});

	it('does not send an empty password; Esc gives up on that host', async () => {
		const {prompter, instance} = await mount();
		const {answer} = await ask(instance, () => prompter.sudoPassword('web3', 'deploy'), 'Password:');
		await pressQuietly(instance, KEY.enter);
		expect(prompter.current()).toBeDefined();
		await press(instance, KEY.escape);
		expect(await answer).toBeUndefined();
	});
});

describe('question modal: confirmation', () => {
	it('shows the question and its detail; n answers no', async () => {
		const {prompter, instance} = await mount(3);
		const {answer} = await ask(
			instance,
			() => prompter.confirm('web2', 'Move the 3 files in /var/aegir/platforms aside?', 'index.php\nsites/\n.htaccess'),
			'Move the 3 files',
		);
		const text = screen(instance);
		expect(text).toContain('web2: Move the 3 files in /var/aegir/platforms aside?');
		expect(text).toMatch(/index\.php[\s\S]*sites\/[\s\S]*\.htaccess/);
		expect(text).toContain('[y/N]');
		expectFits(instance);
		await press(instance, 'n');
		expect(await answer).toBe(false);
	});

	it('keeps a long detail within the screen', async () => {
		const {prompter, instance} = await mount();
		const detail = Array.from({length: 40}, (_, index) => `file-${index}.php`).join('\n');
		const {answer} = await ask(instance, () => prompter.confirm('web2', 'Move 40 files aside?', detail), 'Move 40 files aside?');
		expect(screen(instance)).toMatch(/… \d+ more lines/);
		expectFits(instance);
		await press(instance, 'y');
		expect(await answer).toBe(true);
	});
});

describe('question modal and Ctrl-C', () => {
	it('lets Ctrl-C through while a question is open; stopping answers it no', async () => {
		const onInterrupt = vi.fn();
		const {prompter, instance} = await mount(8, onInterrupt);
		const {answer} = await ask(instance, () => prompter.sudoPassword('web3', 'deploy'), 'Password:');
		await press(instance, 'a');
		await press(instance, KEY.ctrlC);
		expect(screen(instance)).toContain("Stop after each host's current command? [y/N]");
		// While the stop question is open, keys do not reach the password field.
		await press(instance, 'y');
		expect(onInterrupt).toHaveBeenCalledTimes(1);
		expect(await answer).toBeUndefined();
		expect(screen(instance)).not.toContain('Password:');
		// Questions asked after stopping are answered no at once.
		expect(await prompter.acceptHostKey(hostKey)).toBe(false);
	});

	it('returns to the question when the user does not stop', async () => {
		const onInterrupt = vi.fn();
		const {prompter, instance} = await mount(8, onInterrupt);
		const {answer} = await ask(instance, () => prompter.acceptHostKey(hostKey), 'Trust this key?');
		await press(instance, KEY.ctrlC);
		await press(instance, 'n');
		expect(onInterrupt).not.toHaveBeenCalled();
		expect(prompter.current()).toBeDefined();
		await press(instance, 'y');
		expect(await answer).toBe(true);
	});
});
