import {describe, expect, test} from 'vitest';
import {
	aegirSkippedWarning,
	nameAegirWarning,
	noteRows,
	registeredPackNames,
	unsavedAegirPacks,
} from '../../../source/ui/wizard/aegir-notes.js';
import {AEGIR_MARK, hostRows} from '../../../source/ui/wizard/host-label.js';
import {menuItems} from '../../../source/ui/wizard/menu.js';
import {plainWizard} from '../../../source/ui/wizard/plain-wizard.js';
import {presetFromFlags} from '../../../source/ui/wizard/preset.js';
import {savePackWithHosts} from '../../../source/ui/wizard/save.js';
import {draftPack} from '../../../source/ui/wizard/selectors.js';
import {initState, wizardReducer} from '../../../source/ui/wizard/wizard-reducer.js';
import type {WizardAction, WizardInit, WizardState} from '../../../source/ui/wizard/types.js';
import {aegirOldPack, aegirSavedPack, aegirServer, aegirWeb5, aegirWeb6} from './aegir-fixtures.js';
import {HOSTS, host, noFlags, savedPack, web1} from './fixtures.js';
import {trustedPackForTests} from '../../pack/trusted-pack.js';

const run = (state: WizardState, ...actions: WizardAction[]) => actions.reduce(wizardReducer, state);
const SERVERS = [aegirWeb5, aegirWeb6, aegirOldPack, aegirSavedPack];
const withAegir = (init: Omit<WizardInit, 'aegir'>, problems: string[] = []) =>
	initState({...init, aegir: {servers: SERVERS, problems}});

describe('wizard state with Aegir', () => {
	test("Aegir's web servers lead the hosts and are new hosts; known hosts are not", () => {
		const state = withAegir({hosts: HOSTS, packs: []});
		expect(state.hosts.map(h => h.name)).toEqual(['web5.example.com', 'aegir-1920216', 'web1', 'web2', 'web3', 'storage']);
		expect(state.aegir.hosts).toEqual(['web5.example.com', 'aegir-1920216']);
		expect(state.newHosts).toEqual(['web5.example.com', 'aegir-1920216']);
	});

	test('a --host with an Aegir server\'s address stands for it: new once, marked, with the flag\'s user and port', () => {
		const flags = {...noFlags, host: ['w5=admin@web5.example.com:2222']};
		const state = initState({hosts: HOSTS, packs: [], preset: presetFromFlags(flags, HOSTS), aegir: {servers: [aegirWeb5], problems: []}});
		expect(state.hosts[0]).toEqual({name: 'w5', address: 'web5.example.com', port: 2222, user: 'admin'});
		expect(state.aegir.hosts).toEqual(['w5']);
		expect(state.newHosts).toEqual(['w5']);
	});

	test('an Aegir host picked as master is saved with the pack on confirm, like an added host', () => {
		const state = run(
			withAegir({hosts: HOSTS, packs: []}),
			{type: 'set-name', value: 'new.example.com'},
			{type: 'submit-name'},
			{type: 'choose-master', name: 'web5.example.com'},
		);
		const pack = draftPack(state);
		expect(pack?.master).toEqual({name: 'web5.example.com', address: 'web5.example.com', port: 22, user: 'root'});
		const saved: string[] = [];
		savePackWithHosts({saveHost: h => saved.push(h.name), savePack: () => saved.push('pack')}, trustedPackForTests(pack!), state.hosts.filter(h => state.newHosts.includes(h.name)));
		// The other Aegir server was not used: it is not saved.
		expect(saved).toEqual(['web5.example.com', 'pack']);
	});

	test('flags may name Aegir servers as the pickers do; without a terminal the one used is a new host', () => {
		// 192.0.2.0/24 is a public (documentation) network: without a terminal it needs the consent flag.
		const flags = {...noFlags, name: 'new.example.com', master: 'web5.example.com', slave: ['aegir-1920216'], subnet: ['192.0.2.0/24'], yes: true, allowWideExport: true};
		expect(presetFromFlags(flags, HOSTS).errors.map(error => error.flag)).toEqual(['--master', '--slave']);
		expect(presetFromFlags(flags, HOSTS, SERVERS).errors).toEqual([]);
		const outcome = plainWizard(flags, HOSTS, {servers: SERVERS, problems: []});
		expect(outcome.kind).toBe('accepted');
		if (outcome.kind !== 'accepted') return;
		expect(outcome.pack.master).toEqual({name: 'web5.example.com', address: 'web5.example.com', port: 22, user: 'root'});
		expect(outcome.newHosts.map(h => h.name)).toEqual(['web5.example.com', 'aegir-1920216']);
	});

	test('no Aegir: nothing marked, nothing new', () => {
		const state = initState({hosts: HOSTS, packs: []});
		expect(state.aegir).toEqual({servers: [], hosts: [], problems: [], warnAt: 'name'});
		expect(state.newHosts).toEqual([]);
	});
});

