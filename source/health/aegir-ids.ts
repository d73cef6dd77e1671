// Aegir's uid/gid must be the same on every host (files on the share are owned
// by number): compared with what the last apply recorded, or, with nothing
// recorded, with what most hosts have.

import type {Pack} from '../pack/types.js';
import type {Facts} from '../plan/facts.js';
import {commandLine} from '../shell/quote.js';
import type {HealthCheck} from './types.js';

export type AegirIds = {uid?: number; gid?: number};

export type ExpectedIds = {ids: AegirIds; source: 'record' | 'hosts'} | undefined;

export function idsOf(facts: Facts): AegirIds {
	return {uid: facts.aegirUser?.uid, gid: facts.aegirGroup?.gid};
}

const pair = (ids: AegirIds) => `${ids.uid ?? '?'}:${ids.gid ?? '?'}`;

/** The recorded ids, else the pair most hosts have (the first such in pack order on a tie). */
export function expectedIds(pack: Pack, observed: readonly AegirIds[]): ExpectedIds {
	const record = pack.record;
	if (record?.aegirUid !== undefined || record?.aegirGid !== undefined) {
		return {ids: {uid: record.aegirUid, gid: record.aegirGid}, source: 'record'};
	}

	const complete = observed.filter(ids => ids.uid !== undefined && ids.gid !== undefined);
	let best: {ids: AegirIds; count: number} | undefined;
	for (const ids of complete) {
		const count = complete.filter(other => pair(other) === pair(ids)).length;
		if (!best || count > best.count) best = {ids, count};
	}

	return best ? {ids: best.ids, source: 'hosts'} : undefined;
}

export function aegirCheck(facts: Facts, expected: ExpectedIds, user: string): HealthCheck {
	const base = {id: 'aegir', label: `${user} uid/gid`};
	const ids = idsOf(facts);
	const missing = [facts.aegirUser ? undefined : 'user', facts.aegirGroup ? undefined : 'group'].filter(Boolean);
	const want = expected ? ` with uid/gid ${pair(expected.ids)}` : '';
	if (missing.length > 0) {
		return {...base, ok: false, detail: `no ${user} ${missing.join(' or ')}`, fix: `create Aegir's ${user} user and group${want}`};
	}

	const detail = `uid ${ids.uid}, gid ${ids.gid}`;
	if (!expected) return {...base, ok: true, detail};
	const uidDiffers = expected.ids.uid !== undefined && expected.ids.uid !== ids.uid;
	const gidDiffers = expected.ids.gid !== undefined && expected.ids.gid !== ids.gid;
	if (!uidDiffers && !gidDiffers) return {...base, ok: true, detail};
	const against = expected.source === 'record' ? 'the last apply recorded' : 'the other hosts have';
	const commands = [
		uidDiffers ? commandLine(['usermod', '-u', String(expected.ids.uid), user]) : '',
		gidDiffers ? commandLine(['groupmod', '-g', String(expected.ids.gid), user]) : '',
	]
		.filter(Boolean)
		.join(', ');
	return {
		...base,
		ok: false,
		detail: `${user} is ${pair(ids)}, ${against} ${pair(expected.ids)}`,
		fix: `make them equal (${commands}, then chown the files they own)`,
	};
}
