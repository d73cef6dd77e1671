// The health table on screen: the same cells as the plain text, coloured.
import {Box, Text} from 'ink';
import type {HealthReport} from '../../health/types.js';
import {healthGrid, MARK_WIDTH, padCell, type Tone} from '../../report/health-grid.js';

const COLOUR: Record<Tone, string | undefined> = {ok: 'green', bad: 'red', none: undefined, plain: undefined};

export function HealthTable({report, columns}: {report: HealthReport; columns: number}) {
	const grid = healthGrid(report, columns);
	const gap = (index: number) => ' '.repeat(grid.columns[index]!.gap);
	return (
		<Box flexDirection="column">
			<Text bold wrap="truncate-end">
				{' '.repeat(MARK_WIDTH)}
				{grid.columns.map((column, index) => gap(index) + padCell(column.head, grid.widths[index]!, column.align)).join('')}
			</Text>
			{grid.lines.map(line => (
				<Text key={line.row.host} wrap="truncate-end">
					<Text color={COLOUR[line.mark.tone]}>{line.mark.text} </Text>
					{line.cells.map((cell, index) => (
						<Text key={grid.columns[index]!.key} color={COLOUR[cell.tone]} dimColor={cell.tone === 'none'}>
							{gap(index)}
							{padCell(cell.text, grid.widths[index]!, grid.columns[index]!.align)}
						</Text>
					))}
				</Text>
			))}
		</Box>
	);
}