describe('what the start and name screens say about Aegir', () => {
	test('a saved pack whose context Aegir has as a pack is registered; Aegir packs not saved are listed with member names', () => {
		const state = withAegir({hosts: HOSTS, packs: [savedPack]});
		expect(registeredPackNames(state)).toEqual(['pack.example.com']);
		expect(unsavedAegirPacks(state)).toEqual([
			'server_oldexamplecom: registered in Aegir, not saved here (masters web5.example.com, slaves 192.0.2.16, server_gone)',
		]);
	});

	test('a context that is a web server, not a pack, does not count as registered', () => {
		const state = initState({hosts: HOSTS, packs: [savedPack], aegir: {servers: [aegirServer('pack.example.com')], problems: []}});
		expect(registeredPackNames(state)).toEqual([]);
		expect(unsavedAegirPacks(state)).toEqual([]);
	});

	test('the name screen warns when the typed name is already a pack in Aegir, not for the saved pack being edited', () => {
		let state = run(withAegir({hosts: HOSTS, packs: []}), {type: 'set-name', value: 'old.example.com'});
		expect(nameAegirWarning(state)).toBe(
			'server_oldexamplecom is already a pack in Aegir (masters web5.example.com, slaves 192.0.2.16, server_gone): registering this pack replaces its members',
		);
		state = run(state, {type: 'set-name', value: 'old.example.co'});
		expect(nameAegirWarning(state)).toBeUndefined();

		const opened = run(withAegir({hosts: HOSTS, packs: [savedPack]}), {type: 'open-pack', name: savedPack.name}, {type: 'open-edit'}, {type: 'edit-step', step: 'name'});
		expect(opened.step).toBe('name');
		expect(nameAegirWarning(opened)).toBeUndefined();
	});

	test('skipped alias files: one warning, on the first screen only, singular for one', () => {
		const problems = ['/var/aegir/.drush/server_a.alias.drushrc.php: is not valid UTF-8 text', '/var/aegir/.drush/server_b.alias.drushrc.php: truncated'];
		const state = withAegir({hosts: HOSTS, packs: [savedPack]}, problems);
		expect(state.step).toBe('start');
		expect(aegirSkippedWarning(state)).toEqual(['2 Aegir alias files skipped: see --aegir-home']);
		expect(aegirSkippedWarning(run(state, {type: 'start-new'}))).toEqual([]);
		const one = withAegir({hosts: HOSTS, packs: []}, problems.slice(0, 1));
		expect(one.step).toBe('name');
		expect(aegirSkippedWarning(one)).toEqual(['1 Aegir alias file skipped: see --aegir-home']);
	});

	test('notes wrap onto at most two rows each, and a last row counts the notes that do not fit', () => {
		const more = (count: number) => `… and ${count} more`;
		expect(noteRows(['short', 'one two three four'], 12, 5, more)).toEqual(['short', 'one two', '  three four']);
		expect(noteRows(['one two three four five six seven eight nine'], 12, 5, more)).toEqual(['one two', '  three fou…']);
		expect(noteRows(['a', 'b', 'c', 'd'], 12, 3, more)).toEqual(['a', 'b', '… and 2 more']);
		expect(noteRows(['a', 'b', 'c'], 12, 3, more)).toEqual(['a', 'b', 'c']);
	});

	test('servers left out of the pickers count as skipped too', () => {
		const state = initState({hosts: [], packs: [], aegir: {servers: [aegirServer('web 7', {context: 'server_web7'})], problems: []}});
		expect(aegirSkippedWarning(state)).toEqual(['1 Aegir alias file skipped: see --aegir-home']);
	});
});

describe('rows that carry a mark', () => {
	test('picker rows: the Aegir mark in one column, unmarked rows as before', () => {
		const rows = hostRows([host('web5.example.com', 'web5.example.com'), web1], 76, ['web5.example.com']);
		expect(rows.map(row => row.label + row.mark)).toEqual([
			'web5.example.com  root@web5.example.com:22  Aegir',
			'web1              root@192.0.2.11:22',
		]);
		expect(hostRows([web1], 76)).toEqual([{host: web1, label: 'web1  root@192.0.2.11:22', mark: ''}]);
	});

	test('a long row gives way to the mark: it is never cut', () => {
		const long = host('a-very-long-host-name.example.com', 'a-very-long-host-name.with-a-long-domain.example.com');
		const [row] = hostRows([long], 40, [long.name]);
		expect((row!.label + row!.mark).length).toBe(40);
		expect(row!.label.endsWith('…')).toBe(true);
		expect(row!.mark).toBe(`  ${AEGIR_MARK}`);
	});

	test('menu rows of a registered pack end with the mark, within the width', () => {
		const long = trustedPackForTests({...savedPack, name: 'a-rather-long-pack-name.example.com'});
		const items = menuItems([savedPack, long], 76, [savedPack.name, long.name]);
		expect(items[1]).toMatchObject({label: 'pack.example.com        Add a slave            ', note: '  already registered in Aegir'});
		for (const item of items) expect(item.label.length + (item.note?.length ?? 0)).toBeLessThanOrEqual(76);
		expect(menuItems([savedPack], 76, [])[1]).toEqual({label: 'pack.example.com  Add a slave', value: {kind: 'add-slave', pack: savedPack.name}});
	});
});
