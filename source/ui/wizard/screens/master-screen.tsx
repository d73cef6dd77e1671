// Step 2: the master, the web head that gets platform and site code by rsync.
import {Text} from 'ink';
import {PickList} from '../../components/pick-list.js';
import {useMemo} from 'react';
import {Screen} from '../../components/screen.js';
import {ADD_HOST_LABEL, hostLabel, nameColumn} from '../host-label.js';
import {listRows, wrappedLines, progress, screenErrors, type ScreenArgs} from './common.js';

const ADD = '\u0000add';

export function MasterScreen({state, dispatch, size}: ScreenArgs) {
	const items = useMemo(() => {
		const width = nameColumn(state.hosts);
		return [
			...state.hosts.map(host => ({label: hostLabel(host, width, size.columns - 4), value: host.name})),
			{label: ADD_HOST_LABEL, value: ADD},
		];
	}, [state.hosts, size.columns]);
	const errors = screenErrors(state);
	const limit = listRows(size, wrappedLines(errors, size.columns), 1);
	const current = items.findIndex(item => item.value === state.answers.master);
	return (
		<Screen
			title="Pick the master"
			progress={progress('master')}
			hint={
				state.hosts.length === 0
					? 'No known hosts yet (none saved, none in ~/.ssh/config): add one.'
					: 'The web head that gets platform and site code by rsync.'
			}
			errors={errors}
			keys="Up/Down choose   Enter next   Esc back   Ctrl-C quit"
			width={size.columns}
		>
			<PickList
				items={items}
				limit={limit}
				initialIndex={Math.max(0, current)}
				onSelect={item =>
					dispatch(item.value === ADD ? {type: 'open-add-host', returnTo: 'master'} : {type: 'choose-master', name: item.value})
				}
			/>
			{items.length > limit ? <Text dimColor>{`${state.hosts.length} hosts; scroll with Up/Down`}</Text> : null}
		</Screen>
	);
}
