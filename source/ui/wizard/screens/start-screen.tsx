// The start menu, only when packs are saved: a new pack first, then for each
// saved pack what can be done with it. The list scrolls at 80x24.
import {Text} from 'ink';
import {useMemo} from 'react';
import {PickList} from '../../components/pick-list.js';
import {Screen} from '../../components/screen.js';
import {menuAction, menuItems} from '../menu.js';
import {listRows, wrappedLines, screenErrors, type ScreenArgs} from './common.js';

export function StartScreen({state, dispatch, size}: ScreenArgs) {
	const items = useMemo(() => menuItems(state.packs, size.columns - 4), [state.packs, size.columns]);
	const errors = screenErrors(state);
	const limit = listRows(size, wrappedLines(errors, size.columns), 1);
	return (
		<Screen
			title="Start"
			hint={`Create a new pack, or pick what to do with a saved one (${state.packs.length} saved).`}
			errors={errors}
			keys="Up/Down choose   Enter open   Ctrl-C quit"
			width={size.columns}
		>
			<PickList items={items} limit={limit} onSelect={item => dispatch(menuAction(item.value))} />
			{items.length > limit ? <Text dimColor>{`${items.length} entries; scroll with Up/Down`}</Text> : null}
		</Screen>
	);
}
