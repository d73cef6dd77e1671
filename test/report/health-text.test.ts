import {stripVTControlCharacters} from 'node:util';
import {describe, expect, it} from 'vitest';
import {evaluateHealth} from '../../source/health/evaluate.js';
import type {HealthReport} from '../../source/health/types.js';
import {healthJson, healthTable} from '../../source/report/health-text.js';
import {clientFacts, healthyObservations, makePack, observed, pack, serverFacts} from '../health/fixtures.js';

const CHECKED_AT = '2026-12-01T18:00:00.000Z';
const healthy = evaluateHealth(pack, healthyObservations(), {checkedAt: CHECKED_AT});
const sick = evaluateHealth(
	pack,
	healthyObservations({
		master: observed(pack.master, serverFacts(), {state: 'not-answering', detail: 'nothing listens on port 2049'}),
		web1: observed(pack.slaves[0]!, clientFacts({mount: undefined, marker: {present: false}})),
		web2: {host: pack.slaves[1]!, state: 'unreachable', reason: 'SSH connection refused', fix: 'start sshd on web2, or fix its SSH port'},
	}),
	{checkedAt: CHECKED_AT},
);

const width = (line: string) => [...line].length;

describe('healthTable', () => {
	it('a healthy pack: summary, times, short column heads and one ✔ row per host, no problems section', () => {
		const text = healthTable(healthy, {columns: 80, colour: false});
		const lines = text.trimEnd().split('\n');
		expect(lines[0]).toBe('pack.example.com: healthy (3 hosts)');
		expect(lines[1]).toMatch(/^checked \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · last apply none recorded$/);
		expect(lines.slice(3)).toEqual([
			'  host    role        ssh  aegir     export boot nfs fstab mount alive marker',
			'✔ master  master+NFS   ✔   1500:1500   ✔     ✔    ✔    –     –     ✔     ✔',
			'✔ web1    slave        ✔   1500:1500   –     –    ✔    ✔     ✔     ✔     ✔',
			'✔ web2    slave        ✔   1500:1500   –     –    ✔    ✔     ✔     ✔     ✔',
		]);
		expect(text).not.toContain('Problems');
	});

	it('problems: ✖ rows, then one line per problem "host: what is wrong — what to do"', () => {
		const text = healthTable(sick, {columns: 80, colour: false});
		expect(text).toContain('pack.example.com: 3 problems on 3 of 3 hosts');
		expect(text).toContain(
			[
				'✖ master  master+NFS   ✔   1500:1500   ✔     ✔    ✖    –     –     ✔     ✔',
				'✖ web1    slave        ✔   1500:1500   –     –    ✔    ✔     ✖     –     –',
				'✖ web2    slave        ✖   –           –     –    –    –     –     –     –',
			].join('\n'),
		);
		expect(text.split('Problems:\n')[1]).toBe(
			[
				'master: NFS server not running: nothing listens on port 2049; not running systemd — run `systemctl restart nfs-server` on master, or apply the pack again',
				'web1: /var/aegir/platforms is not mounted — run `mount -- /var/aegir/platforms` on web1, or apply the pack again',
				'web2: SSH connection refused — start sshd on web2, or fix its SSH port',
				'',
			].join('\n'),
		);
	});

	it('the table fits 80 columns, long host names ending in …', () => {
		const longPack = makePack({slaves: [{name: 'web-frontend-number-one.example.com', address: '192.0.2.11', port: 22, user: 'root'}]});
		const observations = [observed(longPack.master, serverFacts()), observed(longPack.slaves[0]!, clientFacts())];
		const text = healthTable(evaluateHealth(longPack, observations, {checkedAt: CHECKED_AT}), {columns: 80, colour: false});
		const table = text.split('\n\nProblems:')[0]!.split('\n');
		expect(table.filter(line => width(line) > 80)).toEqual([]);
		expect(text).toMatch(/^✔ web-fron…  slave /m);
		expect(table.some(line => width(line) === 80)).toBe(true);
	});

	it('colours only when asked: red problems and ✖, green ✔', () => {
		const plain = healthTable(sick, {columns: 80, colour: false});
		expect(plain).not.toContain('\u001B[');
		const coloured = healthTable(sick, {columns: 80, colour: true});
		expect(coloured).toContain('\u001B[31mweb2: SSH connection refused — start sshd on web2, or fix its SSH port\u001B[0m');
		expect(coloured).toContain('\u001B[32m✔\u001B[0m');
		expect(stripVTControlCharacters(coloured)).toBe(plain);
	});

	it('remote text cannot reach the terminal as escape sequences', () => {
		const hostile: HealthReport = {...sick, rows: [{...sick.rows[0]!, problems: ['mounted from \u001B[2Jevil — fix it']}]};
		expect(healthTable(hostile, {columns: 80, colour: false})).toContain('master: mounted from evil — fix it');
	});
});

describe('healthJson', () => {
	it('prints the report itself: pack, time, healthy, one row per host with its checks and problem lines', () => {
		const parsed = JSON.parse(healthJson(sick)) as HealthReport;
		expect(parsed).toEqual(sick);
		expect(Object.keys(parsed)).toEqual(['pack', 'checkedAt', 'healthy', 'rows']);
		expect(Object.keys(parsed.rows[0]!)).toEqual(['host', 'address', 'roles', 'reachable', 'aegir', 'nfsService', 'checks', 'problems']);
		expect(parsed.rows[0]!.nfsService).toEqual({enabled: 'enabled', active: 'not running systemd', answering: false});
		expect(Object.keys(parsed.rows[1]!)).toEqual(['host', 'address', 'roles', 'reachable', 'aegir', 'checks', 'problems']);
		expect(parsed.rows[0]!.checks[0]).toEqual({id: 'reachable', label: 'reachable', ok: true, detail: 'logged in, state read (master)'});
		expect(healthJson(sick).endsWith('}\n')).toBe(true);
	});
});
