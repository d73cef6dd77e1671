import {expect, test} from 'vitest';
import {KEY, press, pressIgnored, type, waitForFrame} from '../helpers/keys.js';
import {HOSTS} from './fixtures.js';
import {renderWizard} from './render.js';

test('the pack name is checked as it is typed, and a bad one blocks Enter', async () => {
	const {app} = renderWizard({hosts: HOSTS, packs: []});
	let frame = await waitForFrame(app, shown => shown.includes('Name the pack'));
	expect(frame).not.toMatch(/^x /m);
	// Enter on an empty name says why instead of moving on.
	frame = await press(app, KEY.enter);
	expect(frame).toContain('Name the pack');
	expect(frame).toMatch(/^x .*empty/m);

	frame = await type(app, 'pack;x');
	expect(frame).toMatch(/^x .*';'/m);
	// Enter is ignored: the Backspace after it still edits the name.
	frame = await pressIgnored(app, KEY.enter, KEY.backspace);
	expect(frame).toContain('Name the pack');
	expect(frame).toContain('pack;');

	frame = await press(app, KEY.backspace);
	expect(frame).not.toMatch(/^x /m);
	frame = await press(app, KEY.enter);
	expect(frame).toContain('Pick the master');
});

test('the export step shows a bad path and a client outside the subnets inline, and Enter stays put', async () => {
	const {app} = renderWizard({hosts: HOSTS, packs: []}, {flags: {name: 'pack.example.com', master: 'web1', slave: ['web2'], nfsServer: 'master'}});
	let frame = await waitForFrame(app, shown => shown.includes('Export path and subnets'));
	expect(frame).toContain('192.0.2.12/32');
	expect(frame).not.toMatch(/^x /m);

	frame = await type(app, '/');
	expect(frame).toMatch(/^x .*trailing '\/'/m);
	frame = await pressIgnored(app, KEY.enter, KEY.backspace);
	expect(frame).toMatch(/> Export path/);
	expect(frame).not.toMatch(/^x /m);

	await press(app, KEY.tab);
	for (let i = 0; i < '192.0.2.12/32'.length; i++) await press(app, KEY.backspace);
	frame = await type(app, '198.51.100.0/24');
	expect(frame).toMatch(/^x NFS client web2 \(192\.0\.2\.12\) is outside/m);
	frame = await pressIgnored(app, KEY.enter, KEY.backspace);
	expect(frame).toContain('Export path and subnets');
	expect(frame).toContain('198.51.100.0/2');

	for (let i = 1; i < '198.51.100.0/24'.length; i++) await press(app, KEY.backspace);
	frame = await type(app, '10.1');
	expect(frame).toMatch(/^x .*10\.1/m);
	for (let i = 0; i < 4; i++) await press(app, KEY.backspace);
	await type(app, '192.0.2.0/24');
	frame = await press(app, KEY.enter);
	// A public (documentation) /24: exporting to it is asked about first.
	expect(frame).toContain('Export that wide?');
	frame = await press(app, 'y');
	expect(frame).toContain('Review pack');
});

test('the add-host form shows each field\'s problem under it and refuses to add', async () => {
	const {app} = renderWizard({hosts: HOSTS, packs: []}, {flags: {name: 'pack.example.com'}});
	await waitForFrame(app, shown => shown.includes('Pick the master'));
	await press(app, KEY.up);
	await press(app, KEY.enter);
	let frame = await type(app, 'web1');
	expect(frame).toMatch(/^x a host named web1 already exists/m);
	frame = await pressIgnored(app, KEY.enter, KEY.backspace);
	expect(frame).toMatch(/> Name/);
	await type(app, '9');
	await press(app, KEY.enter);
	frame = await type(app, '300.1.1.1');
	expect(frame).toMatch(/^x .*300/m);
	await press(app, KEY.down);
	await press(app, KEY.down);
	frame = await type(app, '70000');
	expect(frame).toMatch(/^x must be a whole number from 1 to 65535/m);
	frame = await press(app, KEY.enter);
	// Refused: the focus goes to the first bad field and nothing is added.
	expect(frame).toMatch(/> Address/);
	expect(frame).toContain('Add a host');
});
