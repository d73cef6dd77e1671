// Rows of dim text, already cut to the terminal width (see noteRows).
import {Box, Text} from 'ink';

export function DimRows({rows, marginTop = 0}: {rows: readonly string[]; marginTop?: number}) {
	if (rows.length === 0) return null;
	return (
		<Box flexDirection="column" marginTop={marginTop}>
			{rows.map((row, index) => (
				<Text key={index} dimColor wrap="truncate-end">
					{row}
				</Text>
			))}
		</Box>
	);
}
