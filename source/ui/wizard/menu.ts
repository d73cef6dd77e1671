// The start menu as plain data: "Create a new pack" first, then each saved
// pack's entries, and the reducer action each entry dispatches.
import type {Pack} from '../../pack/types.js';
import {REGISTERED_MARK} from './aegir-notes.js';
import {fit} from './host-label.js';
import type {WizardAction} from './types.js';

export type PackEntry = 'add-slave' | 'remove-slave' | 'check-health' | 'change' | 'reapply' | 'export-ansible';

export type MenuChoice = {kind: 'new'} | {kind: PackEntry; pack: string};

export const PACK_ENTRIES: ReadonlyArray<{kind: PackEntry; label: string}> = [
	{kind: 'add-slave', label: 'Add a slave'},
	{kind: 'remove-slave', label: 'Remove a slave'},
	{kind: 'check-health', label: 'Check health'},
	{kind: 'change', label: 'Change subnet / options'},
	{kind: 'reapply', label: 'Re-apply'},
	{kind: 'export-ansible', label: 'Export to Ansible'},
];

export const NEW_PACK_LABEL = 'Create a new pack';

const ENTRY_WIDTH = Math.max(...PACK_ENTRIES.map(entry => entry.label.length));

/**
 * One row per entry; every row names its pack, so a scrolled list is never
 * ambiguous. Rows of the packs in `registered` end with a dim "already
 * registered in Aegir" (`note`); the name column narrows so it always fits.
 */
export function menuItems(
	packs: readonly Pack[],
	width: number,
	registered: readonly string[] = [],
): Array<{label: string; value: MenuChoice; note?: string}> {
	const marked = new Set(registered);
	const mark = packs.some(pack => marked.has(pack.name)) ? `  ${REGISTERED_MARK}` : '';
	const reserved = mark === '' ? 30 : 2 + ENTRY_WIDTH + mark.length;
	const column = Math.min(Math.max(...packs.map(pack => pack.name.length), 4), Math.max(8, width - reserved));
	return [
		{label: NEW_PACK_LABEL, value: {kind: 'new'}},
		...packs.flatMap(pack =>
			PACK_ENTRIES.map(entry => {
				const value: MenuChoice = {kind: entry.kind, pack: pack.name};
				const row = `${fit(pack.name, column).padEnd(column)}  ${entry.label}`;
				if (!marked.has(pack.name)) return {label: fit(row, width), value};
				return {label: fit(row.padEnd(column + 2 + ENTRY_WIDTH), width - mark.length), value, note: mark};
			}),
		),
	];
}

export function menuAction(choice: MenuChoice): WizardAction {
	switch (choice.kind) {
		case 'new':
			return {type: 'start-new'};
		case 'add-slave':
			return {type: 'start-add-slave', name: choice.pack};
		case 'remove-slave':
			return {type: 'start-remove-slave', name: choice.pack};
		case 'check-health':
			return {type: 'check-health', name: choice.pack};
		case 'change':
			return {type: 'change-pack', name: choice.pack};
		case 'reapply':
			return {type: 'open-pack', name: choice.pack};
		case 'export-ansible':
			return {type: 'export-ansible', name: choice.pack};
	}
}
