import {describe, expect, test} from 'vitest';
import {presetFromFlags, type WizardFlags} from '../../../source/ui/wizard/preset.js';
import {addHostProblems, draftPack, reviewProblems, sharedNetworkOffer, subnetsText, unconsentedWideSubnets, wideQuestionLines} from '../../../source/ui/wizard/selectors.js';
import {initState, wizardReducer} from '../../../source/ui/wizard/wizard-reducer.js';
import type {WizardAction, WizardState} from '../../../source/ui/wizard/types.js';
import {HOSTS, noFlags, savedPack, storage, web1, web2, web3} from './fixtures.js';

const run = (state: WizardState, ...actions: WizardAction[]) => actions.reduce(wizardReducer, state);
const fresh = () => initState({hosts: HOSTS, packs: []});

/** A state answered up to the review: pack.example.com, web1 master + NFS, web2 and web3 slaves. */
function answered(): WizardState {
	return run(
		fresh(),
		{type: 'set-name', value: 'pack.example.com'},
		{type: 'submit-name'},
		{type: 'choose-master', name: 'web1'},
		{type: 'tick-slaves', names: ['web2', 'web3']},
		{type: 'submit-slaves'},
		{type: 'choose-nfs', choice: {kind: 'master'}},
		{type: 'submit-export'},
		{type: 'submit-export'},
	);
}

describe('wizard state: forward through the steps', () => {
	test('starts at the name step when no pack is saved, at the start menu when one is', () => {
		expect(fresh().step).toBe('name');
		expect(initState({hosts: HOSTS, packs: [savedPack]}).step).toBe('start');
	});

	test('an answered run reaches the review with the pack it describes', () => {
		const state = answered();
		expect(state.step).toBe('review');
		expect(reviewProblems(state)).toEqual([]);
		expect(draftPack(state)).toEqual({
			name: 'pack.example.com',
			master: web1,
			slaves: [web2, web3],
			nfsServer: web1,
			exportPath: '/var/aegir/platforms',
			// The proposal: the NFS clients' own addresses (web2 .12, web3 .13), nothing else.
			subnets: ['192.0.2.12/32', '192.0.2.13/32'],
			exportOptions: 'rw,sync,no_subtree_check',
			mountOptions: 'rw,hard,_netdev,nofail',
		});
	});

	test('the subnets field proposes each NFS client\'s address until the user types', () => {
		const state = run(answered(), {type: 'back'});
		expect(state.step).toBe('export');
		expect(subnetsText(state)).toBe('192.0.2.12/32, 192.0.2.13/32');
		// Changing the slaves changes the proposal while it was not typed over.
		const onlyWeb2 = run(answered(), {type: 'edit-step', step: 'slaves'}, {type: 'tick-slaves', names: ['web2']});
		expect(subnetsText(onlyWeb2)).toBe('192.0.2.12/32');
		const typed = run(
			state,
			{type: 'set-subnets', value: '192.0.2.0/24'},
			{type: 'focus-export', field: 'subnets'},
			{type: 'submit-export'},
			// 192.0.2.0/24 is a public (documentation) network: exporting to it is asked about.
			{type: 'answer-wide-export', yes: true},
			{type: 'edit-step', step: 'slaves'},
			{type: 'tick-slaves', names: ['web2']},
		);
		expect(subnetsText(typed)).toBe('192.0.2.0/24');
	});

	test('actions from a screen that is no longer shown are ignored (keys read in one batch)', () => {
		const atSlaves = run(fresh(), {type: 'set-name', value: 'pack.example.com'}, {type: 'submit-name'}, {type: 'choose-master', name: 'web1'});
		expect(atSlaves.step).toBe('slaves');
		// A second Enter on the master list, a name keystroke, an Edit: none belongs to the slaves screen.
		expect(run(atSlaves, {type: 'choose-master', name: 'web2'})).toBe(atSlaves);
		expect(run(atSlaves, {type: 'set-name', value: 'x'})).toBe(atSlaves);
		expect(run(atSlaves, {type: 'edit-step', step: 'name'})).toBe(atSlaves);
		expect(run(atSlaves, {type: 'open-add-host', returnTo: 'master'})).toBe(atSlaves);
		expect(run(atSlaves, {type: 'submit-add-host'})).toBe(atSlaves);
		const withForm = run(atSlaves, {type: 'open-add-host', returnTo: 'slaves'});
		expect(run(withForm, {type: 'submit-slaves'})).toBe(withForm);
	});

	test('an invalid name keeps the name step and marks it tried', () => {
		const empty = run(fresh(), {type: 'submit-name'});
		expect(empty.step).toBe('name');
		expect(empty.tried).toContain('name');
		const bad = run(fresh(), {type: 'set-name', value: 'pack;rm -rf /'}, {type: 'submit-name'});
		expect(bad.step).toBe('name');
	});

	test('Enter on the export path moves to the subnets field; a client outside the subnets blocks the step', () => {
		let state = run(answered(), {type: 'back'});
		expect(state.exportFocus).toBe('path');
		state = run(state, {type: 'submit-export'});
		expect(state.exportFocus).toBe('subnets');
		state = run(state, {type: 'set-subnets', value: '198.51.100.0/24'}, {type: 'submit-export'});
		expect(state.step).toBe('export');
		expect(state.tried).toContain('export');
		expect(reviewProblems(state).map(p => p.message).join('\n')).toMatch(/web2 .*outside/);
	});

	test('a bad export path blocks Enter on the path field', () => {
		const state = run(answered(), {type: 'back'}, {type: 'set-export-path', value: 'var/aegir'}, {type: 'submit-export'});
		expect(state.exportFocus).toBe('path');
		expect(state.tried).toContain('export');
	});

	test('choosing a slave as master drops it from the slaves, and a host NFS server that becomes master is "the master"', () => {
		let state = run(answered(), {type: 'edit-step', step: 'nfsServer'}, {type: 'choose-nfs', choice: {kind: 'host', name: 'web2'}});
		expect(draftPack(state)?.nfsServer).toEqual(web2);
		state = run(state, {type: 'edit-step', step: 'master'}, {type: 'choose-master', name: 'web2'});
		expect(state.answers.slaves).toEqual(['web3']);
		expect(state.answers.nfsServer).toEqual({kind: 'master'});
	});

	test('a separate storage host can be the NFS server', () => {
		const state = run(answered(), {type: 'edit-step', step: 'nfsServer'}, {type: 'choose-nfs', choice: {kind: 'host', name: 'storage'}});
		expect(state.step).toBe('review');
		const pack = draftPack(state);
		expect(pack?.nfsServer).toEqual(storage);
		expect(pack?.master).toEqual(web1);
	});
});

