// The start menu as plain data: "Create a new pack" first, then each saved
// pack's entries, and the reducer action each entry dispatches.
import type {Pack} from '../../pack/types.js';
import {fit} from './host-label.js';
import type {WizardAction} from './types.js';

export type PackEntry = 'add-slave' | 'remove-slave' | 'check-health' | 'change' | 'reapply';

export type MenuChoice = {kind: 'new'} | {kind: PackEntry; pack: string};

export const PACK_ENTRIES: ReadonlyArray<{kind: PackEntry; label: string}> = [
	{kind: 'add-slave', label: 'Add a slave'},
	{kind: 'remove-slave', label: 'Remove a slave'},
	{kind: 'check-health', label: 'Check health'},
	{kind: 'change', label: 'Change subnet / options'},
	{kind: 'reapply', label: 'Re-apply'},
];

export const NEW_PACK_LABEL = 'Create a new pack';

/** One row per entry; every row names its pack, so a scrolled list is never ambiguous. */
export function menuItems(packs: readonly Pack[], width: number): Array<{label: string; value: MenuChoice}> {
	const column = Math.min(Math.max(...packs.map(pack => pack.name.length), 4), Math.max(8, width - 30));
	return [
		{label: NEW_PACK_LABEL, value: {kind: 'new'}},
		...packs.flatMap(pack =>
			PACK_ENTRIES.map(entry => ({
				label: fit(`${fit(pack.name, column).padEnd(column)}  ${entry.label}`, width),
				value: {kind: entry.kind, pack: pack.name},
			})),
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
	}
}
