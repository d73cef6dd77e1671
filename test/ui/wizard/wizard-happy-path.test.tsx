import {describe, expect, test} from 'vitest';
import {KEY, overflow, press, type, waitForFrame} from '../helpers/keys.js';
import {PackStore} from '../../../source/pack/store.js';
import {HOSTS, savedPack, web1, web2, web3} from './fixtures.js';
import {renderWizard} from './render.js';
import {trustedPackForTests} from '../../pack/trusted-pack.js';

describe('the wizard by keys', () => {
	test('happy path: name, master, two slaves, master as NFS server, proposed subnet, confirm saves the pack', async () => {
		const {app, dir, onDone, onQuit} = renderWizard({hosts: HOSTS, packs: []});
		const frames: string[] = [];
		frames.push(await waitForFrame(app, frame => frame.includes('Name the pack')));

		frames.push(await type(app, 'pack.example.com'));
		expect(frames.at(-1)).toContain('Aegir context: server_packexamplecom');

		let frame = await press(app, KEY.enter);
		expect(frame).toContain('Pick the master');
		expect(frame).toContain('❯ web1');
		frames.push(frame);

		frame = await press(app, KEY.enter);
		expect(frame).toContain('Tick the slaves');
		expect(frame).not.toMatch(/web1 +root@/);
		expect(frame).toContain('No slave ticked');
		frames.push(frame);
		// The tick shows first; the count follows once the wizard state has it.
		await press(app, KEY.space);
		await waitForFrame(app, shown => shown.includes('1 ticked: web2'));
		await press(app, KEY.down);
		await press(app, KEY.space);
		frame = await waitForFrame(app, shown => shown.includes('2 ticked: web2, web3'));
		frames.push(frame);

		frame = await press(app, KEY.enter);
		expect(frame).toContain('Pick the NFS server');
		expect(frame).toContain('❯ The master, web1 (recommended)');
		frames.push(frame);

		frame = await press(app, KEY.enter);
		expect(frame).toContain('Export path and subnets');
		expect(frame).toContain('/var/aegir/platforms');
		expect(frame).toContain('192.0.2.12/32, 192.0.2.13/32');
		expect(frame).toContain('NFS clients: web2 192.0.2.12, web3 192.0.2.13');
		frames.push(frame);
		await press(app, KEY.enter);
		frame = await press(app, KEY.enter);
		expect(frame).toContain('Review pack pack.example.com');
		expect(frame).toMatch(/master \+ NFS\s+web1\s+192\.0\.2\.11/);
		expect(frame).toMatch(/slave\s+web3\s+192\.0\.2\.13/);
		expect(frame).toContain('/var/aegir/platforms 192.0.2.12/32(rw,sync,no_subtree_check)');
		expect(frame).toContain('/var/aegir/platforms 192.0.2.13/32(rw,sync,no_subtree_check)');
		expect(frame.replaceAll('\n', ' ')).toMatch(/192\.0\.2\.11:\/var\/aegir\/platforms \/var\/aegir\/platforms nfs rw,hard,_netdev,nofail,nosuid,nodev\s+0 0/);
		expect(frame).toContain('web1 is a single point of failure');
		expect(frame).toContain('same UID/GID on every host');
		expect(frame).toContain('Confirm');
		frames.push(frame);

		// Nothing is saved before the review is confirmed.
		expect(new PackStore({dir}).listPacks()).toEqual([]);
		app.stdin.write(KEY.enter);
		await waitForFrame(app, () => onDone.mock.calls.length > 0);

		const pack = onDone.mock.calls[0]?.[0];
		expect(pack).toMatchObject({name: 'pack.example.com', master: web1, slaves: [web2, web3], nfsServer: web1, subnets: ['192.0.2.12/32', '192.0.2.13/32']});
		expect(new PackStore({dir}).getPack('pack.example.com')).toEqual(pack);
		expect(onQuit).not.toHaveBeenCalled();
		for (const shown of frames) expect(overflow(shown, 80, 23)).toEqual([]);
	});

	test('Ctrl-C on any screen quits at once and saves nothing', async () => {
		const {app, dir, onQuit, onDone} = renderWizard({hosts: HOSTS, packs: []});
		await waitForFrame(app, frame => frame.includes('Name the pack'));
		await type(app, 'pack.example.com');
		await press(app, KEY.enter);
		app.stdin.write(KEY.ctrlC);
		await waitForFrame(app, () => onQuit.mock.calls.length > 0);
		expect(onDone).not.toHaveBeenCalled();
		expect(new PackStore({dir}).listPacks()).toEqual([]);
		expect(new PackStore({dir}).listHosts()).toEqual([]);
	});

	test('Cancel on the review leaves without saving', async () => {
		const {app, dir, onCancel, onDone} = renderWizard(
			{hosts: HOSTS, packs: []},
			{flags: {name: 'pack.example.com', master: 'web1', slave: ['web2'], nfsServer: 'master', subnet: ['192.0.2.0/24']}},
		);
		await waitForFrame(app, frame => frame.includes('Review pack'));
		await press(app, KEY.right);
		const frame = await press(app, KEY.right);
		expect(frame).toContain('Cancel');
		app.stdin.write(KEY.enter);
		await waitForFrame(app, () => onCancel.mock.calls.length > 0);
		expect(onDone).not.toHaveBeenCalled();
		expect(new PackStore({dir}).listPacks()).toEqual([]);
	});

	test('"Re-apply" on a saved pack opens it in the review; Confirm saves it again unchanged', async () => {
		const {app, store, onDone} = renderWizard({hosts: HOSTS, packs: []});
		void app;
		// The shared saved pack, as the wizard saves one: without a record of earlier applies.
		const {record, ...fields} = savedPack;
		void record;
		const saved = trustedPackForTests(fields);
		store.savePack(saved);
		app.unmount();
		const second = renderWizard({hosts: HOSTS, packs: [saved]});
		let frame = await waitForFrame(second.app, f => f.includes('Start'));
		expect(frame).toContain('Create a new pack');
		expect(frame).toMatch(/pack\.example\.com +Re-apply/);
		// Re-apply is the pack's fifth entry, after "Create a new pack".
		for (let i = 0; i < 5; i++) frame = await press(second.app, KEY.down);
		expect(frame).toMatch(/❯ pack\.example\.com +Re-apply/);
		frame = await press(second.app, KEY.enter);
		expect(frame).toContain('Review pack pack.example.com');
		// Its 192.0.2.0/24 is a public (documentation) network: Confirm asks about it first (consent is never saved).
		frame = await press(second.app, KEY.enter);
		expect(frame).toContain('192.0.2.0/24 lets 256 addresses mount');
		second.app.stdin.write('y');
		await waitForFrame(second.app, () => second.onDone.mock.calls.length > 0);
		expect(second.onDone.mock.calls[0]?.[0]).toEqual(saved);
		expect(onDone).not.toHaveBeenCalled();
	});
});
