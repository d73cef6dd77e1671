// Retire a web head from a pack. On the slave: unmount the share (lazily only
// if a normal unmount fails) and remove this pack's fstab entry. The mount
// point, whatever is under it and the installed packages stay. The NFS server
// is in the plan only when the export was widened for this slave alone (a /32
// or /128 of its address that no other client has); then its drop-in is
// rewritten without that subnet and exportfs -ra run. Nobody else is connected to.

import {changedPack} from '../pack/check-pack.js';
import {nfsClients, type Host, type Pack} from '../pack/types.js';
import {formatProblems} from '../pack/validate.js';
import {resolvePlanOptions, type PlanOptions} from './options.js';
import {RerunInputError} from './reruns/errors.js';
import {fstabRemovalStep} from './reruns/fstab-removal.js';
import {untouchedHosts} from './reruns/untouched-hosts.js';
import {packFiles} from './pack-files.js';
import {hostPlanOf} from './planner.js';
import {narrowExportStep, subnetsOnlyFor} from './reruns/narrow-export.js';
import {UNMOUNT_STEP, unmountStep} from './reruns/unmount.js';
import type {HostPlan, Plan} from './step.js';
import {exportsFileStep} from './steps/nfs-server.js';
import {accessStep, systemStep} from './steps/preflight.js';

export type RemoveSlavePlan = Plan & {
	/** The pack once the run succeeds: without the slave, the export narrowed if it was widened for it alone. */
	pack: Pack;
	/** Hosts of the pack the plan never connects to, in pack order. */
	untouched: string[];
	/** Subnets dropped from the export; absent when the export stays as it is. */
	narrowedSubnets?: string[];
};

function findSlave(pack: Pack, slave: Host | string): Host {
	const name = typeof slave === 'string' ? slave : slave.name;
	const found = pack.slaves.find(candidate => candidate.name === name);
	if (found) return found;
	if (name === pack.master.name) throw new RerunInputError(`${name} is the master of pack ${pack.name}, not a slave: it cannot be removed`);
	throw new RerunInputError(`${name} is not a slave of pack ${pack.name}`);
}

export function planRemoveSlave(pack: Pack, slave: Host | string, planOptions: PlanOptions = {}): RemoveSlavePlan {
	const leaving = findSlave(pack, slave);
	if (leaving.name === pack.nfsServer.name) {
		throw new RerunInputError(`${leaving.name} is the NFS server of pack ${pack.name}: move the export to another host before removing it`);
	}

	const options = resolvePlanOptions(planOptions);
	const remaining = pack.slaves.filter(other => other.name !== leaving.name);
	const others = nfsClients({...pack, slaves: remaining}).map(client => client.address);
	const dropped = subnetsOnlyFor(pack.subnets, leaving.address, others);
	const {pack: after, problems: afterProblems} = changedPack(pack, {slaves: remaining, subnets: pack.subnets.filter(subnet => !dropped.includes(subnet))});
	if (!after) throw new RerunInputError(formatProblems(afterProblems).replaceAll('\n', '; '));

	const files = packFiles(pack, options);
	const hosts: HostPlan[] = [
		// Roles come from the pack it is leaving: it is still a slave while it runs.
		hostPlanOf({pack, options, files}, leaving, [accessStep(leaving), systemStep(leaving), unmountStep(leaving, pack), fstabRemovalStep(leaving, pack, options)]),
	];
	if (dropped.length > 0) {
		const server = pack.nfsServer;
		// Narrow only once the slave has let go of the share (or could not be reached at all).
		const rewrite = {...exportsFileStep(server, after, files), after: [{host: leaving.name, id: UNMOUNT_STEP}]};
		hosts.push(hostPlanOf({pack: after, options, files}, server, [accessStep(server), rewrite, narrowExportStep(server, after, dropped, options)]));
	}

	const untouched = untouchedHosts(pack, hosts);
	const notes = [
		`${leaving.name}: the mount point ${pack.exportPath}, anything under it and the installed packages stay`,
		...(untouched.length > 0 ? [`${untouched.join(', ')}: untouched (not connected to)`] : []),
		dropped.length > 0
			? `the export on ${pack.nfsServer.name} no longer allows ${dropped.join(', ')} (it was there for ${leaving.name} alone)`
			: `the export on ${pack.nfsServer.name} stays as it is`,
	];
	if (dropped.length > 0 && after.subnets.length === 0) notes.push(`no subnet is left: ${pack.exportPath} is exported to nobody`);
	return {packName: pack.name, hosts, notes, pack: after, untouched, ...(dropped.length > 0 ? {narrowedSubnets: dropped} : {})};
}
