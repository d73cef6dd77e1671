// A pack already serving (master = NFS server, web1 and web2 slaves) grows and
// shrinks the way a sysadmin would do it: add web3 (only web3 is touched: the
// others' /etc is byte for byte the same and their sshd never saw a
// connection), add web4 while its sshd dies mid-way (the saved pack stays as
// it was; the same command then finishes), remove web4 (fstab entry gone with
// a backup, the share's data intact, the saved pack and status updated).
// Then `status` on what is left: green when healthy; the NFS server stopped, a
// slave's share unmounted or a slave gone silent turn those rows red, exit 1,
// and the command still returns within a bounded time.
import fs from 'node:fs';
import {describe, expect, test} from 'vitest';
import {
	PACK_NAME,
	parseRecap,
	runApply,
	SHARE,
	snapshot,
	stepLines,
	type AegirServer,
	useLabAndAegirServer,
} from './helpers/apply-run.js';
import {canRunLab, type Lab} from './helpers/lab.js';
import {
	parseStatus,
	redRows,
	runAddSlave,
	runRemoveSlave,
	runStatus,
	savedPack,
	startAddSlave,
	storeFile,
	watchSshd,
} from './helpers/rerun.js';

const PACK = ['master', 'web1', 'web2'];
// Issue 14: six fields, the tag a comment line directly above it.
const FSTAB_TAG = `# aegir-pack: ${PACK_NAME}`;
const FSTAB_LINE = `127.0.1.1:${SHARE} ${SHARE} nfs rw,hard,_netdev,nofail,nosuid,nodev 0 0`;

/** fstab lines (not comments) that mount something on the share's path. */
async function shareEntries(lab: Lab, host: string): Promise<string[]> {
	const fstab = (await lab.readFile(host, '/etc/fstab')) ?? '';
	return fstab.split('\n').filter(line => !line.trimStart().startsWith('#') && line.split(/\s+/)[1] === SHARE);
}

async function mountedShare(lab: Lab, host: string): Promise<boolean> {
	return (await lab.exec(host, `findmnt -n -o TARGET ${SHARE}`)).stdout.trim() === SHARE;
}

