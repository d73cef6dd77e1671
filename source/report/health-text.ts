// `aegir-pack status` without a terminal: the health table as plain text (red
// problems when colour is on), and the same report as JSON for monitoring.

import type {HealthReport} from '../health/types.js';
import {paint, type Colour} from './ansi-colour.js';
import {cellPadding, healthGrid, healthSummary, MARK_WIDTH, padCell, problemLines, timesLine, type Tone} from './health-grid.js';

const TONE_COLOUR: Record<Tone, Colour | undefined> = {ok: 'green', bad: 'red', none: 'dim', plain: undefined};

export type HealthTableOptions = {columns: number; colour: boolean};

export function healthTable(report: HealthReport, options: HealthTableOptions): string {
	const {colour} = options;
	const tone = (value: Tone, text: string) => {
		const name = TONE_COLOUR[value];
		return name ? paint(colour, name, text) : text;
	};

	const grid = healthGrid(report, options.columns);
	const gap = (index: number) => ' '.repeat(grid.columns[index]!.gap);
	const head = grid.columns.map((column, index) => gap(index) + padCell(column.head, grid.widths[index]!, column.align)).join('');
	const lines = [
		paint(colour, report.healthy ? 'green' : 'red', healthSummary(report)),
		timesLine(report),
		'',
		(' '.repeat(MARK_WIDTH) + paint(colour, 'bold', head)).trimEnd(),
		...grid.lines.map(line => {
			const cells = line.cells.map((cell, index) => {
				// Colour the text only, so the padding stays plain and columns line up either way.
				const [before, after] = cellPadding(cell.text, grid.widths[index]!, grid.columns[index]!.align);
				return gap(index) + before + tone(cell.tone, cell.text) + after;
			});
			return `${tone(line.mark.tone, line.mark.text)} ${cells.join('')}`.trimEnd();
		}),
	];
	const problems = problemLines(report);
	if (problems.length > 0) lines.push('', 'Problems:', ...problems.map(problem => paint(colour, 'red', problem)));
	return `${lines.join('\n')}\n`;
}

/** The report as it is, for monitoring: one JSON document, two-space indented. */
export function healthJson(report: HealthReport): string {
	return `${JSON.stringify(report, null, 2)}\n`;
}