describe('wizard state: Esc goes back one step and keeps the answers', () => {
	test('from the review back to the name, every answer is still there', () => {
		let state = answered();
		const answers = state.answers;
		const seen: string[] = [];
		for (let i = 0; i < 5; i++) {
			state = run(state, {type: 'back'});
			seen.push(state.step);
			expect(state.answers).toEqual(answers);
		}
		expect(seen).toEqual(['export', 'nfsServer', 'slaves', 'master', 'name']);
		// The first step has nothing before it.
		expect(run(state, {type: 'back'})).toBe(state);
	});

	test('back from the name goes to the start menu when packs are saved', () => {
		const state = run(initState({hosts: HOSTS, packs: [savedPack]}), {type: 'start-new'});
		expect(state.step).toBe('name');
		expect(run(state, {type: 'back'}).step).toBe('start');
	});

	test('Esc closes the add-host form and the review edit menu before leaving a step', () => {
		const withForm = run(fresh(), {type: 'set-name', value: 'p.example.com'}, {type: 'submit-name'}, {type: 'open-add-host', returnTo: 'master'});
		const closed = run(withForm, {type: 'back'});
		expect(closed.addHost).toBeUndefined();
		expect(closed.step).toBe('master');
		const editing = run(answered(), {type: 'open-edit'});
		expect(run(editing, {type: 'back'})).toMatchObject({step: 'review', review: {mode: 'choose'}});
	});
});

