// Step 3: the slaves, web heads that see the code over NFS. Zero is allowed.
import {Text} from 'ink';
import {useCallback, useMemo} from 'react';
import {Messages} from '../../components/messages.js';
import {Screen} from '../../components/screen.js';
import {listRows, wrappedLines, progress, screenErrors, screenWarnings, type ScreenArgs} from './common.js';
import {HostTicker} from './host-ticker.js';

export function SlavesScreen({state, dispatch, size}: ScreenArgs) {
	const candidates = useMemo(
		() => state.hosts.filter(host => host.name !== state.answers.master),
		[state.hosts, state.answers.master],
	);
	const onTick = useCallback((names: string[]) => dispatch({type: 'tick-slaves', names}), [dispatch]);
	const onSubmit = useCallback(() => dispatch({type: 'submit-slaves'}), [dispatch]);
	const onAddHost = useCallback(() => dispatch({type: 'open-add-host', returnTo: 'slaves'}), [dispatch]);
	const none = state.answers.slaves.length === 0;
	const errors = screenErrors(state);
	const warnings = screenWarnings(state);
	const limit = listRows(size, wrappedLines([...errors, ...warnings], size.columns), 2);
	return (
		<Screen
			title="Tick the slaves"
			progress={progress('slaves')}
			hint='Web heads that see the code over NFS. New host: tick "+ Add a host…", Enter.'
			errors={errors}
			warnings={warnings}
			keys="Up/Down move   Space tick   Enter next   Esc back   Ctrl-C quit"
			width={size.columns}
		>
			<HostTicker
				candidates={candidates}
				ticked={state.answers.slaves}
				width={size.columns}
				limit={limit}
				aegir={state.aegir.hosts}
				onTick={onTick}
				onSubmit={onSubmit}
				onAddHost={onAddHost}
			/>
			{none ? (
				<Messages kind="warning" messages={['No slave ticked: allowed, but the pack will have one web head.']} />
			) : (
				<Text dimColor wrap="truncate-end">{`${state.answers.slaves.length} ticked: ${state.answers.slaves.join(', ')}`}</Text>
			)}
		</Screen>
	);
}
