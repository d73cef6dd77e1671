import {describe, expect, test} from 'vitest';
import type {PrerequisiteReport} from '../../source/aegir/prerequisite-types.js';
import type {RunEvent} from '../../source/contracts/events.js';
import {collectAegirReports, prerequisiteNotice} from '../../source/aegir-run/prerequisite-reports.js';

const ok = (host: string): PrerequisiteReport => ({host, rows: [{id: 'rsync', title: 'rsync', ok: true, detail: 'installed'}], webServer: 'apache'});
const bad = (host: string): PrerequisiteReport => ({
	host,
	rows: [{id: 'rsync', title: 'rsync', ok: false, detail: 'not installed', fix: {runsOn: 'member', summary: 'install rsync', commands: [], display: []}}],
	webServer: 'nginx',
});

describe('Aegir prerequisite reports during a run', () => {
	test('each report becomes a ✔/✖ table notice for its member: info when all ✔, a warning otherwise', () => {
		expect(prerequisiteNotice(ok('web1'), 80, 5)).toEqual({
			type: 'notice',
			at: 5,
			host: 'web1',
			level: 'info',
			message: ['web1: Aegir prerequisites', `  ✔ ${'rsync'.padEnd(30)} installed`].join('\n'),
		});
		const warning = prerequisiteNotice(bad('web2'), 80, 5);
		expect(warning.level).toBe('warn');
		expect(warning.message.split('\n')).toEqual(['web2: Aegir prerequisites', `  ✖ ${'rsync'.padEnd(30)} not installed`, '      fix: install rsync']);
	});

	test('the collector emits the notices and keeps each member web server for the registration', () => {
		const events: RunEvent[] = [];
		const reports = collectAegirReports(event => events.push(event));
		reports.onReport(ok('web1'));
		reports.onReport(bad('web2'));
		reports.onReport({...ok('web2'), webServer: 'apache'});
		expect(events.map(event => (event.type === 'notice' ? [event.host, event.level] : []))).toEqual([
			['web1', 'info'],
			['web2', 'warn'],
			['web2', 'info'],
		]);
		expect(reports.webServers()).toEqual({web1: 'apache', web2: 'apache'});
		expect(reports.reports().map(report => report.host)).toEqual(['web1', 'web2']);
	});
});