describe('wizard state: add a host', () => {
	const toMaster = () => run(fresh(), {type: 'set-name', value: 'pack.example.com'}, {type: 'submit-name'});
	const fill = (state: WizardState, values: Record<string, string>) =>
		run(
			state,
			...Object.entries(values).map(([field, value]) => ({type: 'set-add-host', field, value}) as WizardAction),
		);

	test('from the master list: Enter walks the fields, the last Enter adds the host and chooses it', () => {
		let state = run(toMaster(), {type: 'open-add-host', returnTo: 'master'});
		state = fill(state, {name: 'web9', address: '192.0.2.19'});
		state = run(state, {type: 'submit-add-host'}, {type: 'submit-add-host'}, {type: 'submit-add-host'});
		expect(state.addHost?.focus).toBe('port');
		state = run(state, {type: 'submit-add-host'});
		expect(state.addHost).toBeUndefined();
		expect(state.step).toBe('master');
		expect(state.answers.master).toBe('web9');
		expect(state.hosts.at(-1)).toEqual({name: 'web9', address: '192.0.2.19', user: 'root', port: 22});
		expect(state.newHosts).toEqual(['web9']);
	});

	test('a field with a problem keeps the focus; the last Enter with problems marks every field tried', () => {
		let state = run(toMaster(), {type: 'open-add-host', returnTo: 'master'});
		state = fill(state, {name: 'web1'});
		state = run(state, {type: 'submit-add-host'});
		expect(state.addHost).toMatchObject({focus: 'name', tried: ['name']});
		state = fill(state, {name: 'web9', port: 'x'});
		state = run(state, {type: 'focus-add-host', field: 'port'}, {type: 'submit-add-host'});
		expect(state.addHost?.tried).toEqual(['name', 'address', 'user', 'port']);
		expect(state.addHost && addHostProblems(state.addHost, state.hosts).find(p => p.formField === 'port')?.message).toBe(
			'x is not a port number; use 1 to 65535',
		);
		expect(state.addHost?.focus).toBe('address');
		expect(state.hosts).toHaveLength(HOSTS.length);
	});

	test('from the slaves it is ticked, from the NFS step it is chosen', () => {
		const atSlaves = run(toMaster(), {type: 'choose-master', name: 'web1'}, {type: 'tick-slaves', names: ['web2']});
		let state = run(atSlaves, {type: 'open-add-host', returnTo: 'slaves'});
		state = fill(state, {name: 'web9', address: 'web9.example.com', user: 'deploy', port: '2200'});
		state = run(state, {type: 'focus-add-host', field: 'port'}, {type: 'submit-add-host'});
		expect(state.step).toBe('slaves');
		expect(state.answers.slaves).toEqual(['web2', 'web9']);
		state = run(state, {type: 'submit-slaves'}, {type: 'open-add-host', returnTo: 'nfsServer'});
		state = fill(state, {name: 'nas', address: '192.0.2.60'});
		state = run(state, {type: 'focus-add-host', field: 'port'}, {type: 'submit-add-host'});
		expect(state.answers.nfsServer).toEqual({kind: 'host', name: 'nas'});
		expect(state.newHosts).toEqual(['web9', 'nas']);
	});
});

