// "Details…" on the review hands the unsaved pack (and the answers) to the
// caller for a dry run; the wizard then comes back on the same review.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, test, vi} from 'vitest';
import {PackStore} from '../../../source/pack/store.js';
import type {Pack} from '../../../source/pack/types.js';
import {presetFromFlags} from '../../../source/ui/wizard/preset.js';
import type {WizardState} from '../../../source/ui/wizard/types.js';
import {Wizard} from '../../../source/ui/wizard/wizard.js';
import {KEY, press, waitForFrame} from '../helpers/keys.js';
import {HOSTS, noFlags} from './fixtures.js';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});

const flags = {...noFlags, name: 'pack.example.com', master: 'web1', slave: ['web2'], nfsServer: 'master', subnet: ['192.0.2.0/24']};

function renderWithDetails(resume?: WizardState) {
	const dir = mkdtempSync(join(tmpdir(), 'aegir-pack-details-'));
	dirs.push(dir);
	const onDetails = vi.fn<(pack: Pack, state: WizardState) => void>();
	const noop = () => undefined;
	const app = render(
		<Wizard
			init={{hosts: HOSTS, packs: [], preset: presetFromFlags(flags, HOSTS)}}
			{...(resume ? {resume} : {})}
			store={new PackStore({dir})}
			onDone={noop}
			onQuit={noop}
			onCancel={noop}
			onDetails={onDetails}
			size={{columns: 80, rows: 24}}
		/>,
	);
	return {app, dir, onDetails};
}

describe('Details… on the review', () => {
	test('hands over the unsaved pack and the answers, and saves nothing', async () => {
		const {app, dir, onDetails} = renderWithDetails();
		let frame = await waitForFrame(app, f => f.includes('Review pack'));
		expect(frame).toContain('Details…');
		frame = await press(app, KEY.right);
		expect(frame).toMatch(/\[Details…\]/);
		app.stdin.write(KEY.enter);
		await waitForFrame(app, () => onDetails.mock.calls.length > 0);
		const [pack, state] = onDetails.mock.calls[0]!;
		expect(pack).toMatchObject({name: 'pack.example.com', master: {name: 'web1'}, slaves: [{name: 'web2'}], subnets: ['192.0.2.0/24']});
		expect(state.step).toBe('review');
		expect(new PackStore({dir}).listPacks()).toEqual([]);
		app.unmount();
	});

	test('coming back with the answers opens the same review', async () => {
		const first = renderWithDetails();
		await waitForFrame(first.app, f => f.includes('Review pack'));
		await press(first.app, KEY.right);
		first.app.stdin.write(KEY.enter);
		await waitForFrame(first.app, () => first.onDetails.mock.calls.length > 0);
		const state = first.onDetails.mock.calls[0]![1];
		first.app.unmount();

		const again = renderWithDetails(state);
		const frame = await waitForFrame(again.app, f => f.includes('Review pack pack.example.com'));
		expect(frame).toContain('web2');
		expect(frame).toContain('/var/aegir/platforms 192.0.2.0/24(rw,sync,no_subtree_check)');
		again.app.unmount();
	});
});
