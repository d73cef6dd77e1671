import {describe, expect, test} from 'vitest';
import {PackStore} from '../../../source/pack/store.js';
import {KEY, overflow, press, type, waitForFrame} from '../helpers/keys.js';
import {far, HOSTS, savedPack, web3} from './fixtures.js';
import {renderWizard} from './render.js';

const KNOWN = [...HOSTS, far];

describe('add a slave from the menu', () => {
	test('tick a host outside the subnets: the review says who is untouched, shows the widening diff; Confirm hands over the request', async () => {
		const {app, dir, onRerun, onDone} = renderWizard({hosts: KNOWN, packs: [savedPack]});
		await waitForFrame(app, shown => shown.includes('aegir-pack: Start'));
		await press(app, KEY.down);
		let frame = await press(app, KEY.enter);
		expect(frame).toContain('Add a slave to pack.example.com');
		// Only hosts not in the pack are offered.
		expect(frame).toMatch(/web3 +root@192\.0\.2\.13:2222/);
		expect(frame).not.toMatch(/web[12] +root@/);
		expect(overflow(frame, 80, 23)).toEqual([]);
		await press(app, KEY.down);
		await press(app, KEY.down);
		await press(app, KEY.space);
		frame = await waitForFrame(app, shown => shown.includes('1 ticked: far'));
		expect(frame.replaceAll('\n', ' ')).toMatch(/far 198\.51\.100\.7 is outside 192\.0\.2\.0\/24/);

		frame = await press(app, KEY.enter);
		expect(frame).toContain('Add far to pack pack.example.com');
		expect(frame).toContain('far: new slave: nfs-common, rsync, mount, fstab entry, config sync');
		expect(frame).toContain('web2: untouched (not connected to)');
		expect(frame).toContain('Confirm widens the export to 198.51.100.7/32');
		expect(frame).toContain('--- /etc/exports.d/aegir-pack-pack.example.com.exports');
		expect(frame).toContain('+/var/aegir/platforms 198.51.100.7/32(rw,sync,no_subtree_check)');
		expect(frame).toContain('[Confirm]');
		expect(overflow(frame, 80, 23)).toEqual([]);

		app.stdin.write(KEY.enter);
		await waitForFrame(app, () => onRerun.mock.calls.length > 0);
		expect(onRerun.mock.calls).toEqual([[{kind: 'add-slave', pack: savedPack, hosts: [far], newHosts: []}]]);
		expect(onDone).not.toHaveBeenCalled();
		// The wizard saves nothing for a re-run: the app does once it has run.
		expect(new PackStore({dir}).getPack(savedPack.name)).toBeUndefined();
	});

	test('a new host added from the picker is ticked and comes back as a new host', async () => {
		const {app, onRerun} = renderWizard({hosts: KNOWN, packs: [savedPack]});
		await waitForFrame(app, shown => shown.includes('aegir-pack: Start'));
		await press(app, KEY.down);
		await press(app, KEY.enter);
		// "+ Add a host…" is last, after web3, storage and far.
		for (let i = 0; i < 3; i++) await press(app, KEY.down);
		await press(app, KEY.space);
		let frame = await press(app, KEY.enter);
		expect(frame).toContain('Add a host');
		await type(app, 'web9');
		await press(app, KEY.enter);
		await type(app, '192.0.2.19');
		await press(app, KEY.enter);
		await press(app, KEY.enter);
		frame = await press(app, KEY.enter);
		expect(frame).toContain('1 ticked: web9');
		frame = await press(app, KEY.enter);
		expect(frame).toContain('Add web9 to pack pack.example.com');
		expect(frame).toContain("web1's export already allows the new slave(s): not connected to");
		app.stdin.write(KEY.enter);
		await waitForFrame(app, () => onRerun.mock.calls.length > 0);
		const web9 = {name: 'web9', address: '192.0.2.19', user: 'root', port: 22};
		expect(onRerun.mock.calls).toEqual([[{kind: 'add-slave', pack: savedPack, hosts: [web9], newHosts: [web9]}]]);
	});

	test('Esc on the picker returns to the menu', async () => {
		const {app} = renderWizard({hosts: KNOWN, packs: [savedPack]});
		await waitForFrame(app, shown => shown.includes('aegir-pack: Start'));
		await press(app, KEY.down);
		await press(app, KEY.enter);
		app.stdin.write(KEY.escape);
		const frame = await waitForFrame(app, shown => shown.includes('aegir-pack: Start'));
		expect(frame).toContain('❯ Create a new pack');
	});
});

