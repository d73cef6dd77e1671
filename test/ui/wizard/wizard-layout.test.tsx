import {describe, expect, test} from 'vitest';
import type {Host} from '../../../source/pack/types.js';
import {KEY, overflow, press, waitForFrame} from '../helpers/keys.js';
import {host} from './fixtures.js';
import {renderWizard} from './render.js';

const many: Host[] = Array.from({length: 30}, (_, i) => host(`web${i + 1}`, `192.0.2.${i + 11}`));

describe('every screen fits 80x24 (23 rows used, one spare), long lists scroll', () => {
	test('30 hosts: master, slaves, NFS server lists scroll within the screen', async () => {
		const {app} = renderWizard({hosts: many, packs: []}, {flags: {name: 'pack.example.com'}});
		let frame = await waitForFrame(app, shown => shown.includes('Pick the master'));
		expect(overflow(frame, 80, 23)).toEqual([]);
		expect(frame).toContain('30 hosts; scroll with Up/Down');
		frame = await press(app, KEY.enter);
		expect(frame).toContain('Tick the slaves');
		expect(overflow(frame, 80, 23)).toEqual([]);
		for (let i = 0; i < 20; i++) frame = await press(app, KEY.down);
		expect(frame).toMatch(/❯ web22/);
		expect(overflow(frame, 80, 23)).toEqual([]);
		await press(app, KEY.space);
		frame = await press(app, KEY.enter);
		expect(frame).toContain('Pick the NFS server');
		expect(overflow(frame, 80, 23)).toEqual([]);
	});

	test('a review of 12 hosts scrolls its host table and keeps the files, warnings and choice visible', async () => {
		const slaves = many.slice(1, 12).map(h => h.name);
		const {app} = renderWizard(
			{hosts: many, packs: []},
			{flags: {name: 'pack.example.com', master: 'web1', slave: slaves, nfsServer: 'master', subnet: ['192.0.2.0/24']}},
		);
		let frame = await waitForFrame(app, shown => shown.includes('Review pack'));
		expect(overflow(frame, 80, 23)).toEqual([]);
		expect(frame).toMatch(/hosts 1-\d+ of 12; Up\/Down to scroll/);
		expect(frame).toContain('single point of failure');
		expect(frame).toContain('[Confirm]');
		frame = await press(app, KEY.down);
		expect(frame).toMatch(/hosts 2-\d+ of 12/);
	});

	test('the add-host form with every field in error still fits', async () => {
		const {app} = renderWizard({hosts: many, packs: []}, {flags: {name: 'pack.example.com'}});
		await waitForFrame(app, shown => shown.includes('Pick the master'));
		await press(app, KEY.up);
		await press(app, KEY.enter);
		for (let i = 0; i < 3; i++) await press(app, KEY.down);
		const frame = await press(app, KEY.enter);
		expect(frame).toMatch(/^x .*empty/m);
		expect(overflow(frame, 80, 23)).toEqual([]);
	});
});
