// The recap as aligned columns (like Ansible's PLAY RECAP). The plain reporter
// prints the cells joined; the run screen colours the same cells.
import type {RecapRow} from '../contracts/events.js';
import {formatDuration} from './format-duration.js';

export type RecapColumn = 'host' | 'ok' | 'changed' | 'failed' | 'skipped' | 'time';

export const RECAP_COLUMNS: readonly RecapColumn[] = ['host', 'ok', 'changed', 'failed', 'skipped', 'time'];

/** One row of padded cells; `row` is undefined for the header. */
export type RecapLine = {row?: RecapRow; cells: Record<RecapColumn, string>};

const GAP = '  ';

function rawCells(row: RecapRow): Record<RecapColumn, string> {
	return {
		host: row.host,
		ok: String(row.ok),
		changed: String(row.changed),
		failed: String(row.failed),
		skipped: String(row.skipped),
		time: formatDuration(row.durationMs),
	};
}

/** Header then one line per host, every column padded to the same width (host left, numbers right). */
export function recapLines(rows: readonly RecapRow[]): RecapLine[] {
	const header: Record<RecapColumn, string> = {host: 'RECAP', ok: 'ok', changed: 'changed', failed: 'failed', skipped: 'skipped', time: 'time'};
	const raw = rows.map(rawCells);
	const width = {} as Record<RecapColumn, number>;
	for (const column of RECAP_COLUMNS) {
		width[column] = Math.max(header[column].length, ...raw.map(cells => cells[column].length));
	}

	const pad = (cells: Record<RecapColumn, string>): Record<RecapColumn, string> => {
		const padded = {} as Record<RecapColumn, string>;
		for (const column of RECAP_COLUMNS) {
			padded[column] = column === 'host' ? cells[column].padEnd(width[column]) : cells[column].padStart(width[column]);
		}

		return padded;
	};

	return [{cells: pad(header)}, ...rows.map((row, index) => ({row, cells: pad(raw[index] ?? rawCells(row))}))];
}

/** Cells of one line joined with the column gap, optionally transformed (coloured) per column. */
export function joinRecapCells(
	line: RecapLine,
	paint: (column: RecapColumn, text: string, line: RecapLine) => string = (_column, text) => text,
): string {
	return RECAP_COLUMNS.map(column => paint(column, line.cells[column], line)).join(GAP);
}

/** Total width of a recap line, to decide whether it fits the screen. */
export function recapWidth(lines: readonly RecapLine[]): number {
	const first = lines[0];
	return first ? joinRecapCells(first).length : 0;
}
