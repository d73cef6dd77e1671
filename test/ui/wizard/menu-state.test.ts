import {describe, expect, test} from 'vitest';
import type {Pack} from '../../../source/pack/types.js';
import {trustedPackForTests} from '../../pack/trusted-pack.js';
import {menuAction, menuItems} from '../../../source/ui/wizard/menu.js';
import {presetFromFlags} from '../../../source/ui/wizard/preset.js';
import {addCandidates, healthRequest, outsideSubnets, rerunRequest, rerunReviewOf} from '../../../source/ui/wizard/rerun-selectors.js';
import {draftPack} from '../../../source/ui/wizard/selectors.js';
import {initState, wizardReducer} from '../../../source/ui/wizard/wizard-reducer.js';
import type {WizardAction, WizardInit, WizardState} from '../../../source/ui/wizard/types.js';
import {far, HOSTS, noFlags, savedPack, web3} from './fixtures.js';

const run = (state: WizardState, ...actions: WizardAction[]) => actions.reduce(wizardReducer, state);
const ALL = [...HOSTS, far];
const atMenu = (init: Partial<WizardInit> = {}) => initState({hosts: ALL, packs: [savedPack], ...init});
const NAME = savedPack.name;

describe('start menu entries', () => {
	test('"Create a new pack" first, then six entries per saved pack, each naming its pack', () => {
		const other: Pack = trustedPackForTests({...savedPack, name: 'other.example.com'});
		const items = menuItems([savedPack, other], 76);
		expect(items[0]).toEqual({label: 'Create a new pack', value: {kind: 'new'}});
		expect(items).toHaveLength(13);
		expect(items.slice(1, 7).map(item => item.label)).toEqual([
			'pack.example.com   Add a slave',
			'pack.example.com   Remove a slave',
			'pack.example.com   Check health',
			'pack.example.com   Change subnet / options',
			'pack.example.com   Re-apply',
			'pack.example.com   Export to Ansible',
		]);
		expect(items[7]?.value).toEqual({kind: 'add-slave', pack: 'other.example.com'});
		for (const item of items) expect(item.label.length).toBeLessThanOrEqual(76);
	});

	test('Add a slave opens the add picker with no tick, offering only hosts not in the pack', () => {
		const state = run(atMenu(), menuAction({kind: 'add-slave', pack: NAME}));
		expect(state.step).toBe('add-slave');
		expect(state.rerun).toEqual({kind: 'add-slave', pack: NAME, hosts: []});
		expect(addCandidates(state).map(host => host.name)).toEqual(['web3', 'storage', 'far']);
	});

	test('Remove a slave opens the remove picker', () => {
		const state = run(atMenu(), menuAction({kind: 'remove-slave', pack: NAME}));
		expect(state.step).toBe('remove-slave');
		expect(state.rerun).toEqual({kind: 'remove-slave', pack: NAME});
	});

	test('Check health asks for the status of the pack at once, without leaving the menu', () => {
		const state = run(atMenu(), menuAction({kind: 'check-health', pack: NAME}));
		expect(state.step).toBe('start');
		expect(healthRequest(state)).toEqual({kind: 'status', pack: savedPack});
		expect(healthRequest(atMenu())).toBeUndefined();
	});

	test('Change subnet / options opens the pack on the export screen; Enter twice reaches its review with the record kept', () => {
		let state = run(atMenu(), menuAction({kind: 'change', pack: NAME}));
		expect(state.step).toBe('export');
		expect(state.exportFocus).toBe('path');
		state = run(
			state,
			{type: 'submit-export'},
			{type: 'set-subnets', value: '192.0.2.0/25'},
			{type: 'submit-export'},
			// A public (documentation) network: exporting to it is asked about.
			{type: 'answer-wide-export', yes: true},
		);
		expect(state.step).toBe('review');
		expect(draftPack(state)).toEqual({...savedPack, subnets: ['192.0.2.0/25']});
		expect(draftPack(state)?.record).toEqual({aegirUid: 1000, aegirGid: 1000});
	});

	test('Re-apply opens the pack on its review, unchanged and with its record', () => {
		const state = run(atMenu(), menuAction({kind: 'reapply', pack: NAME}));
		expect(state.step).toBe('review');
		expect(draftPack(state)).toEqual(savedPack);
	});

	test('Create a new pack goes to the name step', () => {
		expect(run(atMenu(), menuAction({kind: 'new'})).step).toBe('name');
	});

	test('an entry for a pack that is not saved does nothing', () => {
		const start = atMenu();
		expect(run(start, {type: 'start-add-slave', name: 'nope'})).toBe(start);
		expect(run(start, {type: 'check-health', name: 'nope'})).toBe(start);
	});
});

describe('Esc from a flow returns to the menu', () => {
	test('from the first screen of each flow: add, remove, change (export), re-apply (review)', () => {
		for (const kind of ['add-slave', 'remove-slave', 'change', 'reapply'] as const) {
			const state = run(atMenu(), menuAction({kind, pack: NAME}), {type: 'back'});
			expect(state.step, kind).toBe('start');
			expect(state.rerun, kind).toBeUndefined();
			expect(state.flowStart, kind).toBeUndefined();
			expect(state.base, kind).toBeUndefined();
		}
	});

	test('from the Change review, Esc goes to its export screen first', () => {
		const state = run(atMenu(), menuAction({kind: 'change', pack: NAME}), {type: 'submit-export'}, {type: 'submit-export'}, {type: 'answer-wide-export', yes: true});
		expect(state.step).toBe('review');
		expect(run(state, {type: 'back'}).step).toBe('export');
		expect(run(state, {type: 'back'}, {type: 'back'}).step).toBe('start');
	});

	test('a new pack after a re-apply starts from empty answers, and its review goes back step by step', () => {
		const state = run(atMenu(), menuAction({kind: 'reapply', pack: NAME}), {type: 'back'}, menuAction({kind: 'new'}));
		expect(state.step).toBe('name');
		expect(state.answers.name).toBe('');
		expect(state.flowStart).toBeUndefined();
	});
});

