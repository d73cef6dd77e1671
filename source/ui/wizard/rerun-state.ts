// The reducer's part for re-runs of a saved pack: opening the add / remove
// pickers (from the menu or the CLI's startAt), ticking, and going to the review.
import {showValue as shown} from '../../pack/text.js';
import {addCandidates, findPack} from './rerun-selectors.js';
import type {Rerun, StartAt, WizardState} from './types.js';

/** The add or remove picker of `rerun`, as the first screen of its flow. */
export function openRerun(state: WizardState, rerun: Rerun): WizardState {
	if (!findPack(state, rerun.pack)) return state;
	return {
		...state,
		step: rerun.kind,
		rerun,
		flowStart: rerun.kind,
		tried: state.tried.filter(step => step !== rerun.kind),
	};
}

/** The wizard opened by `aegir-pack add-slave|remove-slave`: hosts given go straight to the review. */
export function startAtState(state: WizardState, startAt: StartAt): WizardState {
	const pack = findPack(state, startAt.pack);
	if (!pack) {
		return {...state, step: 'start', generalErrors: [...state.generalErrors, `no saved pack named ${shown(startAt.pack)}`]};
	}
	if (startAt.kind === 'remove-slave') {
		const opened = openRerun(state, {kind: 'remove-slave', pack: pack.name, ...(startAt.host === undefined ? {} : {host: startAt.host})});
		return startAt.host === undefined ? opened : {...opened, step: 'rerun-review'};
	}
	const unknown = startAt.hosts.filter(name => !state.hosts.some(host => host.name === name));
	const known = startAt.hosts.filter(name => !unknown.includes(name));
	const opened = openRerun(
		{
			...state,
			generalErrors: [
				...state.generalErrors,
				...unknown.map(name => `no host named ${shown(name)}; define it with --host ${shown(name)}=user@address:port`),
			],
		},
		{kind: 'add-slave', pack: pack.name, hosts: [...new Set(known)]},
	);
	// Hosts already in the pack go to the review too: it says why they cannot be added.
	return known.length > 0 && unknown.length === 0 ? {...opened, step: 'rerun-review'} : opened;
}

/** New ticks on the add picker (only hosts not in the pack can be ticked). */
export function tickAddSlaves(state: WizardState, names: string[]): WizardState {
	if (state.rerun?.kind !== 'add-slave') return state;
	const candidates = new Set(addCandidates(state).map(host => host.name));
	const hosts = names.filter(name => candidates.has(name));
	const before = state.rerun.hosts;
	// MultiSelect reports its ticks on every render: an unchanged list must not re-render.
	if (hosts.length === before.length && hosts.every((name, index) => name === before[index])) return state;
	return {...state, rerun: {...state.rerun, hosts}};
}

export function submitAddSlaves(state: WizardState): WizardState {
	if (state.rerun?.kind !== 'add-slave') return state;
	if (state.rerun.hosts.length === 0) return state.tried.includes('add-slave') ? state : {...state, tried: [...state.tried, 'add-slave']};
	return {...state, step: 'rerun-review'};
}

export function chooseRemoveSlave(state: WizardState, name: string): WizardState {
	if (state.rerun?.kind !== 'remove-slave') return state;
	return {...state, rerun: {...state.rerun, host: name}, step: 'rerun-review'};
}