describe('wizard state: review, edit and saved packs', () => {
	test('Edit returns to the chosen step, and Enter there comes straight back to the review', () => {
		let state = run(answered(), {type: 'open-edit'}, {type: 'edit-step', step: 'name'});
		expect(state.step).toBe('name');
		state = run(state, {type: 'set-name', value: 'other.example.com'}, {type: 'submit-name'});
		expect(state.step).toBe('review');
		expect(draftPack(state)?.name).toBe('other.example.com');
	});

	test('an edit that leaves a new slave outside the subnets goes to the export step, then back to the review', () => {
		const opened = run(initState({hosts: HOSTS, packs: [savedPack]}), {type: 'open-pack', name: 'pack.example.com'});
		let state = run(opened, {type: 'open-edit'}, {type: 'edit-step', step: 'slaves'}, {type: 'open-add-host', returnTo: 'slaves'});
		for (const [field, value] of [['name', 'web9'], ['address', '198.51.100.9']] as const) {
			state = run(state, {type: 'set-add-host', field, value});
		}
		state = run(state, {type: 'focus-add-host', field: 'port'}, {type: 'submit-add-host'}, {type: 'submit-slaves'});
		expect(state.step).toBe('export');
		expect(state.returnToReview).toBe(true);
		state = run(
			state,
			{type: 'set-subnets', value: '192.0.2.0/24, 198.51.100.9/32'},
			{type: 'focus-export', field: 'subnets'},
			{type: 'submit-export'},
			{type: 'answer-wide-export', yes: true},
		);
		expect(state.step).toBe('review');
		expect(reviewProblems(state)).toEqual([]);
		expect(draftPack(state)?.slaves.map(h => h.name)).toEqual(['web2', 'web9']);
	});

	test('"Add a slave to" a saved pack opens it in the review, keeping its options and record', () => {
		const state = run(initState({hosts: HOSTS, packs: [savedPack]}), {type: 'open-pack', name: 'pack.example.com'});
		expect(state.step).toBe('review');
		expect(draftPack(state)).toEqual(savedPack);
		expect(reviewProblems(state)).toEqual([]);
	});

	test('"Create a new pack" after opening a saved one starts from empty answers again', () => {
		const start = initState({hosts: HOSTS, packs: [savedPack]});
		const state = run(start, {type: 'open-pack', name: 'pack.example.com'}, {type: 'back'}, {type: 'back'}, {type: 'back'}, {type: 'back'}, {type: 'back'}, {type: 'back'});
		expect(state.step).toBe('start');
		const again = run(state, {type: 'start-new'});
		expect(again.answers.name).toBe('');
		expect(again.base).toBeUndefined();
	});

	test('a save failure is shown on the review', () => {
		const state = run(answered(), {type: 'save-failed', message: 'Not saved: disk full'});
		expect(state.review.error).toBe('Not saved: disk full');
	});
});

describe('wizard state: flags', () => {
	const preset = (flags: Partial<WizardFlags>) => presetFromFlags({...noFlags, ...flags}, HOSTS);

	test('valid flags skip their steps (and the start menu)', () => {
		const state = initState({
			hosts: HOSTS,
			packs: [savedPack],
			preset: preset({name: 'new.example.com', master: 'web1', slave: ['web2']}),
		});
		expect(state.step).toBe('nfsServer');
		expect(state.answers).toMatchObject({name: 'new.example.com', master: 'web1', slaves: ['web2']});
	});

	test('every answer as a flag goes straight to the review', () => {
		const state = initState({
			hosts: HOSTS,
			packs: [],
			preset: preset({name: 'p.example.com', master: 'web1', slave: ['web2'], nfsServer: 'master', subnet: ['192.0.2.0/24'], yes: true}),
		});
		expect(state.step).toBe('review');
		expect(state.autoConfirm).toBe(true);
		expect(reviewProblems(state)).toEqual([]);
	});

	test('a bad flag value re-opens its step with the reason', () => {
		const state = initState({hosts: HOSTS, packs: [], preset: preset({name: 'p.example.com', master: 'web7'})});
		expect(state.step).toBe('master');
		expect(state.flagErrors.master?.[0]).toMatch(/--master web7: no host named web7/);
		// Answered on screen, the refusal goes away.
		expect(run(state, {type: 'choose-master', name: 'web1'}, {type: 'back'}).flagErrors.master).toBeUndefined();
	});

	test('a --subnet that leaves a client outside re-opens the export step', () => {
		const state = initState({
			hosts: HOSTS,
			packs: [],
			preset: preset({name: 'p.example.com', master: 'web1', slave: ['web2'], nfsServer: 'master', subnet: ['198.51.100.0/24']}),
		});
		expect(state.step).toBe('export');
		expect(state.flagErrors.export?.join('\n')).toMatch(/web2 .*outside/);
	});

	test('going back into a step a flag answered shows it, with the flag answer chosen', () => {
		const state = initState({hosts: HOSTS, packs: [], preset: preset({name: 'p.example.com', master: 'web3'})});
		expect(state.step).toBe('slaves');
		const back = run(state, {type: 'back'});
		expect(back.step).toBe('master');
		expect(back.answers.master).toBe('web3');
		expect(run(back, {type: 'back'}).step).toBe('name');
	});
});