describe('add-slave flow', () => {
	test('ticks keep only hosts not in the pack; Enter without a tick is refused; with one it goes to the review', () => {
		let state = run(atMenu(), menuAction({kind: 'add-slave', pack: NAME}), {type: 'submit-add-slaves'});
		expect(state.step).toBe('add-slave');
		expect(state.tried).toContain('add-slave');
		state = run(state, {type: 'tick-add-slaves', names: ['web2', 'far']}, {type: 'submit-add-slaves'});
		expect(state.rerun).toEqual({kind: 'add-slave', pack: NAME, hosts: ['far']});
		expect(state.step).toBe('rerun-review');
		expect(run(state, {type: 'back'}).step).toBe('add-slave');
		expect(run(state, {type: 'back'}).rerun).toEqual({kind: 'add-slave', pack: NAME, hosts: ['far']});
	});

	test('a ticked host outside the subnets is named with the subnets on the picker', () => {
		const state = run(atMenu(), menuAction({kind: 'add-slave', pack: NAME}), {type: 'tick-add-slaves', names: ['web3', 'far']});
		expect(outsideSubnets(state)).toEqual(['far 198.51.100.7 is outside 192.0.2.0/24: the export must widen for it (see the review)']);
	});

	test('the confirmed request carries the hosts, and as newHosts those not yet in the store', () => {
		let state = run(atMenu(), menuAction({kind: 'add-slave', pack: NAME}), {type: 'open-add-host', returnTo: 'add-slave'});
		for (const [field, value] of [['name', 'web9'], ['address', '192.0.2.19']] as const) state = run(state, {type: 'set-add-host', field, value});
		state = run(state, {type: 'focus-add-host', field: 'port'}, {type: 'submit-add-host'});
		expect(state.step).toBe('add-slave');
		expect(state.rerun).toEqual({kind: 'add-slave', pack: NAME, hosts: ['web9']});
		state = run(state, {type: 'tick-add-slaves', names: ['web3', 'web9']}, {type: 'submit-add-slaves'});
		const web9 = {name: 'web9', address: '192.0.2.19', user: 'root', port: 22};
		expect(rerunRequest(state)).toEqual({kind: 'add-slave', pack: savedPack, hosts: [web3, web9], newHosts: [web9]});
		expect(rerunReviewOf(state)?.lines).toContain('web1, web2: untouched (not connected to)');
	});
});

describe('remove-slave flow', () => {
	test('choosing a slave goes to its review; the request names it; Esc returns to the picker', () => {
		const state = run(atMenu(), menuAction({kind: 'remove-slave', pack: NAME}), {type: 'choose-remove-slave', name: 'web2'});
		expect(state.step).toBe('rerun-review');
		expect(rerunRequest(state)).toEqual({kind: 'remove-slave', pack: savedPack, host: 'web2'});
		expect(run(state, {type: 'back'}).step).toBe('remove-slave');
	});
});

describe('startAt (the CLI add-slave / remove-slave commands)', () => {
	test('add-slave with hosts goes straight to the review; --host defines a new one', () => {
		const preset = presetFromFlags({...noFlags, host: ['web8=root@192.0.2.18']}, ALL);
		const state = atMenu({preset, startAt: {kind: 'add-slave', pack: NAME, hosts: ['web8', 'far']}});
		expect(state.step).toBe('rerun-review');
		const web8 = {name: 'web8', address: '192.0.2.18', user: 'root', port: 22};
		expect(rerunRequest(state)).toEqual({kind: 'add-slave', pack: savedPack, hosts: [web8, far], newHosts: [web8]});
		expect(run(state, {type: 'back'}).step).toBe('add-slave');
		expect(run(state, {type: 'back'}, {type: 'back'}).step).toBe('start');
	});

	test('add-slave without hosts, or with an unknown one, opens the picker (naming the unknown host)', () => {
		expect(atMenu({startAt: {kind: 'add-slave', pack: NAME, hosts: []}}).step).toBe('add-slave');
		const state = atMenu({startAt: {kind: 'add-slave', pack: NAME, hosts: ['web3', 'ghost']}});
		expect(state.step).toBe('add-slave');
		expect(state.rerun).toEqual({kind: 'add-slave', pack: NAME, hosts: ['web3']});
		expect(state.generalErrors).toEqual(['no host named ghost; define it with --host ghost=user@address:port']);
	});

	test('a host already in the pack reaches the review, which says why it cannot be added', () => {
		const state = atMenu({startAt: {kind: 'add-slave', pack: NAME, hosts: ['web2']}});
		expect(state.step).toBe('rerun-review');
		expect(rerunReviewOf(state)?.problems).toEqual(['web2 is already in pack pack.example.com']);
		expect(rerunRequest(state)).toBeUndefined();
	});

	test('remove-slave with a host goes to its review, without one to the picker', () => {
		expect(atMenu({startAt: {kind: 'remove-slave', pack: NAME, host: 'web2'}}).step).toBe('rerun-review');
		expect(atMenu({startAt: {kind: 'remove-slave', pack: NAME}}).step).toBe('remove-slave');
	});

	test('an unknown pack opens the menu with the reason', () => {
		const state = atMenu({startAt: {kind: 'remove-slave', pack: 'nope'}});
		expect(state.step).toBe('start');
		expect(state.generalErrors).toEqual(['no saved pack named nope']);
	});
});