describe('remove a slave from the menu', () => {
	test('pick the slave, review what leaves and what stays, Confirm hands over the request', async () => {
		const {app, onRerun} = renderWizard({hosts: KNOWN, packs: [savedPack]});
		await waitForFrame(app, shown => shown.includes('aegir-pack: Start'));
		await press(app, KEY.down);
		await press(app, KEY.down);
		let frame = await press(app, KEY.enter);
		expect(frame).toContain('Remove a slave from pack.example.com');
		expect(frame).toMatch(/❯ web2 +root@192\.0\.2\.12:22/);
		frame = await press(app, KEY.enter);
		expect(frame).toContain('Remove web2 from pack pack.example.com');
		expect(frame).toContain('web2: leaves the pack: unmount /var/aegir/platforms, remove its fstab entry');
		expect(frame).toContain('web1: untouched (not connected to)');
		expect(frame).toContain('the export on web1 stays as it is');
		expect(overflow(frame, 80, 23)).toEqual([]);
		app.stdin.write(KEY.enter);
		await waitForFrame(app, () => onRerun.mock.calls.length > 0);
		expect(onRerun.mock.calls).toEqual([[{kind: 'remove-slave', pack: savedPack, host: 'web2'}]]);
	});
});

describe('startAt: the CLI commands open the wizard at their flow', () => {
	test('add-slave with hosts opens its review directly; Back goes to the picker with them ticked', async () => {
		const {app, onRerun} = renderWizard({hosts: KNOWN, packs: [savedPack], startAt: {kind: 'add-slave', pack: savedPack.name, hosts: ['web3']}});
		let frame = await waitForFrame(app, shown => shown.includes('Add web3 to pack pack.example.com'));
		expect(frame).toContain('web1, web2: untouched (not connected to)');
		frame = await press(app, KEY.escape);
		expect(frame).toContain('1 ticked: web3');
		expect(onRerun).not.toHaveBeenCalled();
	});

	test('--yes confirms the review once', async () => {
		const {app, onRerun} = renderWizard(
			{hosts: KNOWN, packs: [savedPack], startAt: {kind: 'add-slave', pack: savedPack.name, hosts: ['web3']}},
			{flags: {yes: true}},
		);
		await waitForFrame(app, () => onRerun.mock.calls.length > 0);
		// A later key that moves the focus: once its frame is drawn, the review has re-rendered after confirming.
		expect(await press(app, KEY.right)).toContain('[Back]');
		expect(onRerun.mock.calls).toEqual([[{kind: 'add-slave', pack: savedPack, hosts: [web3], newHosts: []}]]);
	});

	test('remove-slave naming the NFS server: the review says why, and offers no Confirm even with --yes', async () => {
		const {app, onRerun} = renderWizard(
			{hosts: KNOWN, packs: [savedPack], startAt: {kind: 'remove-slave', pack: savedPack.name, host: 'web1'}},
			{flags: {yes: true}},
		);
		const frame = await waitForFrame(app, shown => shown.includes('Remove web1 from pack pack.example.com'));
		expect(frame).toContain('web1 is the master of pack pack.example.com');
		expect(frame).not.toContain('Confirm');
		expect(frame).toContain('[Back]');
		expect(onRerun).not.toHaveBeenCalled();
	});
});
