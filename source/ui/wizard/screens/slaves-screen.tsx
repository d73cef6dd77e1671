// Step 3: the slaves, web heads that see the code over NFS. Zero is allowed.
import {Text} from 'ink';
import {MultiSelect} from '@inkjs/ui';
import {useCallback, useMemo} from 'react';
import {Messages} from '../../components/messages.js';
import {Screen} from '../../components/screen.js';
import {ADD_HOST_LABEL, hostLabel, nameColumn} from '../host-label.js';
import {listRows, wrappedLines, progress, screenErrors, type ScreenArgs} from './common.js';

const ADD = '\u0000add';

export function SlavesScreen({state, dispatch, size}: ScreenArgs) {
	const candidates = useMemo(
		() => state.hosts.filter(host => host.name !== state.answers.master),
		[state.hosts, state.answers.master],
	);
	const options = useMemo(() => {
		const width = nameColumn(candidates);
		return [
			...candidates.map(host => ({label: hostLabel(host, width, size.columns - 6), value: host.name})),
			{label: ADD_HOST_LABEL, value: ADD},
		];
	}, [candidates, size.columns]);
	// Ticks are kept in the state as they change, so Esc keeps them too.
	const onChange = useCallback(
		(values: string[]) => dispatch({type: 'tick-slaves', names: values.filter(value => value !== ADD)}),
		[dispatch],
	);
	const onSubmit = useCallback(
		(values: string[]) =>
			dispatch(values.includes(ADD) ? {type: 'open-add-host', returnTo: 'slaves'} : {type: 'submit-slaves'}),
		[dispatch],
	);
	const none = state.answers.slaves.length === 0;
	const errors = screenErrors(state);
	const limit = listRows(size, wrappedLines(errors, size.columns), 2);
	return (
		<Screen
			title="Tick the slaves"
			progress={progress('slaves')}
			hint='Web heads that see the code over NFS. New host: tick "+ Add a host…", Enter.'
			errors={errors}
			keys="Up/Down move   Space tick   Enter next   Esc back   Ctrl-C quit"
			width={size.columns}
		>
			<MultiSelect
				options={options}
				defaultValue={state.answers.slaves}
				visibleOptionCount={limit}
				onChange={onChange}
				onSubmit={onSubmit}
			/>
			{options.length > limit ? <Text dimColor>{`${candidates.length} hosts; scroll with Up/Down`}</Text> : null}
			{none ? (
				<Messages kind="warning" messages={['No slave ticked: allowed, but the pack will have one web head.']} />
			) : (
				<Text dimColor wrap="truncate-end">{`${state.answers.slaves.length} ticked: ${state.answers.slaves.join(', ')}`}</Text>
			)}
		</Screen>
	);
}
