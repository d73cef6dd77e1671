// The question before exporting to a wide subnet: how many addresses could
// mount the share, then y (export) or n / Enter / Esc (go back). Used on the
// export screen and on the review (a saved pack is asked about again).
import {Box, Text, useInput} from 'ink';
import type {Dispatch} from 'react';
import type {WizardAction} from '../types.js';

export function WideExportQuestion({lines, dispatch}: {lines: readonly string[]; dispatch: Dispatch<WizardAction>}) {
	useInput(input => {
		if (input === 'y' || input === 'Y') dispatch({type: 'answer-wide-export', yes: true});
		else if (input === 'n' || input === 'N' || /^[\r\n]+$/.test(input)) dispatch({type: 'answer-wide-export', yes: false});
	});
	return (
		<Box flexDirection="column" marginTop={1}>
			{lines.map((line, index) => (
				<Text key={index} color="yellow" wrap="wrap">
					{line}
				</Text>
			))}
			<Text bold>y export that wide   n (or Enter) go back</Text>
		</Box>
	);
}
