// The health table as cells: one line per host, short column heads, ✔ ✖ –
// marks. The plain text and the Ink view draw the same cells, so both fit
// the same width and say the same thing.

import type {HealthCheck, HealthReport, HealthRow} from '../health/types.js';
import {roleLabel} from './role-label.js';
import {sanitizeLine} from './terminal-text.js';

export type Tone = 'ok' | 'bad' | 'none' | 'plain';

export type HealthCell = {text: string; tone: Tone};

export type GridColumn = {key: string; head: string; align: 'left' | 'center'; gap: number};

export type HealthGridLine = {row: HealthRow; mark: HealthCell; cells: HealthCell[]};

export type HealthGrid = {columns: GridColumn[]; widths: number[]; lines: HealthGridLine[]};

export const MARK = {ok: '✔', bad: '✖', none: '–'} as const;

/** Check id → column head; the order is the column order. */
const CHECK_COLUMNS: ReadonlyArray<[string, string]> = [
	['export', 'export'],
	['nfs-enabled', 'boot'],
	['nfs-service', 'nfs'],
	['fstab', 'fstab'],
	['mount', 'mount'],
	['responsive', 'alive'],
	['marker', 'marker'],
];

export const GRID_COLUMNS: GridColumn[] = [
	{key: 'host', head: 'host', align: 'left', gap: 0},
	{key: 'role', head: 'role', align: 'left', gap: 2},
	{key: 'reachable', head: 'ssh', align: 'center', gap: 2},
	{key: 'aegir', head: 'aegir', align: 'left', gap: 2},
	...CHECK_COLUMNS.map(([key, head]): GridColumn => ({key, head, align: 'center', gap: 1})),
];

/** Width of the mark in front of each row (`✔ `). */
export const MARK_WIDTH = 2;

const MIN_HOST_WIDTH = 4;

function markCell(check: HealthCheck | undefined): HealthCell {
	if (!check || check.ok === null) return {text: MARK.none, tone: 'none'};
	return check.ok ? {text: MARK.ok, tone: 'ok'} : {text: MARK.bad, tone: 'bad'};
}

function aegirCell(row: HealthRow): HealthCell {
	const check = row.checks.find(candidate => candidate.id === 'aegir');
	if (!row.aegir || !check || check.ok === null) return {text: MARK.none, tone: 'none'};
	const {uid, gid} = row.aegir;
	const text = uid === undefined && gid === undefined ? 'none' : `${uid ?? '?'}:${gid ?? '?'}`;
	return {text, tone: check.ok ? 'ok' : 'bad'};
}

function cellsOf(row: HealthRow): HealthCell[] {
	const check = (id: string) => row.checks.find(candidate => candidate.id === id);
	return GRID_COLUMNS.map(column => {
		switch (column.key) {
			case 'host': {
				return {text: row.host, tone: 'plain'};
			}

			case 'role': {
				return {text: roleLabel(row.roles, true), tone: 'plain'};
			}

			case 'aegir': {
				return aegirCell(row);
			}

			default: {
				return markCell(check(column.key));
			}
		}
	});
}

const length = (text: string) => [...text].length;

function truncate(text: string, width: number): string {
	if (length(text) <= width) return text;
	return `${[...text].slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** Lay the report out for `columns`: the host column gives way first (names end in …). */
export function healthGrid(report: HealthReport, columns: number): HealthGrid {
	const lines = report.rows.map(row => ({row, mark: row.problems.length > 0 ? {text: MARK.bad, tone: 'bad' as Tone} : {text: MARK.ok, tone: 'ok' as Tone}, cells: cellsOf(row)}));
	const widths = GRID_COLUMNS.map((column, index) => Math.max(length(column.head), ...lines.map(line => length(line.cells[index]!.text))));
	const others = widths.slice(1).reduce((sum, width, index) => sum + width + GRID_COLUMNS[index + 1]!.gap, 0);
	widths[0] = Math.max(MIN_HOST_WIDTH, Math.min(widths[0]!, columns - MARK_WIDTH - others));
	for (const line of lines) line.cells[0] = {...line.cells[0]!, text: truncate(line.cells[0]!.text, widths[0])};
	return {columns: GRID_COLUMNS, widths, lines};
}

/** Spaces before and after a cell's text in its column: text left, marks centred. */
export function cellPadding(text: string, width: number, align: GridColumn['align']): [string, string] {
	const room = Math.max(0, width - length(text));
	const before = align === 'left' ? 0 : Math.floor(room / 2);
	return [' '.repeat(before), ' '.repeat(room - before)];
}

/** A cell padded to its column. */
export function padCell(text: string, width: number, align: GridColumn['align']): string {
	const [before, after] = cellPadding(text, width, align);
	return before + text + after;
}

/** `web1: what is wrong — what to do`, one line per problem, remote text made printable. */
export function problemLines(report: HealthReport): string[] {
	return report.rows.flatMap(row => row.problems.map(problem => sanitizeLine(`${row.host}: ${problem}`)));
}

const two = (value: number) => String(value).padStart(2, '0');

/** Local time, `YYYY-MM-DD HH:MM:SS`; the text as given when it is not a date. */
export function formatTime(iso: string): string {
	const date = new Date(iso);
	if (Number.isNaN(date.getTime())) return sanitizeLine(iso);
	const day = `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
	return `${day} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** `pack.example.com: healthy (3 hosts)` or `pack.example.com: 2 problems on 1 of 3 hosts`. */
export function healthSummary(report: HealthReport): string {
	const hosts = report.rows.length;
	const sick = report.rows.filter(row => row.problems.length > 0).length;
	const problems = report.rows.reduce((sum, row) => sum + row.problems.length, 0);
	if (report.healthy) return `${report.pack}: healthy (${hosts} host${hosts === 1 ? '' : 's'})`;
	return `${report.pack}: ${problems} problem${problems === 1 ? '' : 's'} on ${sick} of ${hosts} host${hosts === 1 ? '' : 's'}`;
}

/** `checked 2026-12-01 18:20:01 · last apply 2026-12-01 17:02:11` */
export function timesLine(report: HealthReport): string {
	const applied = report.lastAppliedAt ? formatTime(report.lastAppliedAt) : 'none recorded';
	return `checked ${formatTime(report.checkedAt)} · last apply ${applied}`;
}
