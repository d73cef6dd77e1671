// Step 0, only when packs are saved: a new pack, or one of the saved ones.
import {Text} from 'ink';
import {PickList} from '../../components/pick-list.js';
import {useMemo} from 'react';
import {Screen} from '../../components/screen.js';
import {fit} from '../host-label.js';
import {listRows, wrappedLines, screenErrors, type ScreenArgs} from './common.js';

const NEW = '\u0000new';

export function StartScreen({state, dispatch, size}: ScreenArgs) {
	const items = useMemo(
		() => [
			{label: 'Create a new pack', value: NEW},
			...state.packs.map(pack => ({
				label: fit(`Add a slave to ${pack.name}`, size.columns - 4),
				value: pack.name,
			})),
		],
		[state.packs, size.columns],
	);
	const errors = screenErrors(state);
	const limit = listRows(size, wrappedLines(errors, size.columns), 1);
	return (
		<Screen
			title="Start"
			hint="Set up a new pack, or open a saved one to add a slave."
			errors={errors}
			keys="Up/Down choose   Enter open   Ctrl-C quit"
			width={size.columns}
		>
			<PickList
				items={items}
				limit={limit}
				onSelect={item => dispatch(item.value === NEW ? {type: 'start-new'} : {type: 'open-pack', name: item.value})}
			/>
			{items.length > limit ? <Text dimColor>{`${items.length} entries; scroll with Up/Down`}</Text> : null}
		</Screen>
	);
}
