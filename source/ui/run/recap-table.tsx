// The end-of-run table, one row per host (like Ansible's PLAY RECAP):
// non-zero counts coloured, the host marked ✔ or ✖.
import {Box, Text} from 'ink';
import type {RecapRow} from '../../contracts/events.js';
import {RECAP_COLUMNS, recapLines, type RecapColumn} from '../../report/recap-text.js';

const COLOURS: Partial<Record<RecapColumn, string>> = {ok: 'green', changed: 'yellow', failed: 'red', skipped: 'cyan'};

function mark(row: RecapRow | undefined) {
	if (!row) return <Text> </Text>;
	return row.failed > 0 ? <Text color="red">✖</Text> : <Text color="green">✔</Text>;
}

export function RecapTable({rows}: {rows: readonly RecapRow[]}) {
	return (
		<Box flexDirection="column">
			{recapLines(rows).map(line => (
				<Box key={line.row?.host ?? '(header)'}>
					<Box width={2} flexShrink={0}>
						{mark(line.row)}
					</Box>
					{RECAP_COLUMNS.map((column, index) => {
						const value = line.row && column !== 'host' && column !== 'time' ? line.row[column] : 0;
						const colour = value > 0 ? COLOURS[column] : undefined;
						return (
							<Box key={column} flexShrink={0} marginLeft={index === 0 ? 0 : 2}>
								<Text bold={!line.row || column === 'host'} color={colour} dimColor={!line.row}>
									{line.cells[column]}
								</Text>
							</Box>
						);
					})}
				</Box>
			))}
		</Box>
	);
}
