import {expect, test} from 'vitest';
import {PackStore} from '../../../source/pack/store.js';
import {KEY, press, type, waitForFrame} from '../helpers/keys.js';
import {HOSTS} from './fixtures.js';
import {renderWizard} from './render.js';

test('"Add a host…" from the master step: the form adds the host, the list comes back with it chosen, confirm saves it', async () => {
	const {app, dir, onDone} = renderWizard({hosts: HOSTS, packs: []}, {flags: {name: 'pack.example.com'}});
	let frame = await waitForFrame(app, shown => shown.includes('Pick the master'));
	expect(frame).toContain('+ Add a host…');
	// Up from the first entry wraps to the last one, "Add a host…".
	await press(app, KEY.up);
	frame = await press(app, KEY.enter);
	expect(frame).toContain('Add a host');
	expect(frame).toContain('back to the master list');

	await type(app, 'web9');
	frame = await press(app, KEY.enter);
	expect(frame).toMatch(/> Address/);
	await type(app, '192.0.2.19');
	await press(app, KEY.enter);
	await type(app, 'deploy');
	frame = await press(app, KEY.enter);
	expect(frame).toMatch(/> SSH port/);
	frame = await press(app, KEY.enter);
	expect(frame).toContain('Pick the master');
	expect(frame).toMatch(/❯ web9 +deploy@192\.0\.2\.19:22/);
	// Not saved yet: only a confirmed pack saves its new hosts.
	expect(new PackStore({dir}).listHosts()).toEqual([]);

	frame = await press(app, KEY.enter);
	expect(frame).toContain('Tick the slaves');
	await press(app, KEY.space);
	await waitForFrame(app, shown => shown.includes('1 ticked: web1'));
	await press(app, KEY.enter);
	await press(app, KEY.enter);
	await press(app, KEY.enter);
	frame = await press(app, KEY.enter);
	expect(frame).toContain('Review pack');
	expect(frame).toMatch(/master \+ NFS\s+web9\s+192\.0\.2\.19/);
	app.stdin.write(KEY.enter);
	await waitForFrame(app, () => onDone.mock.calls.length > 0);
	expect(new PackStore({dir}).listHosts()).toEqual([{name: 'web9', address: '192.0.2.19', user: 'deploy', port: 22}]);
});

test('"Add a host…" from the slaves step ticks the new host; Esc cancels the form without adding', async () => {
	const {app} = renderWizard({hosts: HOSTS, packs: []}, {flags: {name: 'pack.example.com', master: 'web1'}});
	await waitForFrame(app, shown => shown.includes('Tick the slaves'));
	// The list (web2, web3, storage, then "Add a host…") does not wrap.
	for (let i = 0; i < 3; i++) await press(app, KEY.down);
	await press(app, KEY.space);
	let frame = await press(app, KEY.enter);
	expect(frame).toContain('Add a host');
	await type(app, 'web8');
	frame = await press(app, KEY.escape);
	expect(frame).toContain('Tick the slaves');
	expect(frame).not.toContain('web8');

	for (let i = 0; i < 3; i++) await press(app, KEY.down);
	await press(app, KEY.space);
	await press(app, KEY.enter);
	await type(app, 'web8');
	await press(app, KEY.tab);
	await type(app, 'web8.example.com');
	await press(app, KEY.down);
	await press(app, KEY.down);
	frame = await press(app, KEY.enter);
	expect(frame).toContain('Tick the slaves');
	expect(frame).toMatch(/web8 +root@web8\.example\.com:22 ✔/);
	expect(frame).toContain('1 ticked: web8');
});
