import {describe, expect, it} from 'vitest';
import {evaluateHealth, type HostObservation} from '../../source/health/evaluate.js';
import type {HealthReport, HealthRow} from '../../source/health/types.js';
import {fstabEntry, fstabLine, legacyFstabLine} from '../../source/plan/fstab.js';
import {clientFacts, healthyObservations, observed, pack, serverFacts} from './fixtures.js';
import {trustedPackForTests} from '../pack/trusted-pack.js';

const CHECKED_AT = '2026-12-01T18:00:00.000Z';

const evaluate = (observations: HostObservation[], thePack = pack): HealthReport => evaluateHealth(thePack, observations, {checkedAt: CHECKED_AT});
const row = (report: HealthReport, host: string): HealthRow => report.rows.find(candidate => candidate.host === host)!;
const check = (report: HealthReport, host: string, id: string) => row(report, host).checks.find(candidate => candidate.id === id)!;
const okOf = (report: HealthReport, host: string) => Object.fromEntries(row(report, host).checks.map(entry => [entry.id, entry.ok]));

const web1 = pack.slaves[0]!;
const web1Sick = (overrides: Parameters<typeof clientFacts>[0]) => ({web1: observed(web1, clientFacts({hostname: 'web1', ...overrides}))});

describe('evaluateHealth: a healthy pack', () => {
	it('is healthy with one row per host in pack order, every applicable check green and nothing to fix', () => {
		const report = evaluate(healthyObservations());
		expect(report).toMatchObject({pack: 'pack.example.com', checkedAt: CHECKED_AT, healthy: true});
		expect(report.rows.map(entry => [entry.host, entry.roles])).toEqual([
			['master', ['nfs-server', 'master']],
			['web1', ['slave']],
			['web2', ['slave']],
		]);
		expect(report.rows.flatMap(entry => entry.problems)).toEqual([]);
		expect(okOf(report, 'master')).toEqual({
			reachable: true,
			aegir: true,
			export: true,
			'nfs-enabled': true,
			'nfs-service': true,
			fstab: null,
			mount: null,
			responsive: true,
			marker: true,
		});
		expect(okOf(report, 'web1')).toEqual({
			reachable: true,
			aegir: true,
			export: null,
			'nfs-enabled': null,
			'nfs-service': true,
			fstab: true,
			mount: true,
			responsive: true,
			marker: true,
		});
		expect(row(report, 'web1').aegir).toEqual({uid: 1500, gid: 1500});
		expect(row(report, 'master').nfsService).toEqual({enabled: 'enabled', active: 'not running systemd', answering: true});
		expect(check(report, 'master', 'nfs-service').detail).toBe('listening on 0.0.0.0:2049; not running systemd');
		expect(row(report, 'web1').nfsService).toBeUndefined();
	});

	it('passes the last apply time on from the pack record, and leaves it out when none is recorded', () => {
		const recorded = trustedPackForTests({...pack, record: {aegirUid: 1500, aegirGid: 1500, lastAppliedAt: '2026-12-01T17:00:00.000Z'}});
		expect(evaluate(healthyObservations(), recorded).lastAppliedAt).toBe('2026-12-01T17:00:00.000Z');
		const report = evaluate(healthyObservations());
		expect('lastAppliedAt' in report).toBe(false);
		expect(report.healthy).toBe(true);
	});
});

