// The one way to get a Pack: fields that pass every pack rule (validate-pack.ts)
// become a Pack, or come back as problems. Flags, wizard answers and the store
// read come in through checkPack; a change to a Pack goes through changedPack.

import type {Pack, PackFields, Problem} from './types.js';
import {validatePack} from './validate-pack.js';

/** Either a Pack that passed every rule, or every problem found (never both). */
export type PackCheck = {pack: Pack; problems?: undefined} | {pack?: undefined; problems: Problem[]};

export function checkPack(fields: PackFields): PackCheck {
	const problems = validatePack(fields);
	// The only place a Pack is made: the brand is a type, so the object itself is returned.
	return problems.length > 0 ? {problems} : {pack: fields as unknown as Pack};
}

/** A Pack with some fields changed (slaves added or removed, the record updated): checked again as a whole. */
export function changedPack(pack: Pack, change: Partial<PackFields>): PackCheck {
	return checkPack({...pack, ...change});
}
