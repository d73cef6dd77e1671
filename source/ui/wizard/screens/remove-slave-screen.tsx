// "Remove a slave": pick one slave of the pack; its review comes next.
import {Text} from 'ink';
import {useMemo} from 'react';
import {PickList} from '../../components/pick-list.js';
import {Screen} from '../../components/screen.js';
import {hostLabel, nameColumn} from '../host-label.js';
import {rerunPack} from '../rerun-selectors.js';
import {listRows, wrappedLines, screenErrors, screenWarnings, type ScreenArgs} from './common.js';

export function RemoveSlaveScreen({state, dispatch, size}: ScreenArgs) {
	const pack = rerunPack(state);
	const items = useMemo(() => {
		const slaves = pack?.slaves ?? [];
		const width = nameColumn(slaves);
		return slaves.map(host => ({
			label: hostLabel(host, width, size.columns - 4, host.name === pack?.nfsServer.name ? '(NFS server)' : ''),
			value: host.name,
		}));
	}, [pack, size.columns]);
	const errors = screenErrors(state);
	const warnings = screenWarnings(state);
	const limit = listRows(size, wrappedLines([...errors, ...warnings], size.columns), 1);
	const chosen = state.rerun?.kind === 'remove-slave' ? state.rerun.host : undefined;
	const current = items.findIndex(item => item.value === chosen);
	return (
		<Screen
			title={`Remove a slave from ${state.rerun?.pack ?? '?'}`}
			hint="Its share is unmounted and its fstab entry removed; nothing else changes on it."
			errors={errors}
			warnings={warnings}
			keys={items.length > 0 ? 'Up/Down choose   Enter review   Esc menu   Ctrl-C quit' : 'Esc menu   Ctrl-C quit'}
			width={size.columns}
		>
			{items.length > 0 ? (
				<PickList
					items={items}
					limit={limit}
					initialIndex={Math.max(0, current)}
					onSelect={item => dispatch({type: 'choose-remove-slave', name: item.value})}
				/>
			) : (
				<Text>{`Pack ${state.rerun?.pack ?? '?'} has no slave to remove.`}</Text>
			)}
			{items.length > limit ? <Text dimColor>{`${items.length} slaves; scroll with Up/Down`}</Text> : null}
		</Screen>
	);
}
