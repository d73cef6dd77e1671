// The hosts of a pack a re-run's plan leaves out: they are never connected
// to, and the review says so ("web1, web2: untouched").

import {packHosts, type Pack} from '../../pack/types.js';
import type {HostPlan} from '../step.js';

/** Pack hosts the plan does not contain, in pack order: they are never connected to. */
export function untouchedHosts(pack: Pack, hostPlans: HostPlan[]): string[] {
	const planned = new Set(hostPlans.map(hostPlan => hostPlan.host.name));
	return packHosts(pack)
		.map(host => host.name)
		.filter(name => !planned.has(name));
}