describe('wizard state: exports no wider than the pack', () => {
	const lan = [web1, {...web2, address: '10.0.5.11'}, {...web3, address: '10.0.5.12'}];
	const atExport = (hosts = HOSTS) =>
		run(
			initState({hosts, packs: []}),
			{type: 'set-name', value: 'pack.example.com'},
			{type: 'submit-name'},
			{type: 'choose-master', name: 'web1'},
			{type: 'tick-slaves', names: ['web2', 'web3']},
			{type: 'submit-slaves'},
			{type: 'choose-nfs', choice: {kind: 'master'}},
		);

	test('clients on a small private network: their network is offered, and used only when picked', () => {
		const state = atExport(lan);
		expect(subnetsText(state)).toBe('10.0.5.11/32, 10.0.5.12/32');
		expect(sharedNetworkOffer(state)).toBe('10.0.5.8/29');
		const picked = run(state, {type: 'pick-subnet-proposal', choice: 'network'});
		expect(subnetsText(picked)).toBe('10.0.5.8/29');
		expect(subnetsText(run(picked, {type: 'pick-subnet-proposal', choice: 'per-client'}))).toBe('10.0.5.11/32, 10.0.5.12/32');
		// Public addresses: no network is offered.
		expect(sharedNetworkOffer(atExport())).toBeUndefined();
	});

	test('a subnet wider than /24 is asked about with its size; no goes back to the field, yes goes on', () => {
		let state = run(atExport(lan), {type: 'set-subnets', value: '10.0.0.0/16'}, {type: 'focus-export', field: 'subnets'}, {type: 'submit-export'});
		expect(state.step).toBe('export');
		expect(state.wideQuestion?.subnets).toEqual(['10.0.0.0/16']);
		expect(wideQuestionLines(state).join('\n')).toContain('10.0.0.0/16 lets 65,536 addresses mount /var/aegir/platforms');
		state = run(state, {type: 'answer-wide-export', yes: false});
		expect(state.step).toBe('export');
		expect(state.wideQuestion).toBeUndefined();
		expect(state.exportFocus).toBe('subnets');
		state = run(state, {type: 'submit-export'}, {type: 'answer-wide-export', yes: true});
		expect(state.step).toBe('review');
		expect(state.answers.wideConsent).toEqual(['10.0.0.0/16']);
		expect(reviewProblems(state)).toEqual([]);
	});

	test('a narrow private subnet is not asked about', () => {
		const state = run(atExport(lan), {type: 'set-subnets', value: '10.0.5.0/24'}, {type: 'focus-export', field: 'subnets'}, {type: 'submit-export'});
		expect(state.step).toBe('review');
		expect(state.wideQuestion).toBeUndefined();
	});

	test('Esc on the question is a no', () => {
		const asked = run(atExport(lan), {type: 'set-subnets', value: '10.0.0.0/16'}, {type: 'focus-export', field: 'subnets'}, {type: 'submit-export'});
		const back = run(asked, {type: 'back'});
		expect(back.step).toBe('export');
		expect(back.wideQuestion).toBeUndefined();
	});

	test('a saved pack exporting to a public /24 is asked about again before it is confirmed', () => {
		const opened = run(initState({hosts: HOSTS, packs: [savedPack]}), {type: 'open-pack', name: 'pack.example.com'});
		expect(unconsentedWideSubnets(opened).map(width => width.cidr)).toEqual(['192.0.2.0/24']);
		const asked = run(opened, {type: 'ask-wide-export'});
		expect(asked.wideQuestion).toEqual({subnets: ['192.0.2.0/24'], then: 'confirm'});
		expect(run(asked, {type: 'answer-wide-export', yes: false}).review.confirmRequested).toBeUndefined();
		const yes = run(asked, {type: 'answer-wide-export', yes: true});
		expect(yes.review.confirmRequested).toBe(true);
		expect(unconsentedWideSubnets(yes)).toEqual([]);
	});

	test('--allow-wide-export is the consent for the --subnet values given', () => {
		const flags = {...noFlags, name: 'p.example.com', master: 'web1', slave: ['web2'], nfsServer: 'master', subnet: ['192.0.2.0/24']};
		const without = initState({hosts: HOSTS, packs: [], preset: presetFromFlags(flags, HOSTS)});
		expect(unconsentedWideSubnets(without).map(width => width.cidr)).toEqual(['192.0.2.0/24']);
		const withFlag = initState({hosts: HOSTS, packs: [], preset: presetFromFlags({...flags, allowWideExport: true}, HOSTS)});
		expect(unconsentedWideSubnets(withFlag)).toEqual([]);
	});
});
