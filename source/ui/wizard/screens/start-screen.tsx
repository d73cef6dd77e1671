// The start menu, only when packs are saved: a new pack first, then for each
// saved pack what can be done with it. The list scrolls at 80x24. Saved packs
// Aegir already has are marked; Aegir's other packs are listed below, dim.
import {Text} from 'ink';
import {useMemo} from 'react';
import {PickList} from '../../components/pick-list.js';
import {Screen} from '../../components/screen.js';
import {noteRows, registeredPackNames, unsavedAegirPacks} from '../aegir-notes.js';
import {menuAction, menuItems} from '../menu.js';
import {listRows, wrappedLines, screenErrors, screenWarnings, type ScreenArgs} from './common.js';
import {DimRows} from './dim-rows.js';

/** Rows for Aegir's packs not saved here: the menu keeps most of 80x24. */
export const MAX_AEGIR_NOTE_ROWS = 4;

export function StartScreen({state, dispatch, size}: ScreenArgs) {
	const registered = useMemo(() => registeredPackNames(state), [state.packs, state.aegir.servers]);
	const items = useMemo(() => menuItems(state.packs, size.columns - 4, registered), [state.packs, registered, size.columns]);
	const notes = useMemo(
		() =>
			noteRows(unsavedAegirPacks(state), size.columns, MAX_AEGIR_NOTE_ROWS, count => `… and ${count} more registered in Aegir, not saved here`),
		[state.packs, state.aegir.servers, size.columns],
	);
	const errors = screenErrors(state);
	const warnings = screenWarnings(state);
	const limit = listRows(size, wrappedLines([...errors, ...warnings], size.columns), 1 + notes.length);
	return (
		<Screen
			title="Start"
			hint={`Create a new pack, or pick what to do with a saved one (${state.packs.length} saved).`}
			errors={errors}
			warnings={warnings}
			keys="Up/Down choose   Enter open   Ctrl-C quit"
			width={size.columns}
		>
			<PickList items={items} limit={limit} onSelect={item => dispatch(menuAction(item.value))} />
			{items.length > limit ? <Text dimColor>{`${items.length} entries; scroll with Up/Down`}</Text> : null}
			<DimRows rows={notes} />
		</Screen>
	);
}
