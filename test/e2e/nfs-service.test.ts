// Issue 10 point 5 on the lab: the NFS server's service. The plan checks and
// fixes that nfs-server is enabled for boot and answering (a server that died
// after a good run still lists its exports), status shows both, and a client
// mounts only once the server answers. The lab runs Debian's daemonless
// systemctl (no systemd): enable/disable and restart behave as on a real
// server (proved in lab-selftest), is-active is shown, never trusted.
import {describe, expect, test} from 'vitest';
import {parseRecap, runApply, stepLines, useLabAndAegirServer, type AegirServer} from './helpers/apply-run.js';
import {parseStatus, runAddSlave, runStatus, type StatusReport} from './helpers/rerun.js';
import {canRunLab, type Lab} from './helpers/lab.js';

if (!canRunLab.ok) console.warn(`[e2e] skipping the NFS service tests: ${canRunLab.reason}`);

const check = (report: StatusReport, host: string, id: string) => report.rows.find(row => row.host === host)!.checks.find(entry => entry.id === id)!;
const enabled = async (lab: Lab) => (await lab.exec('master', 'systemctl is-enabled nfs-server')).stdout.trim();
const serviceLine = (stdout: string) => stepLines(stdout, 'master').find(line => line.includes('nfs-server enabled at boot and listening on 2049'));

describe.skipIf(!canRunLab.ok)('the NFS server service: enabled at boot, answering, checked by the apply and by status', () => {
	let lab: Lab;
	let server: AegirServer;
	useLabAndAegirServer({names: ['master', 'web1', 'web2', 'web3']}, (started, seeded) => {
		lab = started;
		server = seeded;
	});

	test('a first apply enables nfs-server for boot (the package left it disabled here) and status shows it enabled and answering', async () => {
		const run = await runApply(lab, server);
		expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
		expect(serviceLine(run.stdout)).toMatch(/\schanged\s.*enabled at boot/);
		expect(await enabled(lab)).toBe('enabled');
		const status = await runStatus(lab, server, ['--json']);
		expect(status.code, status.stdout).toBe(0);
		const report = parseStatus(status);
		expect(check(report, 'master', 'nfs-enabled')).toMatchObject({ok: true, detail: 'enabled at boot'});
		expect(check(report, 'master', 'nfs-service')).toMatchObject({ok: true, detail: expect.stringMatching(/^listening on .*:2049; not running systemd$/)});
		expect(report.rows.find(row => row.host === 'master')!).toMatchObject({nfsService: {enabled: 'enabled', active: 'not running systemd', answering: true}});
		expect(check(report, 'web1', 'nfs-enabled').ok).toBeNull();
	}, 300_000);

	test('disabled (it still runs, but not after a reboot): status says so and exits 1; the apply enables it again', async () => {
		await lab.exec('master', 'systemctl disable nfs-server');
		const sick = await runStatus(lab, server, ['--json']);
		expect(sick.code).toBe(1);
		expect(check(parseStatus(sick), 'master', 'nfs-enabled')).toMatchObject({ok: false, detail: 'disabled: nfs-server will not start after a reboot'});
		const run = await runApply(lab, server);
		expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
		expect(serviceLine(run.stdout)).toMatch(/\schanged\s/);
		expect(await enabled(lab)).toBe('enabled');
		expect((await runStatus(lab, server, ['--json'])).code).toBe(0);
	}, 300_000);

	test('a server that died after a good run (exports still listed): status sees it on the server and the clients; the apply starts it, exports unchanged', async () => {
		const exportsBefore = (await lab.exec('master', 'exportfs -v')).stdout;
		await lab.fault.stopNfsServer('master');
		expect((await lab.exec('master', 'exportfs -v')).stdout).toBe(exportsBefore);
		const sick = await runStatus(lab, server, ['--json']);
		expect(sick.code).toBe(1);
		const report = parseStatus(sick);
		expect(check(report, 'master', 'nfs-service').ok).toBe(false);
		for (const client of ['web1', 'web2']) expect(check(report, client, 'nfs-service').ok, client).toBe(false);

		const run = await runApply(lab, server);
		expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
		expect(serviceLine(run.stdout)).toMatch(/\schanged\s.*started; it listens again/);
		expect((await lab.exec('master', 'exportfs -v')).stdout).toBe(exportsBefore);
		expect((await runStatus(lab, server, ['--json'])).code).toBe(0);
		// Nothing changed since: a re-run changes nothing.
		const again = await runApply(lab, server);
		expect(again.code).toBe(0);
		for (const [host, row] of Object.entries(parseRecap(again.stdout))) expect(row.changed, host).toBe(0);
	}, 300_000);

	test('a new slave does not mount while the server does not answer: it fails at once, saying so, and mounts once the server is back', async () => {
		await lab.fault.stopNfsServer('master');
		const started = Date.now();
		const refused = await runAddSlave(lab, server, ['web3']);
		const seconds = (Date.now() - started) / 1000;
		expect(refused.code).toBe(1);
		const wait = stepLines(refused.stdout, 'web3').find(line => line.includes('NFS server master answers on port 2049'));
		expect(wait, refused.stdout).toMatch(/\sfailed\s/);
		expect(refused.stdout).toContain('does not answer on port 2049');
		expect(seconds, 'no two-minute mount.nfs wait').toBeLessThan(60);
		expect((await lab.exec('web3', 'findmnt -n /var/aegir/platforms')).stdout).toBe('');

		await lab.fault.startNfsServer('master');
		const added = await runAddSlave(lab, server, ['web3']);
		expect(added.code, `${added.stdout}${added.stderr}`).toBe(0);
		expect((await lab.exec('web3', 'findmnt -n -o TARGET /var/aegir/platforms')).stdout.trim()).toBe('/var/aegir/platforms');
	}, 300_000);
});
