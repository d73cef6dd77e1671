// The uid/gid gate of a re-run. The hosts already in the pack are not connected
// to, so the new hosts are compared with each other and with what the pack
// recorded on its last successful apply (when it recorded anything).

import type {Host, PackRecord} from '../../pack/types.js';
import type {ResolvedPlanOptions} from '../options.js';
import type {Step, StepRef} from '../step.js';
import {GATE_STEP, PREFLIGHT_LAST_HOST_STEP, idTable} from '../steps/preflight.js';

/** How the recorded value is labelled in the uid/gid table. */
export const RECORD_ROW = '(recorded)';

export function recordGateStep(host: Host, newHosts: Host[], record: PackRecord | undefined, options: ResolvedPlanOptions): Step {
	const user = options.aegirUser;
	const after: StepRef[] = newHosts.map(other => ({host: other.name, id: PREFLIGHT_LAST_HOST_STEP}));
	const recorded = record?.aegirUid !== undefined && record.aegirGid !== undefined ? {host: RECORD_ROW, uid: record.aegirUid, gid: record.aegirGid} : undefined;
	return {
		id: GATE_STEP,
		title: recorded ? `${user} uid/gid match the pack's recorded ${recorded.uid}:${recorded.gid}` : `${user} uid/gid match on the new hosts`,
		host: host.name,
		after,
		check({factsOf}) {
			const seen = newHosts.flatMap(other => {
				const facts = factsOf(other.name);
				if (!facts?.aegirUser || !facts.aegirGroup) return [];
				return [{host: other.name, uid: facts.aegirUser.uid, gid: facts.aegirGroup.gid}];
			});
			const rows = recorded ? [recorded, ...seen] : seen;
			const first = rows[0];
			if (rows.some(row => row.uid !== first?.uid || row.gid !== first?.gid)) {
				return {
					state: 'fail',
					message: recorded
						? `${user} uid/gid differ from the pack's recorded ${recorded.uid}:${recorded.gid}: nothing was changed on any host`
						: `${user} uid/gid differ between the new hosts: nothing was changed on any host`,
					notice: idTable(rows, user),
				};
			}

			if (!first) return {state: 'ok', message: 'nothing to compare'};
			const against = recorded ? `the pack's record and ${seen.length} new host(s)` : `${seen.length} new host(s); no record to compare with`;
			return {state: 'ok', message: `uid ${first.uid}, gid ${first.gid} on ${against}`};
		},
		async apply() {
			throw new Error(`${GATE_STEP} has nothing to apply`);
		},
	};
}
