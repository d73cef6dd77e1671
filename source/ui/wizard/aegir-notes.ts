// What the start and name screens say about Aegir: which saved packs it
// already has, the packs it has that are not saved here, a typed name that is
// already one of its packs, and alias files that could not be read.
import {aegirPacks, type AegirServer} from '../../aegir/alias-files.js';
import {aegirContextName} from '../../pack/validate.js';
import {fit} from './host-label.js';
import type {WizardState} from './types.js';
import {wrapText} from './wrap-text.js';

export const REGISTERED_MARK = 'already registered in Aegir';

/** Aegir's pack context for this pack name, if Aegir has one. */
export function aegirPackFor(state: WizardState, packName: string): AegirServer | undefined {
	const context = aegirContextName(packName);
	return aegirPacks(state.aegir.servers).find(server => server.context === context);
}

/** Names of the saved packs Aegir already has as pack contexts. */
export function registeredPackNames(state: WizardState): string[] {
	return state.packs.filter(pack => aegirPackFor(state, pack.name) !== undefined).map(pack => pack.name);
}

/** A pack's members by the names this tool uses for them (contexts Aegir does not describe stay contexts). */
export function packMembers(server: AegirServer, servers: readonly AegirServer[]): string {
	const names = (contexts: readonly string[]) =>
		contexts.length === 0 ? 'none' : contexts.map(context => servers.find(s => s.context === context)?.name ?? context).join(', ');
	return `masters ${names(server.masterWebServers)}, slaves ${names(server.slaveWebServers)}`;
}

/** One line per Aegir pack context no saved pack stands for. */
export function unsavedAegirPacks(state: WizardState): string[] {
	const saved = new Set(state.packs.map(pack => aegirContextName(pack.name)));
	return aegirPacks(state.aegir.servers)
		.filter(server => !saved.has(server.context))
		.map(server => `${server.context}: registered in Aegir, not saved here (${packMembers(server, state.aegir.servers)})`);
}

/**
 * Notes as terminal rows of `width`: each note on at most two rows, all of them
 * on at most `maxRows`; when some do not fit, the last row says how many.
 */
export function noteRows(notes: readonly string[], width: number, maxRows: number, more: (count: number) => string): string[] {
	const rows: string[] = [];
	for (const [index, note] of notes.entries()) {
		const wrapped = wrapText(note, width, '  ');
		const first = wrapped[0] ?? '';
		const two = wrapped.length > 2 ? [first, fit(`  ${note.slice(first.length).trimStart()}`, width)] : wrapped;
		const last = index === notes.length - 1;
		if (rows.length + two.length + (last ? 0 : 1) > maxRows) {
			rows.push(fit(more(notes.length - index), width));
			break;
		}
		rows.push(...two);
	}
	return rows;
}

/** The typed name is already a pack in Aegir (not the saved pack being edited): say what saving it means. */
export function nameAegirWarning(state: WizardState): string | undefined {
	const name = state.answers.name;
	if (name === '') return undefined;
	const server = aegirPackFor(state, name);
	if (!server) return undefined;
	if (state.origin.kind === 'pack' && aegirContextName(state.origin.name) === server.context) return undefined;
	return `${server.context} is already a pack in Aegir (${packMembers(server, state.aegir.servers)}): registering this pack replaces its members`;
}

/** "2 Aegir alias files skipped", on the session's first screen only. */
export function aegirSkippedWarning(state: WizardState): string[] {
	const count = state.aegir.problems.length;
	if (count === 0 || state.step !== state.aegir.warnAt || state.addHost) return [];
	return [`${count} Aegir alias ${count === 1 ? 'file' : 'files'} skipped: see --aegir-home`];
}
