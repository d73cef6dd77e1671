// Add web heads to a pack that is already serving traffic. Only what must
// change is planned: the new slaves get preflight, packages, the NFS client
// steps and the config sync; the NFS server is in the plan only when its export
// must be widened for a new address; the master and the existing slaves are not
// in the plan at all, so the runner never connects to them.
//
// A new slave given by DNS name cannot be checked against the subnets offline
// (resolving it here would say what this machine sees, not what the NFS server
// sees). The subnets are kept as they are, and the mount step is the proof: if
// the export does not allow the slave, its mount fails and says so.

import {changedPack} from '../pack/check-pack.js';
import {packHosts, type Host, type Pack} from '../pack/types.js';
import {formatProblems} from '../pack/validate.js';
import {addressInSubnets, isIpLiteral, parseSubnet} from '../pack/subnets.js';
import {resolvePlanOptions, type PlanOptions, type ResolvedPlanOptions} from './options.js';
import {packFiles} from './pack-files.js';
import {hostPlanOf} from './planner.js';
import {RerunInputError} from './reruns/errors.js';
import {untouchedHosts} from './reruns/untouched-hosts.js';
import {situationOf, stepsFor, withAegirHost, type PlanInput} from './role-steps.js';
import type {HostPlan, Plan} from './step.js';
import {exportStepRef} from './steps/nfs-server.js';
import {isThisMachine} from './this-machine.js';

export type AddSlavePlan = Plan & {
	/** The pack as it is once the run succeeds: the new slaves appended, subnets widened if needed. */
	pack: Pack;
	/** Hosts of the pack the plan never connects to, in pack order ("web1, web2: untouched"). */
	untouched: string[];
	/** Subnets added to the export (one /32 or /128 per uncovered new address); absent when none. */
	widenedSubnets?: string[];
};

/** Problems with the hosts to add, one sentence each; empty when they can be added. */
export function addSlaveProblems(pack: Pack, newSlaves: Host[]): string[] {
	if (newSlaves.length === 0) return ['no host to add'];
	const problems: string[] = [];
	const existing = packHosts(pack);
	const seen = new Set<string>();
	for (const slave of newSlaves) {
		const same = existing.find(other => other.name === slave.name);
		if (same) problems.push(`${slave.name} is already in pack ${pack.name}`);
		const sameAddress = existing.find(other => other.name !== slave.name && other.address === slave.address);
		if (sameAddress) problems.push(`${slave.name} has the address of ${sameAddress.name} (${slave.address}), already in pack ${pack.name}`);
		if (seen.has(slave.name)) problems.push(`${slave.name} is listed twice`);
		seen.add(slave.name);
	}

	return problems;
}

/**
 * Subnets to add so the export allows every new slave given by IP address:
 * exactly that address (/32 or /128), so removing the slave can narrow it again.
 */
export function subnetsToWiden(subnets: string[], newSlaves: Host[]): string[] {
	const added: string[] = [];
	for (const slave of newSlaves) {
		if (addressInSubnets(slave.address, [...subnets, ...added]) !== false) continue;
		const single = parseSubnet(slave.address);
		if ('cidr' in single && !added.includes(single.cidr)) added.push(single.cidr);
	}

	return added;
}

function notesFor(pack: Pack, newSlaves: Host[], untouched: string[], widened: string[], options: ResolvedPlanOptions): string[] {
	const notes: string[] = [];
	if (untouched.length > 0) notes.push(`${untouched.join(', ')}: untouched (not connected to)`);
	if (widened.length > 0) {
		notes.push(`the export on ${pack.nfsServer.name} is widened to ${widened.join(', ')}: only its exports drop-in changes, then exportfs -ra`);
	} else {
		notes.push(`${pack.nfsServer.name}'s export already allows the new slave(s): not connected to`);
	}

	for (const slave of newSlaves.filter(candidate => !isIpLiteral(candidate.address))) {
		notes.push(`${slave.name} is given by DNS name (${slave.address}): it cannot be checked against the subnets here; mounting the share proves ${pack.nfsServer.name} allows it`);
	}

	if (pack.record?.aegirUid === undefined || pack.record.aegirGid === undefined) {
		notes.push(`no ${options.aegirUser} uid/gid recorded for this pack: the new slave(s) are compared only with each other (re-apply the whole pack to record it)`);
	}

	for (const slave of newSlaves) {
		if (isThisMachine(slave, options.thisMachine)) notes.push(`${slave.name} is this machine: nothing is rsynced to it`);
	}

	return notes;
}

export function planAddSlave(pack: Pack, newSlaves: Host[], planOptions: PlanOptions = {}): AddSlavePlan {
	const problems = addSlaveProblems(pack, newSlaves);
	if (problems.length > 0) throw new RerunInputError(problems.join('; '));
	const options = resolvePlanOptions(planOptions);
	const widened = subnetsToWiden(pack.subnets, newSlaves);
	const {pack: after, problems: afterProblems} = changedPack(pack, {slaves: [...pack.slaves, ...newSlaves], subnets: [...pack.subnets, ...widened]});
	if (!after) throw new RerunInputError(formatProblems(afterProblems).replaceAll('\n', '; '));
	const exportRef = widened.length > 0 ? exportStepRef(after) : undefined;
	const input: PlanInput = {pack: after, options, files: packFiles(after, options), hosts: packHosts(after), newSlaves, ...(exportRef ? {exportRef} : {})};
	const hosts: HostPlan[] = newSlaves.map(slave => hostPlanOf(input, slave, stepsFor(input, situationOf(after, slave, options), 'add-slave')));
	if (widened.length > 0) {
		const server = after.nfsServer;
		hosts.push(hostPlanOf(input, server, stepsFor(input, situationOf(after, server, options), 'widen')));
	}

	const untouched = untouchedHosts(pack, hosts);
	return {
		packName: pack.name,
		hosts: withAegirHost(input, hosts),
		notes: notesFor(pack, newSlaves, untouched, widened, options),
		pack: after,
		untouched,
		...(widened.length > 0 ? {widenedSubnets: widened} : {}),
	};
}
