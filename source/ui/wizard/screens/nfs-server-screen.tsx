// Step 4: who exports the share. The master is the usual choice; any host,
// including a separate storage host, is allowed.
import {Text} from 'ink';
import {PickList} from '../../components/pick-list.js';
import {useMemo} from 'react';
import {Screen} from '../../components/screen.js';
import {ADD_HOST_LABEL, fit, hostLabel, nameColumn, sshTarget} from '../host-label.js';
import {listRows, wrappedLines, progress, screenErrors, type ScreenArgs} from './common.js';

const MASTER = '\u0000master';
const ADD = '\u0000add';

export function NfsServerScreen({state, dispatch, size}: ScreenArgs) {
	const {master, slaves, nfsServer} = state.answers;
	const items = useMemo(() => {
		const others = state.hosts.filter(host => host.name !== master);
		const width = nameColumn(others);
		const targetWidth = Math.min(40, Math.max(0, ...others.map(host => sshTarget(host).length)));
		return [
			{label: fit(`The master, ${master ?? '?'} (recommended)`, size.columns - 4), value: MASTER},
			...others.map(host => ({
				label: hostLabel(host, width, size.columns - 4, slaves.includes(host.name) ? '(slave)' : '(not a web head)', targetWidth),
				value: host.name,
			})),
			{label: ADD_HOST_LABEL, value: ADD},
		];
	}, [state.hosts, master, slaves, size.columns]);
	const errors = screenErrors(state);
	const limit = listRows(size, wrappedLines(errors, size.columns), 1);
	const current = nfsServer.kind === 'master' ? 0 : items.findIndex(item => item.value === nfsServer.name);
	return (
		<Screen
			title="Pick the NFS server"
			progress={progress('nfsServer')}
			hint="It exports the platforms to the other web heads: a single point of failure."
			errors={errors}
			keys="Up/Down choose   Enter next   Esc back   Ctrl-C quit"
			width={size.columns}
		>
			<PickList
				items={items}
				limit={limit}
				initialIndex={Math.max(0, current)}
				onSelect={item => {
					if (item.value === ADD) dispatch({type: 'open-add-host', returnTo: 'nfsServer'});
					else if (item.value === MASTER) dispatch({type: 'choose-nfs', choice: {kind: 'master'}});
					else dispatch({type: 'choose-nfs', choice: {kind: 'host', name: item.value}});
				}}
			/>
			{items.length > limit ? <Text dimColor>{`${items.length} entries; scroll with Up/Down`}</Text> : null}
		</Screen>
	);
}