describe('evaluateHealth: each failure is a red row with a line saying what to do', () => {
	it('server: nothing exported to the subnet → re-export', () => {
		const report = evaluate(healthyObservations({master: observed(pack.master, serverFacts({exports: []}))}));
		expect(report.healthy).toBe(false);
		expect(check(report, 'master', 'export').ok).toBe(false);
		expect(row(report, 'master').problems).toEqual(['/var/aegir/platforms is not exported to 192.0.2.0/24 — apply the pack again, or run `exportfs -ra` on master']);
	});

	it('server: exportfs not installed → apply installs it', () => {
		const report = evaluate(healthyObservations({master: observed(pack.master, serverFacts({exports: undefined}))}));
		expect(row(report, 'master').problems).toEqual(['exportfs is not installed: nothing is exported — apply the pack again (it installs nfs-kernel-server)']);
	});

	it('server: NFS service stopped (export still in etab) → start it', () => {
		const report = evaluate(healthyObservations({master: observed(pack.master, serverFacts(), {state: 'not-answering', detail: 'nothing listens on port 2049'})}));
		expect(check(report, 'master', 'export').ok).toBe(true);
		expect(row(report, 'master').problems).toEqual([
			'NFS server not running: nothing listens on port 2049; not running systemd — run `systemctl restart nfs-server` on master, or apply the pack again',
		]);
		expect(row(report, 'master').nfsService).toEqual({enabled: 'enabled', active: 'not running systemd', answering: false});
	});

	it('server: nfs-server disabled (running now, but not after a reboot) → enable it', () => {
		const disabled = {enabled: 'disabled', enabledAtBoot: false, active: 'active'};
		const report = evaluate(healthyObservations({master: observed(pack.master, serverFacts(), undefined, disabled)}));
		expect(report.healthy).toBe(false);
		expect(okOf(report, 'master')).toMatchObject({'nfs-enabled': false, 'nfs-service': true});
		expect(row(report, 'master').problems).toEqual([
			'disabled: nfs-server will not start after a reboot — run `systemctl enable --now nfs-server` on master, or apply the pack again',
		]);
		expect(check(report, 'master', 'nfs-service').detail).toBe('listening on 0.0.0.0:2049; systemd: active');
	});

	it('client: the server does not answer on 2049 → start the server, check the firewall', () => {
		const report = evaluate(
			healthyObservations({web1: observed(web1, clientFacts(), {state: 'not-answering', detail: '192.0.2.10 port 2049: Connection refused'})}),
		);
		expect(row(report, 'web1').problems).toEqual([
			'NFS server master does not answer: 192.0.2.10 port 2049: Connection refused — start the NFS server on master; check no firewall blocks port 2049 from web1',
		]);
	});

	it('a service probe that could not run is a problem too, never a silent green', () => {
		const report = evaluate(healthyObservations({web1: observed(web1, clientFacts(), {state: 'unknown', detail: 'could not check the NFS service: timed out'})}));
		expect(check(report, 'web1', 'nfs-service').ok).toBe(false);
		expect(report.healthy).toBe(false);
	});

	it('client: no fstab entry, a different one, or two of them', () => {
		const none = evaluate(healthyObservations(web1Sick({fstab: {present: true, readable: true, content: '# empty\n'}})));
		expect(row(none, 'web1').problems).toEqual(['no /etc/fstab entry for /var/aegir/platforms — apply the pack again (it writes the entry, with a backup)']);
		const other = fstabLine(pack).replace('rw,hard', 'ro,soft');
		const differs = evaluate(healthyObservations(web1Sick({fstab: {present: true, readable: true, content: `${other}\n`}})));
		expect(check(differs, 'web1', 'fstab').detail).toBe("the /etc/fstab entry for /var/aegir/platforms differs from the pack's");
		const twice = evaluate(healthyObservations(web1Sick({fstab: {present: true, readable: true, content: `${fstabLine(pack)}\n${other}\n`}})));
		expect(check(twice, 'web1', 'fstab').detail).toBe('2 /etc/fstab entries for /var/aegir/platforms');
	});

	it('client: the tag above the line (issue 14) and the earlier one-line form are both the pack\'s entry; a bare line is not', () => {
		const content = (text: string) => healthyObservations(web1Sick({fstab: {present: true, readable: true, content: `# fstab\n${text}\n`}}));
		expect(check(evaluate(content(fstabEntry(pack))), 'web1', 'fstab')).toMatchObject({ok: true, detail: 'one entry for /var/aegir/platforms, as the pack wants'});
		expect(check(evaluate(content(legacyFstabLine(pack))), 'web1', 'fstab')).toMatchObject({ok: true, detail: expect.stringContaining('earlier one-line form')});
		expect(check(evaluate(content(fstabLine(pack))), 'web1', 'fstab')).toMatchObject({ok: false});
		expect(check(evaluate(content(`${fstabEntry(pack)}\n${legacyFstabLine(pack)}`)), 'web1', 'fstab')).toMatchObject({ok: false, detail: '2 /etc/fstab entries for /var/aegir/platforms'});
	});

	it('client: an entry an earlier version wrote (without nosuid,nodev) differs from the pack; a mount without them says when they apply (E5)', () => {
		const old = fstabLine(pack).replace(',nosuid,nodev', '');
		const report = evaluate(healthyObservations(web1Sick({fstab: {present: true, readable: true, content: `${old}\n`}})));
		expect(check(report, 'web1', 'fstab')).toMatchObject({ok: false, detail: "the /etc/fstab entry for /var/aegir/platforms differs from the pack's"});
		expect(check(report, 'web1', 'mount')).toMatchObject({ok: true, detail: expect.stringContaining('nosuid,nodev take effect at the next mount of /var/aegir/platforms')});
	});

	it('client: not mounted → mount it; the checks that need a mount are not run', () => {
		const report = evaluate(healthyObservations(web1Sick({mount: undefined, marker: {present: false}, sharedDir: {state: 'directory', entryCount: 0, sample: []}})));
		expect(okOf(report, 'web1')).toMatchObject({fstab: true, mount: false, responsive: null, marker: null});
		expect(row(report, 'web1').problems).toEqual(['/var/aegir/platforms is not mounted — run `mount -- /var/aegir/platforms` on web1, or apply the pack again']);
	});

	it('client: mounted from another server → remount', () => {
		const mount = {target: pack.exportPath, source: '198.51.100.7:/srv/old', fstype: 'nfs', options: 'rw'};
		const report = evaluate(healthyObservations(web1Sick({mount, marker: {present: false}})));
		expect(row(report, 'web1').problems).toEqual([
			'mounted from 198.51.100.7:/srv/old, not 192.0.2.10:/var/aegir/platforms — apply the pack again (it remounts from 192.0.2.10:/var/aegir/platforms)',
		]);
	});

	it('client: a local file system on the mount point → unmount it first', () => {
		const mount = {target: pack.exportPath, source: '/dev/sdb1', fstype: 'ext4', options: 'rw'};
		const report = evaluate(healthyObservations(web1Sick({mount, marker: {present: false}})));
		expect(row(report, 'web1').problems[0]).toMatch(/is a mount of \/dev\/sdb1 \(ext4\), not the share — unmount it/);
	});

	it('client: hung mount (the probe timed out) → not responsive, with what to do', () => {
		const report = evaluate(healthyObservations(web1Sick({mount: undefined, mountProbeAnswered: false, sharedDir: {state: 'unresponsive'}, marker: {present: false}})));
		expect(okOf(report, 'web1')).toMatchObject({mount: null, responsive: false, marker: null});
		expect(row(report, 'web1').problems).toEqual([
			"/var/aegir/platforms does not answer within 5 s (hung NFS mount) — bring master's NFS server back; if it is gone for good, run `umount -f -l -- /var/aegir/platforms` on web1",
		]);
	});

	it('client: mounted from the right source but the marker does not read back → mount ok, marker red', () => {
		const report = evaluate(healthyObservations(web1Sick({marker: {present: false}})));
		expect(okOf(report, 'web1')).toMatchObject({mount: true, marker: false});
		expect(row(report, 'web1').problems[0]).toMatch(/^master's marker does not read back through the mount — check master's export and marker, then remount/);
	});

	it('server: marker missing, or the shared directory missing', () => {
		const noMarker = evaluate(healthyObservations({master: observed(pack.master, serverFacts({marker: {present: false}}))}));
		expect(row(noMarker, 'master').problems).toEqual(['the marker file /var/aegir/platforms/.aegir-pack-marker is missing — apply the pack again (it writes the marker)']);
		const noDir = evaluate(healthyObservations({master: observed(pack.master, serverFacts({sharedDir: {state: 'missing'}, marker: {present: false}}))}));
		expect(okOf(noDir, 'master')).toMatchObject({responsive: false, marker: null});
		expect(row(noDir, 'master').problems).toEqual(['/var/aegir/platforms does not exist — apply the pack again (it creates the directory)']);
	});

	it('an unreachable host: one red row, every other check not run, the reason and the fix on one line', () => {
		const report = evaluate(
			healthyObservations({web2: {host: pack.slaves[1]!, state: 'unreachable', reason: 'SSH connection refused', fix: 'start sshd on web2, or fix its SSH port'}}),
		);
		const web2 = row(report, 'web2');
		expect(web2).toMatchObject({reachable: false, problems: ['SSH connection refused — start sshd on web2, or fix its SSH port']});
		expect(web2.aegir).toBeUndefined();
		expect(web2.checks.filter(entry => entry.id !== 'reachable').every(entry => entry.ok === null)).toBe(true);
		expect(web2.checks.map(entry => entry.id)).toEqual(row(report, 'web1').checks.map(entry => entry.id));
		expect(report.healthy).toBe(false);
	});
});

