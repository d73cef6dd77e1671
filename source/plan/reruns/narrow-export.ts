// Narrowing the export when a slave leaves: only a /32 (/128) that names that
// slave's address alone is dropped. The drop-in is rewritten and exportfs -ra
// run by the same steps a full apply uses; the check also proves the dropped
// client is no longer exported (a full apply only checks what must be there).

import type {Host, Pack} from '../../pack/types.js';
import {exportProblems} from '../exports-file.js';
import {parseSubnet} from '../../pack/subnets.js';
import type {ResolvedPlanOptions} from '../options.js';
import type {Step} from '../step.js';
import {exportStep} from '../steps/nfs-server.js';

/** The /32 or /128 subnets that name this address and no other client's. */
export function subnetsOnlyFor(subnets: string[], address: string, otherClientAddresses: string[]): string[] {
	const single = parseSubnet(address);
	if (!('cidr' in single)) return [];
	const others = otherClientAddresses.flatMap(other => {
		const parsed = parseSubnet(other);
		return 'cidr' in parsed ? [parsed.cidr] : [];
	});
	return subnets.filter(subnet => subnet === single.cidr && !others.includes(subnet));
}

/** Export step of the narrowed pack: also changes while a dropped subnet is still exported. */
export function narrowExportStep(host: Host, narrowed: Pack, dropped: string[], options: Pick<ResolvedPlanOptions, 'aegirUser'>): Step {
	const base = exportStep(host, narrowed, options);
	return {
		...base,
		title: `export active without ${dropped.join(', ')} (exportfs -v)`,
		check(context) {
			const result = base.check(context);
			const entries = context.facts.exports;
			if (!entries || result instanceof Promise || result.state !== 'ok') return result;
			// With no options wanted, exportProblems reports only a client that is not exported at all.
			const still = dropped.filter(subnet => exportProblems(entries, narrowed.exportPath, [subnet], '').length === 0);
			if (still.length === 0) return {state: 'ok', message: `${result.message}; no longer to ${dropped.join(', ')}`};
			return {
				state: 'change',
				message: `stop exporting ${narrowed.exportPath} to ${still.join(', ')} (still exported)`,
				commands: ['exportfs -ra', 'systemctl reload nfs-server (only where an init system runs it)'],
			};
		},
	};
}
