import {describe, expect, test} from 'vitest';
import {PackStore} from '../../../source/pack/store.js';
import type {Pack} from '../../../source/pack/types.js';
import {KEY, overflow, press, type, waitForFrame} from '../helpers/keys.js';
import {aegirOldPack, aegirPack, aegirSavedPack, aegirWeb5, aegirWeb6} from './aegir-fixtures.js';
import {HOSTS, savedPack} from './fixtures.js';
import {renderWizard} from './render.js';
import {trustedPackForTests} from '../../pack/trusted-pack.js';

const aegir = (problems: string[] = []) => ({servers: [aegirWeb5, aegirWeb6, aegirOldPack, aegirSavedPack], problems});
const SKIPPED = ['/var/aegir/.drush/server_x.alias.drushrc.php: is not valid UTF-8 text', '/var/aegir/.drush/server_y.alias.drushrc.php: truncated'];

/** Dim notes wrap onto indented rows: read them as one line each. */
const unwrapped = (frame: string) => frame.replaceAll('\n  ', ' ');

/** The rows of a list (selected or not), without the marker. */
const rows = (frame: string) => frame.split('\n').filter(line => /^(❯| ) /.test(line)).map(line => line.slice(2).trimEnd());

describe("the wizard with Aegir's servers at 80x24", () => {
	test('the master picker lists Aegir web servers first, marked; the picked one is saved as a new host on confirm', async () => {
		const {app, dir, onDone} = renderWizard({hosts: HOSTS, packs: [], aegir: aegir(SKIPPED)});
		let frame = await waitForFrame(app, shown => shown.includes('Name the pack'));
		expect(frame).toContain('! 2 Aegir alias files skipped: see --aegir-home');
		expect(unwrapped(frame)).toContain(
			'server_oldexamplecom: registered in Aegir, not saved here (masters web5.example.com, slaves 192.0.2.16, server_gone)',
		);
		expect(overflow(frame, 80, 23)).toEqual([]);

		await type(app, 'new.example.com');
		frame = await press(app, KEY.enter);
		expect(frame).toContain('Pick the master');
		expect(frame).not.toContain('alias files skipped');
		expect(rows(frame).slice(0, 3)).toEqual([
			'web5.example.com  root@web5.example.com:22  Aegir',
			'aegir-1920216     root@192.0.2.16:22        Aegir',
			'web1              root@192.0.2.11:22',
		]);
		expect(overflow(frame, 80, 23)).toEqual([]);

		// Master web5 (Aegir), no slave, the master as NFS server, then a subnet typed for it.
		frame = await press(app, KEY.enter);
		expect(frame).toContain('Tick the slaves');
		// The mark column clears the longest row (web3's port 2222).
		expect(rows(frame)[0]).toBe('aegir-1920216  root@192.0.2.16:22    Aegir');
		expect(overflow(frame, 80, 23)).toEqual([]);
		frame = await press(app, KEY.enter);
		expect(frame).toContain('Pick the NFS server');
		expect(rows(frame)[1]).toMatch(/^aegir-1920216 +root@192\.0\.2\.16:22 +\(not a web head\) +Aegir$/);
		expect(overflow(frame, 80, 23)).toEqual([]);
		frame = await press(app, KEY.enter);
		expect(frame).toContain('Export path and subnets');
		await press(app, KEY.enter);
		await type(app, '192.0.2.0/24');
		frame = await press(app, KEY.enter);
		// A public (documentation) /24: exporting to it is asked about first.
		expect(frame).toContain('Export that wide?');
		frame = await press(app, 'y');
		expect(frame).toContain('Review pack new.example.com');
		app.stdin.write(KEY.enter);
		await waitForFrame(app, () => onDone.mock.calls.length > 0);

		const web5 = {name: 'web5.example.com', address: 'web5.example.com', port: 22, user: 'root'};
		expect(onDone.mock.calls[0]?.[0]).toMatchObject({master: web5, slaves: []});
		// Only the Aegir server the pack uses is saved.
		expect(new PackStore({dir}).listHosts()).toEqual([web5]);
	});

	test('the start screen marks the saved pack Aegir has, lists the one it has not, and warns once about skipped files', async () => {
		const packs: Pack[] = [savedPack, trustedPackForTests({...savedPack, name: 'pack2.example.com'}), trustedPackForTests({...savedPack, name: 'pack3.example.com'})];
		const {app} = renderWizard({hosts: HOSTS, packs, aegir: aegir(SKIPPED)});
		const frame = await waitForFrame(app, shown => shown.includes('aegir-pack: Start'));
		expect(overflow(frame, 80, 23)).toEqual([]);
		expect(frame).toContain('! 2 Aegir alias files skipped: see --aegir-home');
		const list = rows(frame);
		expect(list[0]).toBe('Create a new pack');
		expect(list[1]).toBe('pack.example.com   Add a slave              already registered in Aegir');
		expect(list.find(row => row.startsWith('pack2.example.com'))).toBe('pack2.example.com  Add a slave');
		expect(frame).toContain('entries; scroll with Up/Down');
		expect(unwrapped(frame)).toMatch(/^server_oldexamplecom: registered in Aegir, not saved here \(masters web5\.example\.com, slaves/m);
	});

	test('without saved packs, the name screen lists Aegir packs and warns when the typed name is one of them', async () => {
		const {app} = renderWizard({hosts: HOSTS, packs: [], aegir: aegir()});
		let frame = await waitForFrame(app, shown => shown.includes('Name the pack'));
		expect(frame).not.toContain('aegir-pack: Start');
		expect(frame).not.toContain('skipped');
		expect(frame).toContain('server_oldexamplecom: registered in Aegir, not saved here');
		// The saved-pack fixture is not saved here: Aegir's pack of that name is listed too.
		expect(unwrapped(frame)).toContain('server_packexamplecom: registered in Aegir, not saved here (masters server_web1, slaves server_web2)');
		frame = await type(app, 'old.example.com');
		expect(frame).toContain('! server_oldexamplecom is already a pack in Aegir');
		expect(overflow(frame, 80, 23)).toEqual([]);
		frame = await press(app, KEY.backspace);
		expect(frame).not.toContain('is already a pack in Aegir');
	});

	test('the add-slave picker offers Aegir web servers first, marked', async () => {
		const {app, onRerun} = renderWizard({hosts: HOSTS, packs: [savedPack], aegir: aegir()});
		await waitForFrame(app, shown => shown.includes('aegir-pack: Start'));
		await press(app, KEY.down);
		let frame = await press(app, KEY.enter);
		expect(frame).toContain('Add a slave to pack.example.com');
		expect(rows(frame).slice(0, 3)).toEqual([
			'web5.example.com  root@web5.example.com:22  Aegir',
			'aegir-1920216     root@192.0.2.16:22        Aegir',
			'web3              root@192.0.2.13:2222',
		]);
		expect(overflow(frame, 80, 23)).toEqual([]);
		await press(app, KEY.down);
		await press(app, KEY.space);
		frame = await waitForFrame(app, shown => shown.includes('1 ticked: aegir-1920216'));
		expect(frame).toMatch(/aegir-1920216 +root@192\.0\.2\.16:22 +Aegir ✔/);
		app.stdin.write(KEY.enter);
		await waitForFrame(app, shown => shown.includes('Confirm'));
		app.stdin.write(KEY.enter);
		await waitForFrame(app, () => onRerun.mock.calls.length > 0);
		const added = {name: 'aegir-1920216', address: '192.0.2.16', port: 22, user: 'root'};
		expect(onRerun.mock.calls[0]?.[0]).toMatchObject({kind: 'add-slave', hosts: [added], newHosts: [added]});
	});

	test('five saved packs and six Aegir packs not saved here: the start screen still fits 80x24', async () => {
		const packs: Pack[] = Array.from({length: 5}, (_, i) => trustedPackForTests({...savedPack, name: `pack${i + 1}.example.com`}));
		const others = Array.from({length: 6}, (_, i) => aegirPack(`other${i + 1}.example.com`, ['server_web1'], ['server_web2', 'server_web3']));
		const {app} = renderWizard({hosts: HOSTS, packs, aegir: {servers: others, problems: SKIPPED}});
		const frame = await waitForFrame(app, shown => shown.includes('aegir-pack: Start'));
		expect(overflow(frame, 80, 23)).toEqual([]);
		expect(frame).toContain('31 entries; scroll with Up/Down');
		expect(frame).toContain('server_other1examplecom: registered in Aegir');
		expect(frame).toContain('… and 5 more registered in Aegir, not saved here');
		expect(rows(frame).length).toBeGreaterThanOrEqual(10);
	});
});
