import {describe, expect, test} from 'vitest';
import type {Host} from '../../../source/pack/types.js';
import {wrapText} from '../../../source/ui/wizard/wrap-text.js';
import {KEY, overflow, press, waitForFrame} from '../helpers/keys.js';
import {host, HOSTS, savedPack} from './fixtures.js';
import {renderWizard} from './render.js';

const remote: Host[] = Array.from({length: 6}, (_, i) => host(`remote${i + 1}`, `198.51.100.${i + 21}`));

describe('re-run review layout at 80x24', () => {
	test('six hosts outside the subnets: the review scrolls its lines and diff, the choice stays visible', async () => {
		const {app} = renderWizard({
			hosts: [...HOSTS, ...remote],
			packs: [savedPack],
			startAt: {kind: 'add-slave', pack: savedPack.name, hosts: remote.map(h => h.name)},
		});
		let frame = await waitForFrame(app, shown => shown.includes('Add 6 slaves to pack pack.example.com'));
		expect(overflow(frame, 80, 23)).toEqual([]);
		expect(frame).toMatch(/lines 1-\d+ of \d+; Up\/Down to scroll/);
		expect(frame).toContain('[Confirm]');
		expect(frame).toContain('remote1: new slave');
		// Down until the last line shows ("lines a-N of N").
		for (let i = 0; i < 40 && !/lines \d+-(\d+) of \1;/.test(frame); i++) frame = await press(app, KEY.down);
		expect(frame).toMatch(/lines \d+-(\d+) of \1;/);
		expect(frame).toContain('+/var/aegir/platforms 198.51.100.26/32(rw,sync,no_subtree_check)');
		expect(frame).toContain('[Confirm]');
		expect(overflow(frame, 80, 23)).toEqual([]);
	});
});

describe('wrapText', () => {
	test('breaks at spaces within the width, indenting continuation rows; long words are cut', () => {
		expect(wrapText('short', 10)).toEqual(['short']);
		expect(wrapText('one two three four', 9, '  ')).toEqual(['one two', '  three', '  four']);
		expect(wrapText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
		for (const row of wrapText('the export on web1 is widened to 198.51.100.7/32: only its exports drop-in changes', 30, '  ')) {
			expect(row.length).toBeLessThanOrEqual(30);
		}
	});
});
