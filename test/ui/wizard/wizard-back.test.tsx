import {expect, test} from 'vitest';
import {KEY, press, pressIgnored, type, waitForFrame} from '../helpers/keys.js';
import {HOSTS} from './fixtures.js';
import {renderWizard} from './render.js';

test('Esc from every step goes back one step with every answer kept, and Enter walks forward again', async () => {
	const {app, onDone} = renderWizard({hosts: HOSTS, packs: []});
	await waitForFrame(app, frame => frame.includes('Name the pack'));
	await type(app, 'pack.example.com');
	await press(app, KEY.enter);
	// Master: web3 (third in the list).
	await press(app, KEY.down);
	await press(app, KEY.down);
	await press(app, KEY.enter);
	// Slaves: web2 ticked (list is web1, web2, storage).
	await press(app, KEY.down);
	await press(app, KEY.space);
	await waitForFrame(app, frame => frame.includes('1 ticked: web2'));
	await press(app, KEY.enter);
	// NFS server: storage (list: master, web1, web2, storage).
	await press(app, KEY.down);
	await press(app, KEY.down);
	await press(app, KEY.down);
	let frame = await press(app, KEY.enter);
	expect(frame).toContain('Export path and subnets');
	// Export: a typed subnet.
	await press(app, KEY.enter);
	// The proposal (each client's address) cleared. Deleting the space alone draws the same frame:
	// a Tab away and back (each redraws) shows it was handled.
	const proposal = '192.0.2.13/32, 192.0.2.12/32';
	for (let i = proposal.length - 1; i >= 0; i--) {
		if (proposal[i] === ' ') {
			await pressIgnored(app, KEY.backspace, KEY.tab);
			await press(app, KEY.tab);
		} else {
			await press(app, KEY.backspace);
		}
	}
	frame = await type(app, '192.0.2.0/24');
	expect(frame).not.toContain('proposed');
	frame = await press(app, KEY.enter);
	// A public (documentation) /24: exporting to it is asked about first.
	expect(frame).toContain('Export that wide?');
	frame = await press(app, 'y');
	expect(frame).toContain('Review pack pack.example.com');

	// Back through every step: each shows its answer.
	frame = await press(app, KEY.escape);
	expect(frame).toContain('Export path and subnets');
	expect(frame).toMatch(/Export path\s+\/var\/aegir\/platforms/);
	expect(frame).toMatch(/NFS subnets\s+192\.0\.2\.0\/24/);

	frame = await press(app, KEY.escape);
	expect(frame).toContain('Pick the NFS server');
	expect(frame).toMatch(/❯ storage/);

	frame = await press(app, KEY.escape);
	expect(frame).toContain('Tick the slaves');
	expect(frame).toMatch(/web2 .*✔/);
	expect(frame).toContain('1 ticked: web2');

	frame = await press(app, KEY.escape);
	expect(frame).toContain('Pick the master');
	expect(frame).toMatch(/❯ web3/);

	frame = await press(app, KEY.escape);
	expect(frame).toContain('Name the pack');
	expect(frame).toContain('Pack name: pack.example.com');

	// And forward again with Enter only: same answers, same review.
	for (const title of ['Pick the master', 'Tick the slaves', 'Pick the NFS server', 'Export path and subnets']) {
		frame = await press(app, KEY.enter);
		expect(frame).toContain(title);
	}
	await press(app, KEY.enter);
	frame = await press(app, KEY.enter);
	expect(frame).toContain('Review pack pack.example.com');
	app.stdin.write(KEY.enter);
	await waitForFrame(app, () => onDone.mock.calls.length > 0);
	expect(onDone.mock.calls[0]?.[0]).toMatchObject({
		name: 'pack.example.com',
		master: {name: 'web3'},
		slaves: [{name: 'web2'}],
		nfsServer: {name: 'storage'},
		subnets: ['192.0.2.0/24'],
	});
});

test('Edit on the review returns to the chosen step and Enter comes back to the review', async () => {
	const {app} = renderWizard(
		{hosts: HOSTS, packs: []},
		{flags: {name: 'pack.example.com', master: 'web1', slave: ['web2'], nfsServer: 'master', subnet: ['192.0.2.0/24']}},
	);
	await waitForFrame(app, frame => frame.includes('Review pack'));
	await press(app, KEY.right);
	let frame = await press(app, KEY.enter);
	expect(frame).toContain('Return to which step?');
	frame = await press(app, KEY.escape);
	expect(frame).toContain('[Confirm]');
	await press(app, KEY.right);
	await press(app, KEY.enter);
	frame = await press(app, KEY.enter);
	expect(frame).toContain('Name the pack');
	await press(app, KEY.backspace);
	await press(app, KEY.backspace);
	await press(app, KEY.backspace);
	frame = await type(app, 'net');
	frame = await press(app, KEY.enter);
	expect(frame).toContain('Review pack pack.example.net');
});
