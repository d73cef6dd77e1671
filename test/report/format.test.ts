import {describe, expect, it} from 'vitest';
import {EXIT} from '../../source/contracts/exit-codes.js';
import {exitCodeMeaning} from '../../source/report/exit-meaning.js';
import {formatDuration, formatElapsed} from '../../source/report/format-duration.js';
import {roleLabel} from '../../source/report/role-label.js';

describe('formatDuration', () => {
	it('shows tenths under ten seconds, then whole seconds, minutes and hours', () => {
		expect(formatDuration(0)).toBe('0.0s');
		expect(formatDuration(432)).toBe('0.4s');
		expect(formatDuration(3_260)).toBe('3.2s');
		expect(formatDuration(42_900)).toBe('42s');
		expect(formatDuration(65_000)).toBe('1m 05s');
		expect(formatDuration(3_720_000)).toBe('1h 02m');
	});

	it('never prints a negative or NaN time', () => {
		expect(formatDuration(-5)).toBe('0.0s');
		expect(formatElapsed(Number.NaN)).toBe('0s');
	});

	it('shows a running clock in whole seconds', () => {
		expect(formatElapsed(999)).toBe('0s');
		expect(formatElapsed(61_500)).toBe('1m 01s');
	});
});

describe('exitCodeMeaning', () => {
	it('explains every exit code of the tool', () => {
		expect(exitCodeMeaning(EXIT.ok)).toMatch(/every host/);
		expect(exitCodeMeaning(EXIT.failed)).toMatch(/failed/);
		expect(exitCodeMeaning(EXIT.badInput)).toMatch(/bad input/);
		expect(exitCodeMeaning(EXIT.interrupted)).toMatch(/interrupted/);
		expect(exitCodeMeaning(99)).toMatch(/unexpected/);
	});
});

describe('roleLabel', () => {
	it('names the web role first, then the NFS server role', () => {
		expect(roleLabel(['nfs-server', 'master'])).toBe('master · NFS server');
		expect(roleLabel(['nfs-server', 'master'], true)).toBe('master+NFS');
		expect(roleLabel(['slave'])).toBe('slave');
		expect(roleLabel(['nfs-server'])).toBe('NFS server');
		expect(roleLabel([])).toBe('host');
	});
});
