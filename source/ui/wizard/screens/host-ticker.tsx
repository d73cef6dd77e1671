// The host picker with ticks, shared by "Tick the slaves" and "Add a slave":
// the candidates, then "+ Add a host…" (ticking it and pressing Enter opens the form).
import {MultiSelect} from '@inkjs/ui';
import {Text} from 'ink';
import {useCallback, useMemo} from 'react';
import type {Host} from '../../../pack/types.js';
import {ADD_HOST_LABEL, hostLabel, nameColumn} from '../host-label.js';

const ADD = '\u0000add';

export type HostTickerProps = {
	candidates: readonly Host[];
	ticked: readonly string[];
	width: number;
	/** Rows the list may take (the count line below it is extra). */
	limit: number;
	onTick: (names: string[]) => void;
	onSubmit: () => void;
	onAddHost: () => void;
};

export function HostTicker({candidates, ticked, width, limit, onTick, onSubmit, onAddHost}: HostTickerProps) {
	const options = useMemo(() => {
		const column = nameColumn(candidates);
		return [
			...candidates.map(host => ({label: hostLabel(host, column, width - 6), value: host.name})),
			{label: ADD_HOST_LABEL, value: ADD},
		];
	}, [candidates, width]);
	// Ticks are kept in the wizard state as they change, so Esc keeps them too.
	const onChange = useCallback((values: string[]) => onTick(values.filter(value => value !== ADD)), [onTick]);
	const onEnter = useCallback((values: string[]) => (values.includes(ADD) ? onAddHost() : onSubmit()), [onAddHost, onSubmit]);
	const names = new Set(candidates.map(host => host.name));
	return (
		<>
			<MultiSelect
				options={options}
				defaultValue={ticked.filter(name => names.has(name))}
				visibleOptionCount={limit}
				onChange={onChange}
				onSubmit={onEnter}
			/>
			{options.length > limit ? <Text dimColor>{`${candidates.length} hosts; scroll with Up/Down`}</Text> : null}
		</>
	);
}
