// The host picker with ticks, shared by "Tick the slaves" and "Add a slave":
// the candidates (Aegir's web servers first, marked), then "+ Add a host…"
// (ticking it and pressing Enter opens the form).
import {MultiSelect, ThemeProvider, defaultTheme, extendTheme} from '@inkjs/ui';
import {Text} from 'ink';
import {useCallback, useMemo} from 'react';
import type {Host} from '../../../pack/types.js';
import {aegirFirst} from '../aegir-hosts.js';
import {ADD_HOST_LABEL, AEGIR_MARK, hostRows} from '../host-label.js';

const ADD = '\u0000add';
const NONE: readonly string[] = [];

// MultiSelect labels are plain strings: its "highlighted text" is how the Aegir mark shows dim.
const DIM_MARK = extendTheme(defaultTheme, {
	components: {MultiSelect: {styles: {highlightedText: () => ({dimColor: true})}}},
});

export type HostTickerProps = {
	candidates: readonly Host[];
	ticked: readonly string[];
	width: number;
	/** Rows the list may take (the count line below it is extra). */
	limit: number;
	/** Names of the candidates that are Aegir's web servers. */
	aegir?: readonly string[];
	onTick: (names: string[]) => void;
	onSubmit: () => void;
	onAddHost: () => void;
};

export function HostTicker({candidates, ticked, width, limit, aegir = NONE, onTick, onSubmit, onAddHost}: HostTickerProps) {
	const options = useMemo(
		() => [
			...hostRows(aegirFirst(candidates, aegir), width - 6, aegir).map(row => ({label: `${row.label}${row.mark}`, value: row.host.name})),
			{label: ADD_HOST_LABEL, value: ADD},
		],
		[candidates, aegir, width],
	);
	// Ticks are kept in the wizard state as they change, so Esc keeps them too.
	const onChange = useCallback((values: string[]) => onTick(values.filter(value => value !== ADD)), [onTick]);
	const onEnter = useCallback((values: string[]) => (values.includes(ADD) ? onAddHost() : onSubmit()), [onAddHost, onSubmit]);
	const names = new Set(candidates.map(host => host.name));
	return (
		<>
			<ThemeProvider theme={DIM_MARK}>
				<MultiSelect
					options={options}
					defaultValue={ticked.filter(name => names.has(name))}
					visibleOptionCount={limit}
					highlightText={aegir.length > 0 ? AEGIR_MARK : undefined}
					onChange={onChange}
					onSubmit={onEnter}
				/>
			</ThemeProvider>
			{options.length > limit ? <Text dimColor>{`${candidates.length} hosts; scroll with Up/Down`}</Text> : null}
		</>
	);
}