describe('evaluateHealth: aegir uid/gid', () => {
	const withIds = (name: string, uid: number, gid: number) => {
		const host = name === 'master' ? pack.master : pack.slaves.find(slave => slave.name === name)!;
		const base = name === 'master' ? serverFacts() : clientFacts();
		return observed(host, {...base, aegirUser: {name: 'aegir', uid, gid, home: '/var/aegir'}, aegirGroup: {name: 'aegir', gid}});
	};

	it('compares with the ids the last apply recorded', () => {
		const recorded = trustedPackForTests({...pack, record: {aegirUid: 1600, aegirGid: 1600}});
		const report = evaluate(healthyObservations({web2: withIds('web2', 1600, 1600)}), recorded);
		expect(check(report, 'web2', 'aegir').ok).toBe(true);
		expect(row(report, 'master').problems).toEqual(['aegir is 1500:1500, the last apply recorded 1600:1600 — make them equal (usermod -u 1600 aegir, groupmod -g 1600 aegir, then chown the files they own)']);
	});

	it('with no record, compares with what most hosts have', () => {
		const report = evaluate(healthyObservations({web1: withIds('web1', 1501, 1500)}));
		expect(check(report, 'master', 'aegir').ok).toBe(true);
		expect(check(report, 'web2', 'aegir').ok).toBe(true);
		expect(row(report, 'web1').problems).toEqual(['aegir is 1501:1500, the other hosts have 1500:1500 — make them equal (usermod -u 1500 aegir, then chown the files they own)']);
		expect(row(report, 'web1').aegir).toEqual({uid: 1501, gid: 1500});
	});

	it('a host without the aegir user is red, saying which ids to create it with', () => {
		const report = evaluate(healthyObservations(web1Sick({aegirUser: undefined, aegirGroup: undefined})));
		expect(row(report, 'web1').problems).toEqual(["no aegir user or group — create Aegir's aegir user and group with uid/gid 1500:1500"]);
		expect(row(report, 'web1').aegir).toEqual({uid: undefined, gid: undefined});
	});
});
