import {describe, expect, test} from 'vitest';
import {PackStore} from '../../../source/pack/store.js';
import type {Pack} from '../../../source/pack/types.js';
import {trustedPackForTests} from '../../pack/trusted-pack.js';
import {KEY, overflow, press, type, waitForFrame} from '../helpers/keys.js';
import {far, HOSTS, savedPack} from './fixtures.js';
import {renderWizard} from './render.js';

const packs = (count: number): Pack[] =>
	Array.from({length: count}, (_, i) => trustedPackForTests({...savedPack, name: i === 0 ? savedPack.name : `pack${i + 1}.example.com`}));

describe('the start menu', () => {
	// Six entries per pack since "Export to Ansible" (issue 14): two packs show whole, three scroll (next test).
	test('2 saved packs at 80x24: "Create a new pack" first, then every pack entry, all within 23 rows', async () => {
		const {app} = renderWizard({hosts: HOSTS, packs: packs(2)});
		const frame = await waitForFrame(app, shown => shown.includes('aegir-pack: Start'));
		expect(overflow(frame, 80, 23)).toEqual([]);
		const rows = frame.split('\n').filter(line => /^(❯| ) /.test(line)).map(line => line.slice(2).trimEnd());
		expect(rows[0]).toBe('Create a new pack');
		expect(rows).toHaveLength(13);
		expect(rows.slice(1, 7)).toEqual([
			'pack.example.com   Add a slave',
			'pack.example.com   Remove a slave',
			'pack.example.com   Check health',
			'pack.example.com   Change subnet / options',
			'pack.example.com   Re-apply',
			'pack.example.com   Export to Ansible',
		]);
		expect(rows.at(-1)).toBe('pack2.example.com  Export to Ansible');
	});

	test('more packs than rows: the list scrolls within 80x24 to the last pack', async () => {
		const {app} = renderWizard({hosts: HOSTS, packs: packs(5)});
		let frame = await waitForFrame(app, shown => shown.includes('aegir-pack: Start'));
		expect(frame).toContain('31 entries; scroll with Up/Down');
		expect(overflow(frame, 80, 23)).toEqual([]);
		frame = await press(app, KEY.up);
		expect(frame).toMatch(/❯ pack5\.example\.com +Export to Ansible/);
		expect(frame).not.toMatch(/^. Create a new pack$/m);
		expect(overflow(frame, 80, 23)).toEqual([]);
	});

	test('Check health hands the status request over at once', async () => {
		const {app, onRerun, onDone} = renderWizard({hosts: HOSTS, packs: packs(2)});
		await waitForFrame(app, shown => shown.includes('aegir-pack: Start'));
		for (let i = 0; i < 3; i++) await press(app, KEY.down);
		app.stdin.write(KEY.enter);
		await waitForFrame(app, () => onRerun.mock.calls.length > 0);
		expect(onRerun.mock.calls).toEqual([[{kind: 'status', pack: savedPack}]]);
		expect(onDone).not.toHaveBeenCalled();
	});

	test('Export to Ansible hands the export request over at once (issue 14)', async () => {
		const {app, onRerun, onDone} = renderWizard({hosts: HOSTS, packs: packs(2)});
		await waitForFrame(app, shown => shown.includes('aegir-pack: Start'));
		for (let i = 0; i < 6; i++) await press(app, KEY.down);
		app.stdin.write(KEY.enter);
		await waitForFrame(app, () => onRerun.mock.calls.length > 0);
		expect(onRerun.mock.calls).toEqual([[{kind: 'export-ansible', pack: savedPack}]]);
		expect(onDone).not.toHaveBeenCalled();
	});

	test('Change subnet / options: export screen, then the review; Confirm re-saves the pack with its record', async () => {
		const {app, dir, onDone, onRerun} = renderWizard({hosts: [...HOSTS, far], packs: [savedPack]});
		await waitForFrame(app, shown => shown.includes('aegir-pack: Start'));
		for (let i = 0; i < 4; i++) await press(app, KEY.down);
		let frame = await press(app, KEY.enter);
		expect(frame).toContain('Export path and subnets');
		expect(frame).toContain('192.0.2.0/24');
		expect(overflow(frame, 80, 23)).toEqual([]);
		await press(app, KEY.enter);
		await press(app, KEY.backspace);
		await press(app, KEY.backspace);
		await type(app, '25');
		frame = await press(app, KEY.enter);
		// A public (documentation) /25: exporting to it is asked about first.
		expect(frame).toContain('192.0.2.0/25 lets 128 addresses mount');
		frame = await press(app, 'y');
		expect(frame).toContain('Review pack pack.example.com');
		expect(frame).toContain('/var/aegir/platforms 192.0.2.0/25(rw,sync,no_subtree_check)');
		app.stdin.write(KEY.enter);
		await waitForFrame(app, () => onDone.mock.calls.length > 0);
		const expected = {...savedPack, subnets: ['192.0.2.0/25']};
		expect(onDone.mock.calls[0]?.[0]).toEqual(expected);
		// The record of earlier applies is kept in the store, not dropped by the re-save.
		expect(new PackStore({dir}).getPack(savedPack.name)).toEqual(expected);
		expect(onRerun).not.toHaveBeenCalled();
	});
});
