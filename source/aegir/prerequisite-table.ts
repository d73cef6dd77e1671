// The ✔/✖ table of one member's Aegir prerequisites as plain lines, for the
// review screen, the plain reporter and --dry-run. Fits the given width (an
// 80x24 terminal by default): long details are cut with '…', never wrapped.

import type {PrerequisiteReport} from './prerequisite-types.js';

const TITLE_WIDTH = 30;

function fit(text: string, width: number): string {
	const oneLine = text.replace(/\s*\n\s*/g, ' ');
	const chars = [...oneLine];
	if (chars.length <= width) return oneLine;
	return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

export function prerequisiteLines(report: PrerequisiteReport, width = 80): string[] {
	const lines = [fit(`${report.host}: Aegir prerequisites`, width)];
	for (const row of report.rows) {
		const title = row.title.padEnd(TITLE_WIDTH);
		lines.push(fit(`  ${row.ok ? '✔' : '✖'} ${title} ${row.detail}`, width));
		if (row.fix) {
			const where = row.fix.runsOn === 'aegir-server' ? ' (Aegir server)' : '';
			lines.push(fit(`      fix${where}: ${row.fix.summary}`, width));
		}

		if (row.manual) lines.push(fit(`      by hand: ${row.manual}`, width));
	}

	for (const note of report.notes ?? []) lines.push(fit(`  note: ${note}`, width));

	return lines;
}
