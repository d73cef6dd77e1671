import {describe, expect, it} from 'vitest';
import {joinRecapCells, recapLines, recapWidth} from '../../source/report/recap-text.js';

const rows = [
	{host: 'web1', ok: 7, changed: 2, failed: 0, skipped: 0, durationMs: 62_000},
	{host: 'storage-east', ok: 3, changed: 0, failed: 1, skipped: 12, durationMs: 400},
];

describe('recapLines', () => {
	it('aligns a header and one row per host: names left, numbers right', () => {
		const lines = recapLines(rows).map(line => joinRecapCells(line));
		expect(lines).toEqual([
			'RECAP         ok  changed  failed  skipped    time',
			'web1           7        2       0        0  1m 02s',
			'storage-east   3        0       1       12    0.4s',
		]);
	});

	it('lets a caller colour cells per column', () => {
		const [, first] = recapLines(rows);
		expect(joinRecapCells(first!, (column, text) => (column === 'changed' ? `<${text.trim()}>` : text.trim()))).toBe('web1  7  <2>  0  0  1m 02s');
	});

	it('fits 80 columns for ordinary host names', () => {
		expect(recapWidth(recapLines(rows))).toBeLessThanOrEqual(80);
	});
});
