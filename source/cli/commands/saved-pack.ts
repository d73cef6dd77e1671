// The pack a re-run command names, from the store: an unknown name is bad
// input (exit 2) and the message lists what is saved, so a typo is easy to fix.
import type {Pack} from '../../pack/types.js';

export function findSavedPack(packs: readonly Pack[], name: string | undefined): {pack: Pack} | {message: string} {
	const saved = packs.length > 0 ? `saved packs: ${packs.map(pack => pack.name).join(', ')}` : 'no pack is saved yet: create one with aegir-pack';
	if (name === undefined || name === '') return {message: `Name the pack (${saved}).`};
	const pack = packs.find(candidate => candidate.name === name);
	return pack ? {pack} : {message: `No saved pack named ${name} (${saved}).`};
}
