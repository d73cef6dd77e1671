// "Add a slave": tick hosts (known or new) not already in the pack. Hosts the
// export does not allow yet are named with the subnets here; the review shows
// the exact widening, which confirming it agrees to.
import {Text} from 'ink';
import {useCallback, useMemo} from 'react';
import {Messages} from '../../components/messages.js';
import {Screen} from '../../components/screen.js';
import {addCandidates, addPickProblems, outsideSubnets} from '../rerun-selectors.js';
import {listRows, wrappedLines, screenErrors, screenWarnings, type ScreenArgs} from './common.js';
import {HostTicker} from './host-ticker.js';

export function AddSlaveScreen({state, dispatch, size}: ScreenArgs) {
	const candidates = useMemo(() => addCandidates(state), [state.hosts, state.packs, state.rerun?.pack]);
	const onTick = useCallback((names: string[]) => dispatch({type: 'tick-add-slaves', names}), [dispatch]);
	const onSubmit = useCallback(() => dispatch({type: 'submit-add-slaves'}), [dispatch]);
	const onAddHost = useCallback(() => dispatch({type: 'open-add-host', returnTo: 'add-slave'}), [dispatch]);
	const ticked = state.rerun?.kind === 'add-slave' ? state.rerun.hosts : [];
	const errors = [...screenErrors(state), ...(state.tried.includes('add-slave') ? addPickProblems(state) : [])];
	const warnings = screenWarnings(state);
	const outside = outsideSubnets(state);
	const below = ticked.length === 0 ? 0 : 1 + wrappedLines(outside, size.columns);
	const limit = listRows(size, wrappedLines([...errors, ...warnings], size.columns), 1 + below);
	return (
		<Screen
			title={`Add a slave to ${state.rerun?.pack ?? '?'}`}
			hint='Hosts not in the pack yet. New host: tick "+ Add a host…", Enter.'
			errors={errors}
			warnings={warnings}
			keys="Up/Down move   Space tick   Enter review   Esc menu   Ctrl-C quit"
			width={size.columns}
		>
			<HostTicker
				candidates={candidates}
				ticked={ticked}
				width={size.columns}
				limit={limit}
				aegir={state.aegir.hosts}
				onTick={onTick}
				onSubmit={onSubmit}
				onAddHost={onAddHost}
			/>
			{ticked.length > 0 ? <Text dimColor wrap="truncate-end">{`${ticked.length} ticked: ${ticked.join(', ')}`}</Text> : null}
			<Messages kind="warning" messages={outside} />
		</Screen>
	);
}
