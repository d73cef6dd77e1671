import {expect, test} from 'vitest';
import {PackStore} from '../../../source/pack/store.js';
import {KEY, press, waitForFrame} from '../helpers/keys.js';
import {HOSTS, savedPack} from './fixtures.js';
import {renderWizard} from './render.js';

test('flags skip their steps: --name and --master open on the slaves, even with saved packs', async () => {
	const {app} = renderWizard({hosts: HOSTS, packs: [savedPack]}, {flags: {name: 'new.example.com', master: 'web1'}});
	const frame = await waitForFrame(app, shown => shown.includes('Tick the slaves'));
	expect(frame).not.toMatch(/^x /m);
	// Esc still reaches the steps the flags answered, showing their answers.
	expect(await press(app, KEY.escape)).toMatch(/❯ web1/);
	expect(await press(app, KEY.escape)).toContain('Pack name: new.example.com');
});

test('a bad flag value re-opens its step with the reason', async () => {
	const {app} = renderWizard({hosts: HOSTS, packs: []}, {flags: {name: 'pack.example.com', master: 'web7', subnet: ['10.1']}});
	let frame = await waitForFrame(app, shown => shown.includes('Pick the master'));
	expect(frame).toMatch(/^x --master web7: no host named web7/m);
	await press(app, KEY.enter);
	await press(app, KEY.enter);
	frame = await press(app, KEY.enter);
	expect(frame).toContain('Export path and subnets');
	expect(frame).toMatch(/^x --subnet 10\.1: /m);
});

test('every answer as a flag with --yes saves the pack without a key pressed', async () => {
	const {dir, onDone} = renderWizard(
		{hosts: HOSTS, packs: []},
		// A public (documentation) /24: --allow-wide-export is the consent that lets --yes save without a key.
		{flags: {name: 'pack.example.com', master: 'web1', slave: ['web2'], nfsServer: 'master', subnet: ['192.0.2.0/24'], yes: true, allowWideExport: true}},
	);
	await waitForFrame({lastFrame: () => String(onDone.mock.calls.length)}, calls => calls === '1');
	expect(new PackStore({dir}).getPack('pack.example.com')).toMatchObject({master: {name: 'web1'}, subnets: ['192.0.2.0/24']});
});

test('--yes does not accept a review with problems: it stays on the screen that needs an answer', async () => {
	const {app, onDone} = renderWizard({hosts: HOSTS, packs: []}, {flags: {name: 'pack.example.com', yes: true}});
	await waitForFrame(app, shown => shown.includes('Pick the master'));
	expect(onDone).not.toHaveBeenCalled();
});
