// How much of each host pane fits the terminal. Pure: the screen asks it for
// a layout, the tests ask it too. The live area keeps one row free so Ink
// never falls back to clearing the whole terminal on each frame.
import type {HostPane} from './run-reducer.js';

export type Density = 'roomy' | 'compact';

export type Layout = {
	/** roomy: host line + step line; compact: one line with both. */
	density: Density;
	/** Output lines shown under each running host. */
	outputLines: number;
	/** Lines under a failed host: 2 = reason and log path, 1 = reason, 0 = none. */
	detailLines: number;
	/** Blank line between panes. */
	gap: boolean;
	/** Blank line under the title (when a row is left over). */
	spacer: boolean;
	/** Notice lines shown at the bottom. */
	noticeLines: number;
	/** Hosts that finished ok folded into a single line. */
	foldDone: boolean;
	/** Host panes shown; the rest are summarised on one line. */
	maxPanes: number;
	/** Total lines of the live area with this layout. */
	height: number;
};

export type LayoutInput = {
	rows: number;
	hosts: readonly HostPane[];
	/** Title, stop confirmation and question modal lines. */
	chromeLines: number;
	/** Notice lines available to show. */
	noticeLines: number;
};

type Level = Pick<Layout, 'density' | 'outputLines' | 'detailLines' | 'gap'>;

// From the most to the least detailed; the first that fits wins.
const LEVELS: Level[] = [
	{density: 'roomy', outputLines: 3, detailLines: 2, gap: true},
	{density: 'roomy', outputLines: 3, detailLines: 2, gap: false},
	{density: 'roomy', outputLines: 2, detailLines: 2, gap: false},
	{density: 'roomy', outputLines: 1, detailLines: 2, gap: false},
	{density: 'compact', outputLines: 2, detailLines: 2, gap: false},
	{density: 'compact', outputLines: 1, detailLines: 2, gap: false},
	{density: 'compact', outputLines: 1, detailLines: 1, gap: false},
	{density: 'compact', outputLines: 0, detailLines: 1, gap: false},
	{density: 'compact', outputLines: 0, detailLines: 0, gap: false},
];

/** Notice lines shown when there is room, and when there is not. */
const NOTICE_LINES = [3, 1];

export function paneHeight(pane: HostPane, level: Level): number {
	switch (pane.status) {
		case 'running': {
			return (level.density === 'roomy' ? 2 : 1) + level.outputLines;
		}

		case 'failed': {
			return 1 + level.detailLines;
		}

		default: {
			return 1;
		}
	}
}

function panesHeight(panes: readonly HostPane[], level: Level): number {
	let height = 0;
	for (const pane of panes) height += paneHeight(pane, level);
	return height + (level.gap ? panes.length : 0);
}

export function chooseLayout(input: LayoutInput): Layout {
	const budget = Math.max(1, input.rows - 1);
	const fixed = input.chromeLines;

	for (const wanted of NOTICE_LINES) {
		const noticeLines = Math.min(wanted, input.noticeLines);
		for (const level of LEVELS) {
			const height = fixed + noticeLines + panesHeight(input.hosts, level);
			if (height <= budget) {
				// Panes with gaps already start with a blank line; otherwise spend a spare row on one.
				const spacer = !level.gap && height < budget;
				return {...level, spacer, noticeLines, foldDone: false, maxPanes: input.hosts.length, height: height + (spacer ? 1 : 0)};
			}
		}
	}

	// Still too tall (many hosts, short terminal): fold the hosts that are done,
	// then show as many panes as fit and count the rest.
	const level = LEVELS.at(-1)!;
	const noticeLines = Math.min(1, input.noticeLines);
	const done = input.hosts.filter(pane => pane.status === 'ok');
	const shown = input.hosts.filter(pane => pane.status !== 'ok');
	const foldDone = done.length > 0;
	const foldLine = foldDone ? 1 : 0;
	let maxPanes = shown.length;
	const heightWith = (count: number): number => fixed + noticeLines + foldLine + panesHeight(shown.slice(0, count), level) + (count < shown.length ? 1 : 0);
	while (maxPanes > 0 && heightWith(maxPanes) > budget) maxPanes--;
	return {...level, spacer: false, noticeLines, foldDone, maxPanes, height: heightWith(maxPanes)};
}
