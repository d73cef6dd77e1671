// The frame of every wizard screen: title and progress, a one-line hint, any
// errors, the body, and the keys line at the bottom.
import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {Messages} from './messages.js';

export type ScreenProps = {
	title: string;
	/** e.g. "Step 2 of 6". */
	progress?: string;
	hint: string;
	/** Shown in red under the hint (e.g. a refused flag value). */
	errors?: readonly string[];
	/** Shown in yellow under the errors (e.g. Aegir alias files that were skipped). */
	warnings?: readonly string[];
	/** The keys line; the default names Enter, Esc and Ctrl-C. */
	keys?: string;
	width: number;
	children: ReactNode;
};

export const DEFAULT_KEYS = 'Enter next   Esc back   Ctrl-C quit';

/** Lines the frame itself takes: title, hint, the gap above the body, the gap and keys line below. */
export const FRAME_LINES = 5;

export function Screen({title, progress, hint, errors = [], warnings = [], keys = DEFAULT_KEYS, width, children}: ScreenProps) {
	return (
		<Box flexDirection="column" width={width}>
			<Box justifyContent="space-between">
				<Text bold wrap="truncate-end">
					aegir-pack: {title}
				</Text>
				{progress ? <Text dimColor>{progress}</Text> : null}
			</Box>
			<Text dimColor wrap="truncate-end">
				{hint}
			</Text>
			<Messages kind="error" messages={errors} />
			<Messages kind="warning" messages={warnings} />
			<Box flexDirection="column" marginTop={1}>
				{children}
			</Box>
			<Box marginTop={1}>
				<Text dimColor wrap="truncate-end">
					{keys}
				</Text>
			</Box>
		</Box>
	);
}
