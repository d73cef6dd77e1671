// What a successful run teaches us about the pack: the aegir uid/gid every
// host showed, and when it was applied. Add-slave later checks new hosts
// against this record without connecting to the hosts already in the pack.

import {changedPack} from '../pack/check-pack.js';
import {packHosts, type Pack, type PackRecord} from '../pack/types.js';
import {formatProblems} from '../pack/validate.js';
import {EXIT} from '../contracts/exit-codes.js';
import type {RunOutcome} from './runner.js';

/** True when the run applied and every host finished ok: only then is the pack saved. */
export function runSucceeded(outcome: RunOutcome): boolean {
	return outcome.exitCode === EXIT.ok && !outcome.interrupted && outcome.dryRun !== true;
}

/**
 * The record after a successful run. The uid/gid are (re)recorded only when
 * every host of the pack was read in this run and all agree; a run that
 * touched some hosts (add a slave) keeps the earlier values, which its gate
 * already compared the new hosts with.
 */
export function computePackRecord(pack: Pack, outcome: RunOutcome, now: Date): PackRecord {
	const record: PackRecord = {...pack.record, lastAppliedAt: now.toISOString()};
	const facts = outcome.facts ?? {};
	const ids = packHosts(pack).map(host => {
		const hostFacts = facts[host.name];
		return {uid: hostFacts?.aegirUser?.uid, gid: hostFacts?.aegirGroup?.gid};
	});
	const first = ids[0];
	const complete = first?.uid !== undefined && first.gid !== undefined && ids.every(id => id.uid === first.uid && id.gid === first.gid);
	if (complete) {
		record.aegirUid = first.uid;
		record.aegirGid = first.gid;
	}

	return record;
}

/**
 * The pack to save after a run of `pack` (for add/remove: the plan's pack
 * after the change), or undefined when the run did not succeed: the saved
 * pack must stay as it was, so that running again resumes. Throws when the
 * new record breaks a pack rule (as the store would refuse to save it).
 */
export function packAfterRun(pack: Pack, outcome: RunOutcome, now: Date = new Date()): Pack | undefined {
	if (!runSucceeded(outcome)) return undefined;
	const {pack: recorded, problems} = changedPack(pack, {record: computePackRecord(pack, outcome, now)});
	if (!recorded) throw new Error(`pack not saved:\n${formatProblems(problems)}`);
	return recorded;
}
