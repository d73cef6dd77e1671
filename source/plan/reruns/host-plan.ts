// One HostPlan of a re-run: its facts read exactly as a full apply reads them,
// so every reused step sees the facts it was written for.

import type {Host, Pack} from '../../pack/types.js';
import {gatherFacts} from '../facts.js';
import type {ResolvedPlanOptions} from '../options.js';
import {factsRequestFor, rolesOf} from '../planner.js';
import type {HostPlan, Step} from '../step.js';

export function rerunHostPlan(pack: Pack, host: Host, steps: Step[], options: ResolvedPlanOptions): HostPlan {
	const request = factsRequestFor(pack, options);
	return {
		host,
		roles: rolesOf(pack, host),
		steps,
		gatherFacts: (transport, signal) => gatherFacts(transport, request, signal),
	};
}

/** Pack hosts the plan does not contain, in pack order: they are never connected to. */
export function untouchedHosts(pack: Pack, hostPlans: HostPlan[]): string[] {
	const planned = new Set(hostPlans.map(hostPlan => hostPlan.host.name));
	return packHostNames(pack).filter(name => !planned.has(name));
}

function packHostNames(pack: Pack): string[] {
	const names = [pack.master.name, ...pack.slaves.map(slave => slave.name)];
	if (!names.includes(pack.nfsServer.name)) names.push(pack.nfsServer.name);
	return names;
}