describe.skipIf(!canRunLab.ok)('add-slave, remove-slave and status on an applied pack', () => {
	let lab: Lab;
	let server: AegirServer;

	useLabAndAegirServer({names: [...PACK, 'web3', 'web4']}, (started, seeded) => {
		lab = started;
		server = seeded;
	});

	test('the pack of master + 2 slaves is applied and saved (web3 and web4 are not in it)', async () => {
		const result = await runApply(lab, server);
		expect(result.code, result.stdout + result.stderr).toBe(0);
		expect(Object.keys(parseRecap(result.stdout)).sort()).toEqual(PACK);
		expect(savedPack(server).slaves.map(slave => slave.name)).toEqual(['web1', 'web2']);
		// The sshd logs do record the tool's logins, so an empty log later means "never connected".
		for (const host of PACK) expect(await lab.sshdLog(host), host).toMatch(/^Accepted publickey for root from /m);
		for (const host of ['web3', 'web4']) expect(await lab.sshdLog(host), host).not.toMatch(/Accepted publickey/);
	});

	test('add web3: only web3 is connected to and changed; it mounts the share and reads the master files', async () => {
		const before = await snapshot(lab, PACK, ['/etc', '/var/aegir/config']);
		const sshd = await watchSshd(lab, [...PACK, 'web3']);
		const result = await runAddSlave(lab, server, ['web3']);
		expect(result.code, result.stdout + result.stderr).toBe(0);
		expect(result.stdout).toMatch(/^exit 0: /m);
		expect(result.stdout).toMatch(/master, web1, web2: untouched/);

		// Only web3 ran steps: the subnet already allows it, so the NFS server is not in the plan.
		const recap = parseRecap(result.stdout);
		expect(Object.keys(recap)).toEqual(['web3']);
		expect(recap['web3']).toMatchObject({failed: 0, skipped: 0});
		for (const host of PACK) expect(stepLines(result.stdout, host), host).toEqual([]);
		expect(await snapshot(lab, PACK, ['/etc', '/var/aegir/config'])).toEqual(before);
		expect(await sshd.contacted()).toEqual(['web3']);
		expect((await sshd.since())['web3']).toContainEqual(expect.stringMatching(/^Accepted publickey for root from /));

		// web3 mounts the master's share by fstab and sees the master's files through it.
		expect(await shareEntries(lab, 'web3')).toEqual([FSTAB_LINE]);
		expect(await mountedShare(lab, 'web3')).toBe(true);
		expect((await lab.exec('web3', 'findmnt --verify')).code).toBe(0);
		expect(await lab.readFile('web3', `${SHARE}/drupal-10/web/index.php`)).toBe(
			fs.readFileSync(`${server.platformsDir}/drupal-10/web/index.php`, 'utf8'),
		);
		await lab.exec('master', `echo "written on master after the add $$" > ${SHARE}/add-probe.txt`);
		const written = await lab.readFile('master', `${SHARE}/add-probe.txt`);
		expect(written).toMatch(/^written on master after the add \d+\n$/);
		expect(await lab.readFile('web3', `${SHARE}/add-probe.txt`)).toBe(written);
		await lab.exec('master', `rm ${SHARE}/add-probe.txt`);
		// Its own web server config came from the Aegir server, like every web head's.
		expect(await lab.readFile('web3', '/var/aegir/config/server_web3/apache.conf')).toBe(fs.readFileSync(`${server.configDir}/server_web3/apache.conf`, 'utf8'));

		const pack = savedPack(server);
		expect(pack.slaves.map(slave => slave.name)).toEqual(['web1', 'web2', 'web3']);
		expect(pack.subnets).toEqual(['127.0.1.0/24']);
	});

	test("add web4 with its sshd killed mid-way: exit 1, the saved pack byte for byte as it was; the same command then completes", async () => {
		const storeBefore = fs.readFileSync(storeFile(server), 'utf8');
		const untouched = await watchSshd(lab, [...PACK, 'web3']);
		const run = startAddSlave(lab, server, ['web4']);
		// The uid/gid gate is the last read-only step: once it passes, web4 starts changing things.
		await run.waitFor(/^web4\s+\d+\/\d+ .*uid\/gid.*\sok\s/m);
		await lab.fault.killSshd('web4');
		const failed = await run.done;
		expect(failed.code, failed.stdout + failed.stderr).toBe(1);
		expect(parseRecap(failed.stdout)['web4']?.failed).toBe(1);
		expect(failed.stdout).toMatch(/^web4\s+FAILED at /m);
		expect(fs.readFileSync(storeFile(server), 'utf8')).toBe(storeBefore);
		expect(await untouched.contacted()).toEqual([]);

		await lab.fault.startSshd('web4');
		const sshd = await watchSshd(lab, PACK);
		const again = await runAddSlave(lab, server, ['web4']);
		expect(again.code, again.stdout + again.stderr).toBe(0);
		expect(Object.keys(parseRecap(again.stdout))).toEqual(['web4']);
		expect(await sshd.contacted()).toEqual([]);
		expect(await shareEntries(lab, 'web4')).toEqual([FSTAB_LINE]);
		expect(await mountedShare(lab, 'web4')).toBe(true);
		expect(savedPack(server).slaves.map(slave => slave.name)).toEqual(['web1', 'web2', 'web3', 'web4']);
	});

	test('remove web4: fstab entry gone with a backup, unmounted, the share data intact; saved pack and status without web4', async () => {
		// Data written through web4's mount lives on the NFS server and must survive web4 leaving.
		await lab.exec('web4', `echo "site file written from web4" > ${SHARE}/from-web4.txt`);
		const shareBefore = await lab.checksumTree('master', SHARE);
		expect(Object.keys(shareBefore)).toContain(`${SHARE}/from-web4.txt`);
		const fstabBefore = (await lab.readFile('web4', '/etc/fstab')) ?? '';
		const sshd = await watchSshd(lab, ['master', 'web1', 'web2', 'web3']);

		const result = await runRemoveSlave(lab, server, 'web4');
		expect(result.code, result.stdout + result.stderr).toBe(0);
		expect(Object.keys(parseRecap(result.stdout))).toEqual(['web4']);
		expect(await sshd.contacted()).toEqual([]);

		expect(await shareEntries(lab, 'web4')).toEqual([]);
		expect(fstabBefore).toContain(`${FSTAB_TAG}\n${FSTAB_LINE}\n`);
		expect(fstabBefore.replace(`${FSTAB_TAG}\n${FSTAB_LINE}\n`, '')).toBe((await lab.readFile('web4', '/etc/fstab')) ?? '');
		expect((await lab.exec('web4', 'findmnt --verify')).code).toBe(0);
		const backups = (await lab.exec('web4', 'ls /etc/fstab.aegir-pack-*.bak')).stdout.split('\n').filter(Boolean);
		const backupContents = await Promise.all(backups.map(async file => lab.readFile('web4', file)));
		expect(backupContents).toContain(fstabBefore);
		expect(await mountedShare(lab, 'web4')).toBe(false);
		// The mount point stays (empty underneath, as before the add); the data is on the server, untouched.
		expect((await lab.exec('web4', `test -d ${SHARE} && ls -A ${SHARE}`)).stdout).toBe('');
		expect(await lab.checksumTree('master', SHARE)).toEqual(shareBefore);
		expect(await lab.readFile('web3', `${SHARE}/from-web4.txt`)).toBe('site file written from web4\n');

		expect(savedPack(server).slaves.map(slave => slave.name)).toEqual(['web1', 'web2', 'web3']);
		const status = await runStatus(lab, server, ['--json']);
		expect(parseStatus(status).rows.map(row => row.host)).toEqual(['master', 'web1', 'web2', 'web3']);
		await lab.exec('master', `rm ${SHARE}/from-web4.txt`);
	});

	// Health checks have their own deadlines (ssh connect, a stat that may hang); this is the whole command's.
	const STATUS_BOUND_S = 30;

	/** `status --json` with the exit code expected, returning within the bound; its parsed report. */
	async function statusWithin(code: number) {
		const json = await runStatus(lab, server, ['--json']);
		expect(json.code, json.stdout + json.stderr).toBe(code);
		expect(json.seconds).toBeLessThan(STATUS_BOUND_S);
		return parseStatus(json);
	}

	test('status of the healthy pack: exit 0, every row green, within the bound; an unknown pack is exit 2', async () => {
		const report = await statusWithin(0);
		expect(report).toMatchObject({pack: PACK_NAME, healthy: true});
		expect(Number.isNaN(Date.parse(report.checkedAt))).toBe(false);
		expect(report.lastAppliedAt).toBeDefined();
		expect(redRows(report)).toEqual([]);
		for (const row of report.rows) {
			expect(row, row.host).toMatchObject({reachable: true, problems: [], aegir: {uid: 1500, gid: 1500}});
			expect(row.address).toBe(lab.host(row.host).address);
			expect(row.checks.length, row.host).toBeGreaterThan(0);
		}
		expect(report.rows.find(row => row.host === 'master')?.roles.join(' ')).toMatch(/master/);
		expect(report.rows.find(row => row.host === 'master')?.roles.join(' ')).toMatch(/nfs/i);

		const plain = await runStatus(lab, server);
		expect(plain.code, plain.stdout + plain.stderr).toBe(0);
		for (const host of ['master', 'web1', 'web2', 'web3']) expect(plain.stdout).toContain(host);

		const unknown = await runStatus(lab, server, [], 'nosuch.example.com');
		expect(unknown.code, unknown.stdout + unknown.stderr).toBe(2);
		expect(unknown.stderr).toContain('nosuch.example.com');
	});

	test("nfs-ganesha stopped on the NFS server: master's row red, exit 1, within the bound; green again once it runs", async () => {
		await lab.fault.stopNfsServer('master');
		try {
			const report = await statusWithin(1);
			expect(report.healthy).toBe(false);
			// The server's own row, and every slave's (the server does not answer them on 2049): nothing else is wrong.
			expect(redRows(report)).toEqual(['master', 'web1', 'web2', 'web3']);
			for (const row of report.rows) {
				expect(row.reachable, row.host).toBe(true);
				const failing = row.checks.filter(check => check.ok === false);
				expect(failing.length, row.host).toBe(1);
				expect(`${failing[0]!.label} ${failing[0]!.detail}`, row.host).toMatch(/2049/);
				expect(row.problems, row.host).toHaveLength(1);
				expect(row.problems[0], row.host).toMatch(/master/);
			}

			const plain = await runStatus(lab, server);
			expect(plain.code, plain.stdout + plain.stderr).toBe(1);
			expect(plain.seconds).toBeLessThan(STATUS_BOUND_S);
			expect(plain.stdout).toContain('master');
			expect(plain.stdout + plain.stderr).toContain('2049');
		} finally {
			await lab.fault.startNfsServer('master');
		}
		const healed = await runStatus(lab, server, ['--json']);
		expect(healed.code, healed.stdout).toBe(0);
	});

	test("the share unmounted on web2: only web2's row red, exit 1, within the bound; green again once mounted", async () => {
		const umount = await lab.exec('web2', `umount ${SHARE}`);
		expect(umount.code, umount.stderr).toBe(0);
		try {
			const report = await statusWithin(1);
			expect(report.healthy).toBe(false);
			expect(redRows(report)).toEqual(['web2']);
			const web2 = report.rows.find(row => row.host === 'web2')!;
			expect(web2.problems.join('\n')).toMatch(/mount/i);

			const plain = await runStatus(lab, server);
			expect(plain.code).toBe(1);
			expect(plain.stdout + plain.stderr).toMatch(/web2.*mount/i);
		} finally {
			await lab.exec('web2', `mount ${SHARE}`);
		}
		expect(await mountedShare(lab, 'web2')).toBe(true);
		const healed = await runStatus(lab, server, ['--json']);
		expect(healed.code, healed.stdout).toBe(0);
	});

	test("web3 silent (its packets dropped): web3's row unreachable, exit 1, and status still returns within the bound", async () => {
		await lab.fault.unreachable('web3', 'drop');
		try {
			const report = await statusWithin(1);
			expect(report.rows.find(row => row.host === 'web3')).toMatchObject({reachable: false});
			expect(redRows(report)).toEqual(['web3']);
		} finally {
			await lab.fault.reachable('web3');
		}
	});
});
