import {expect, test} from 'vitest';
import {KEY, press, waitForFrame} from '../helpers/keys.js';
import {HOSTS} from './fixtures.js';
import {renderWizard} from './render.js';

// Over a slow SSH link several keys can arrive in one read. Each must act on
// what the previous one did, as if typed one by one.

test('"Down Down Enter" in one read picks the third host as master', async () => {
	const {app} = renderWizard({hosts: HOSTS, packs: []}, {flags: {name: 'pack.example.com'}});
	await waitForFrame(app, frame => frame.includes('Pick the master'));
	app.stdin.write(`${KEY.down}${KEY.down}${KEY.enter}`);
	await waitForFrame(app, frame => frame.includes('Tick the slaves'));
	const back = (app.stdin.write(KEY.escape), await waitForFrame(app, frame => frame.includes('Pick the master')));
	expect(back).toMatch(/❯ web3/);
});

test('a name and Enter in one read submit the name, without a carriage return in it', async () => {
	const {app} = renderWizard({hosts: HOSTS, packs: []});
	await waitForFrame(app, frame => frame.includes('Name the pack'));
	app.stdin.write('pack.example.com\r');
	await waitForFrame(app, frame => frame.includes('Pick the master'));
	app.stdin.write(KEY.escape);
	const frame = await waitForFrame(app, shown => shown.includes('Name the pack'));
	expect(frame).toContain('Pack name: pack.example.com');
	expect(frame).not.toMatch(/^x /m);
});

test('"Right Right Enter" in one read on the review picks Cancel, and a double Enter confirms once', async () => {
	// A public (documentation) /24: the flag agrees to it, so Confirm saves without a question.
	const flags = {name: 'pack.example.com', master: 'web1', slave: ['web2'], nfsServer: 'master', subnet: ['192.0.2.0/24'], allowWideExport: true};
	const first = renderWizard({hosts: HOSTS, packs: []}, {flags});
	await waitForFrame(first.app, frame => frame.includes('[Confirm]'));
	first.app.stdin.write(`${KEY.right}${KEY.right}${KEY.enter}`);
	await waitForFrame(first.app, () => first.onCancel.mock.calls.length > 0);
	expect(first.onDone).not.toHaveBeenCalled();

	const second = renderWizard({hosts: HOSTS, packs: []}, {flags});
	await waitForFrame(second.app, frame => frame.includes('[Confirm]'));
	second.app.stdin.write(`${KEY.enter}${KEY.enter}`);
	await waitForFrame(second.app, () => second.onDone.mock.calls.length > 0);
	// A later key that moves the focus: once its frame is drawn, the second Enter has been handled.
	expect(await press(second.app, KEY.right)).toContain('[Edit…]');
	expect(second.onDone).toHaveBeenCalledTimes(1);
});

test('Ctrl-C inside a batch of typed keys still quits', async () => {
	const {app, onQuit} = renderWizard({hosts: HOSTS, packs: []});
	await waitForFrame(app, frame => frame.includes('Name the pack'));
	app.stdin.write('pack\u0003');
	await waitForFrame(app, () => onQuit.mock.calls.length > 0);
	expect(onQuit).toHaveBeenCalled();
});
