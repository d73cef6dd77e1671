import {describe, expect, it} from 'vitest';
import {InkPrompter} from '../../../source/ui/run/ink-prompter.js';
import {hostKey} from './fixtures.js';

describe('InkPrompter', () => {
	it('queues questions from several hosts and shows them one at a time, oldest first', async () => {
		const prompter = new InkPrompter();
		let changes = 0;
		prompter.subscribe(() => changes++);
		const key = prompter.acceptHostKey(hostKey);
		const password = prompter.sudoPassword('web3', 'deploy');
		expect(changes).toBe(2);
		expect(prompter.current()).toMatchObject({kind: 'host-key', question: hostKey});
		expect(prompter.waiting()).toBe(1);

		prompter.answer(prompter.current()!.id, true);
		expect(await key).toBe(true);
		expect(prompter.current()).toMatchObject({kind: 'sudo-password', host: 'web3', user: 'deploy'});

		prompter.answer(prompter.current()!.id, 's3cret');
		expect(await password).toBe('s3cret');
		expect(prompter.current()).toBeUndefined();
	});

	it('treats anything but an explicit yes as no', async () => {
		const prompter = new InkPrompter();
		const confirm = prompter.confirm('web2', 'Move files aside?', 'index.php');
		expect(prompter.current()).toMatchObject({kind: 'confirm', question: 'Move files aside?', detail: 'index.php'});
		prompter.answer(prompter.current()!.id, 'yes');
		expect(await confirm).toBe(false);
	});

	it('keeps no copy of a password once answered', async () => {
		const prompter = new InkPrompter();
		const password = prompter.sudoPassword('web3', 'deploy');
		prompter.answer(prompter.current()!.id, 'hunter2');
		await password;
		expect(JSON.stringify(prompter)).not.toContain('hunter2');
		expect(prompter.current()).toBeUndefined();
	});

	it('ignores an answer to a question that is not open', async () => {
		const prompter = new InkPrompter();
		const answer = prompter.confirm('web1', 'Sure?');
		prompter.answer(999, true);
		expect(prompter.current()).toBeDefined();
		prompter.answer(prompter.current()!.id, false);
		expect(await answer).toBe(false);
	});

	it('answers no to every open and later question once closed (run stopped or screen gone)', async () => {
		const prompter = new InkPrompter();
		const key = prompter.acceptHostKey(hostKey);
		const password = prompter.sudoPassword('web3', 'deploy');
		prompter.close();
		expect(await key).toBe(false);
		expect(await password).toBeUndefined();
		expect(await prompter.confirm('web4', 'Move?')).toBe(false);
		expect(prompter.current()).toBeUndefined();
		expect(prompter.closed).toBe(true);
	});
});

describe('InkPrompter snapshot', () => {
	it('changes on every queue change, so the screen sees the waiting count grow', () => {
		const prompter = new InkPrompter();
		const empty = prompter.getSnapshot();
		expect(empty).toEqual({waiting: 0});
		void prompter.acceptHostKey(hostKey);
		const one = prompter.getSnapshot();
		void prompter.confirm('web3', 'Move?');
		const two = prompter.getSnapshot();
		expect(two).not.toBe(one);
		expect(two.current).toBe(one.current);
		expect(two.waiting).toBe(1);
		expect(prompter.getSnapshot()).toBe(two);
	});
});
