// The terminal's size, following resizes. Screens size their lists from it so
// the wizard fits 80x24; tests pass a fixed size instead of a real terminal.
import {useStdout} from 'ink';
import {useEffect, useState} from 'react';

export type TerminalSize = {columns: number; rows: number};

export const FALLBACK_SIZE: TerminalSize = {columns: 80, rows: 24};

export function useTerminalSize(fixed?: TerminalSize): TerminalSize {
	const {stdout} = useStdout();
	const read = (): TerminalSize => ({
		columns: stdout.columns > 0 ? stdout.columns : FALLBACK_SIZE.columns,
		rows: stdout.rows > 0 ? stdout.rows : FALLBACK_SIZE.rows,
	});
	const [size, setSize] = useState(read);
	useEffect(() => {
		if (fixed) return;
		const onResize = () => setSize(read());
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout, fixed]);
	return fixed ?? size;
}
