// The export screen by keys: the proposal is each client's address, their small
// private network is offered on its own row, and a wide subnet is asked about
// (saying how many addresses could mount the share) before the step is passed.
import {describe, expect, test} from 'vitest';
import {KEY, overflow, press, waitForFrame} from '../helpers/keys.js';
import {host} from './fixtures.js';
import {renderWizard} from './render.js';

const lan = [host('web1', '10.0.5.10'), host('web2', '10.0.5.11'), host('web3', '10.0.5.12')];
const answers = {name: 'pack.example.com', master: 'web1', slave: ['web2', 'web3'], nfsServer: 'master'};

describe('the export screen keeps the export to the pack', () => {
	test('the proposal is each client; their private network is used only when picked', async () => {
		const {app, onDone} = renderWizard({hosts: lan, packs: []}, {flags: answers});
		let frame = await waitForFrame(app, shown => shown.includes('Export path and subnets'));
		expect(frame).toContain('10.0.5.11/32, 10.0.5.12/32');
		expect(frame).toMatch(/Proposal +\[each client\] +their network 10\.0\.5\.8\/29/);
		expect(overflow(frame, 80, 23)).toEqual([]);
		await press(app, KEY.down);
		frame = await press(app, KEY.down);
		expect(frame).toMatch(/> Proposal/);
		frame = await press(app, KEY.right);
		expect(frame).toMatch(/each client +\[their network 10\.0\.5\.8\/29\]/);
		expect(frame).toContain('10.0.5.8/29');
		frame = await press(app, KEY.enter);
		expect(frame).toContain('Review pack pack.example.com');
		expect(frame).toContain('/var/aegir/platforms 10.0.5.8/29(rw,sync,no_subtree_check)');
		app.stdin.write(KEY.enter);
		await waitForFrame(app, () => onDone.mock.calls.length > 0);
		expect(onDone.mock.calls[0]?.[0].subnets).toEqual(['10.0.5.8/29']);
	});

	test('a /16 is asked about with its size; n goes back to the field, y to the review', async () => {
		const {app, onDone} = renderWizard({hosts: lan, packs: []}, {flags: {...answers, subnet: ['10.0.0.0/16']}});
		await waitForFrame(app, shown => shown.includes('Review pack'));
		await press(app, KEY.escape);
		await press(app, KEY.enter);
		let frame = await press(app, KEY.enter);
		expect(frame.replaceAll(/\s+/g, ' ')).toContain('10.0.0.0/16 lets 65,536 addresses mount /var/aegir/platforms read-write (wider than /24)');
		expect(frame).toContain('Export that wide?');
		expect(overflow(frame, 80, 23)).toEqual([]);
		frame = await press(app, 'n');
		expect(frame).toContain('Export path and subnets');
		expect(frame).not.toContain('65,536');
		await press(app, KEY.enter);
		frame = await press(app, 'y');
		expect(frame).toContain('Review pack pack.example.com');
		expect(frame).toContain('wide export accepted: 10.0.0.0/16 (65,536 addresses)');
		app.stdin.write(KEY.enter);
		await waitForFrame(app, () => onDone.mock.calls.length > 0);
		expect(onDone.mock.calls[0]?.[0].subnets).toEqual(['10.0.0.0/16']);
	});

	test('--yes with a wide --subnet and no --allow-wide-export: asked on the review, nothing saved on n', async () => {
		const {app, onDone} = renderWizard({hosts: lan, packs: []}, {flags: {...answers, subnet: ['10.0.0.0/16'], yes: true}});
		let frame = await waitForFrame(app, shown => shown.includes('65,536 addresses'));
		expect(frame).toContain('Review pack pack.example.com');
		frame = await press(app, 'n');
		expect(frame).toContain('Confirm');
		expect(onDone).not.toHaveBeenCalled();
		await press(app, KEY.enter);
		await press(app, 'y');
		await waitForFrame(app, () => onDone.mock.calls.length > 0);
	});
});
