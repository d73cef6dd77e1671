// The hosts offered in the pickers: several sources merged by host name.
import type {Host} from '../../pack/types.js';

/** Concatenate host lists, keeping the first host of each name (earlier lists win). */
export function mergeHosts(...lists: ReadonlyArray<readonly Host[]>): Host[] {
	const byName = new Map<string, Host>();
	for (const list of lists) {
		for (const host of list) {
			if (!byName.has(host.name)) byName.set(host.name, host);
		}
	}
	return [...byName.values()];
}
