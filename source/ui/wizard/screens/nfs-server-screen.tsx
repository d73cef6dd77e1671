// Step 4: who exports the share. The master is the usual choice; any host,
// including a separate storage host, is allowed.
import {Text} from 'ink';
import {PickList} from '../../components/pick-list.js';
import {useMemo} from 'react';
import {Screen} from '../../components/screen.js';
import {aegirFirst} from '../aegir-hosts.js';
import {ADD_HOST_LABEL, fit, hostRows} from '../host-label.js';
import {listRows, wrappedLines, progress, screenErrors, screenWarnings, type ScreenArgs} from './common.js';

const MASTER = '\u0000master';
const ADD = '\u0000add';

export function NfsServerScreen({state, dispatch, size}: ScreenArgs) {
	const {master, slaves, nfsServer} = state.answers;
	const items = useMemo(() => {
		// Aegir's web servers first, marked.
		const others = aegirFirst(state.hosts.filter(host => host.name !== master), state.aegir.hosts);
		const rows = hostRows(others, size.columns - 4, state.aegir.hosts, host =>
			slaves.includes(host.name) ? '(slave)' : '(not a web head)',
		);
		return [
			{label: fit(`The master, ${master ?? '?'} (recommended)`, size.columns - 4), value: MASTER},
			...rows.map(row => ({label: row.label, note: row.mark, value: row.host.name})),
			{label: ADD_HOST_LABEL, value: ADD},
		];
	}, [state.hosts, state.aegir.hosts, master, slaves, size.columns]);
	const errors = screenErrors(state);
	const warnings = screenWarnings(state);
	const limit = listRows(size, wrappedLines([...errors, ...warnings], size.columns), 1);
	const current = nfsServer.kind === 'master' ? 0 : items.findIndex(item => item.value === nfsServer.name);
	return (
		<Screen
			title="Pick the NFS server"
			progress={progress('nfsServer')}
			hint="It exports the platforms to the other web heads: a single point of failure."
			errors={errors}
			warnings={warnings}
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
