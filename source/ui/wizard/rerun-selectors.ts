// Derived views of a re-run being answered: the pack it is for, the hosts that
// can be added, its review and the request confirming it hands to the app.
import {addressInSubnets} from '../../pack/subnets.js';
import {packHosts, type Host, type Pack} from '../../pack/types.js';
import type {PlanOptions} from '../../plan/options.js';
import type {RerunRequest} from './rerun-request.js';
import {addSlaveReview, removeSlaveReview, type RerunReview} from './rerun-review.js';
import {findHost} from './selectors.js';
import type {WizardState} from './types.js';

export function findPack(state: WizardState, name: string | undefined): Pack | undefined {
	return name === undefined ? undefined : state.packs.find(pack => pack.name === name);
}

/** The saved pack the re-run is for. */
export function rerunPack(state: WizardState): Pack | undefined {
	return findPack(state, state.rerun?.pack);
}

/** Hosts that can be added: every known host not already in the pack. */
export function addCandidates(state: WizardState): Host[] {
	const pack = rerunPack(state);
	if (!pack) return [];
	const inPack = new Set(packHosts(pack).map(host => host.name));
	return state.hosts.filter(host => !inPack.has(host.name));
}

/** The hosts ticked to add, as hosts (names no longer known are dropped). */
export function hostsToAdd(state: WizardState): Host[] {
	if (state.rerun?.kind !== 'add-slave') return [];
	return state.rerun.hosts.map(name => findHost(state.hosts, name)).filter((host): host is Host => host !== undefined);
}

/** Ticked hosts the export does not allow yet, with the subnets named (the review shows the widening). */
export function outsideSubnets(state: WizardState): string[] {
	const pack = rerunPack(state);
	if (!pack) return [];
	const subnets = pack.subnets.length > 0 ? pack.subnets.join(', ') : 'no subnet';
	return hostsToAdd(state)
		.filter(host => addressInSubnets(host.address, pack.subnets) === false)
		.map(host => `${host.name} ${host.address} is outside ${subnets}: the export must widen for it (see the review)`);
}

/** Why the add picker cannot go on: nothing ticked. */
export function addPickProblems(state: WizardState): string[] {
	return hostsToAdd(state).length === 0 ? ['tick at least one host to add'] : [];
}

/** The review of the re-run, or undefined when no re-run (or no such pack) is being answered. */
export function rerunReviewOf(state: WizardState, planOptions?: PlanOptions): RerunReview | undefined {
	const pack = rerunPack(state);
	const rerun = state.rerun;
	if (!pack || !rerun) return undefined;
	if (rerun.kind === 'add-slave') return addSlaveReview(pack, hostsToAdd(state), planOptions);
	if (rerun.host === undefined) return undefined;
	return removeSlaveReview(pack, rerun.host, planOptions);
}

/** What confirming the re-run review asks of the app; undefined while the review has problems. */
export function rerunRequest(state: WizardState, planOptions?: PlanOptions): RerunRequest | undefined {
	const pack = rerunPack(state);
	const review = rerunReviewOf(state, planOptions);
	if (!pack || !review || review.problems.length > 0 || !state.rerun) return undefined;
	if (state.rerun.kind === 'remove-slave') return state.rerun.host === undefined ? undefined : {kind: 'remove-slave', pack, host: state.rerun.host};
	const hosts = hostsToAdd(state);
	return {kind: 'add-slave', pack, hosts, newHosts: hosts.filter(host => state.newHosts.includes(host.name))};
}

/** "Check health" chosen on the menu: the request for it. */
export function healthRequest(state: WizardState): RerunRequest | undefined {
	const pack = findPack(state, state.health);
	return pack ? {kind: 'status', pack} : undefined;
}

/** "Export to Ansible" chosen on the menu: the request for it (no review: it only writes files here). */
export function exportRequest(state: WizardState): RerunRequest | undefined {
	const pack = findPack(state, state.exportAnsible);
	return pack ? {kind: 'export-ansible', pack} : undefined;
}
