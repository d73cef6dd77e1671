// Confirming a pack: its new hosts, then the pack, go to the store. Nothing is
// saved before this point, so quitting earlier leaves the store as it was.
import {packHosts, type Host, type Pack} from '../../pack/types.js';

/** The part of PackStore the wizard writes through. */
export type PackSink = {
	saveHost(host: Host): void;
	savePack(pack: Pack): void;
	/** Called before anything is written (the CLI takes the pack's run lock here); throws to save nothing. */
	beginSave?(pack: Pack): void;
};

/** Save the new hosts the pack uses, then the pack. Throws what the store throws. */
export function savePackWithHosts(store: PackSink, pack: Pack, newHosts: readonly Host[]): void {
	store.beginSave?.(pack);
	const used = new Set(packHosts(pack).map(host => host.name));
	for (const host of newHosts) if (used.has(host.name)) store.saveHost(host);
	store.savePack(pack);
}
