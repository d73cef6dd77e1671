// Step 2: the master, the web head that gets platform and site code by rsync.
import {Text} from 'ink';
import {PickList} from '../../components/pick-list.js';
import {useMemo} from 'react';
import {Screen} from '../../components/screen.js';
import {aegirFirst} from '../aegir-hosts.js';
import {ADD_HOST_LABEL, hostRows} from '../host-label.js';
import {listRows, wrappedLines, progress, screenErrors, screenWarnings, type ScreenArgs} from './common.js';

const ADD = '\u0000add';

export function MasterScreen({state, dispatch, size}: ScreenArgs) {
	const items = useMemo(() => {
		// Aegir's web servers first, marked.
		const rows = hostRows(aegirFirst(state.hosts, state.aegir.hosts), size.columns - 4, state.aegir.hosts);
		return [
			...rows.map(row => ({label: row.label, note: row.mark, value: row.host.name})),
			{label: ADD_HOST_LABEL, value: ADD},
		];
	}, [state.hosts, state.aegir.hosts, size.columns]);
	const errors = screenErrors(state);
	const warnings = screenWarnings(state);
	const limit = listRows(size, wrappedLines([...errors, ...warnings], size.columns), 1);
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
			warnings={warnings}
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
