// Test packs made the way the tool makes them: through checkPack. A test that
// needs a pack the check refuses uses PackFields, or forges a Pack on purpose.
import {checkPack} from '../../source/pack/check-pack.js';
import type {Pack, PackFields} from '../../source/pack/types.js';
import {formatProblems} from '../../source/pack/validate.js';

/** The fields as a Pack, by the real check; throws, naming every problem, when they are not a valid pack. */
export function trustedPackForTests(fields: PackFields): Pack {
	const {pack, problems} = checkPack(fields);
	if (!pack) throw new Error(`test pack ${fields.name} is not a valid pack:\n${formatProblems(problems)}`);
	return pack;
}

/** Skips the check on purpose: only to prove that code behind checkPack still refuses a forged Pack. */
export function forgedPackForTests(fields: PackFields): Pack {
	return fields as unknown as Pack;
}
