// Apply when something is wrong on one host: the run refuses before any
// change when aegir's uid differs, keeps the other hosts going when one host's
// sshd dies mid-run (and a re-run finishes only that host), and leaves a
// slave's /etc/fstab untouched and valid when it cannot be written.
import {beforeAll, describe, expect, test} from 'vitest';
import {
	logDirOf,
	parseRecap,
	runApply,
	SHARE,
	snapshot,
	startApply,
	stepLines,
	type AegirServer,
	useLabAndAegirServer,
} from './helpers/apply-run.js';
import {canRunLab, type Lab} from './helpers/lab.js';

const HOSTS = ['master', 'web1', 'web2'];

describe.skipIf(!canRunLab.ok)('apply with aegir uid 1501 on web2 (1500 elsewhere)', () => {
	let lab: Lab;
	let server: AegirServer;

	useLabAndAegirServer({names: HOSTS, aegirUidOf: {web2: 1501}}, (started, seeded) => {
		lab = started;
		server = seeded;
	});

	test('exit 1, the host → uid/gid table shown, and nothing changed on any host', async () => {
		const dirs = ['/etc', '/var/aegir'];
		const before = await snapshot(lab, HOSTS, dirs);
		const result = await runApply(lab, server);
		expect(result.code, result.stdout + result.stderr).toBe(1);
		const output = result.stdout + result.stderr;
		expect(output).toContain('must have the same uid and gid on every host');
		expect(output).toMatch(/^\s+host\s+uid\s+gid\s*$/m);
		expect(output).toMatch(/^\s+master\s+1500\s+1500\s*$/m);
		expect(output).toMatch(/^\s+web1\s+1500\s+1500\s*$/m);
		expect(output).toMatch(/^\s+web2\s+1501\s+1501\s+<- differs/m);
		const recap = parseRecap(result.stdout);
		for (const host of HOSTS) {
			expect(recap[host]?.changed, host).toBe(0);
			expect(recap[host]?.failed, host).toBe(1);
			// Not even a package was installed: everything after the check is skipped.
			expect(stepLines(result.stdout, host).filter(line => /\s(changed|ok)\s/.test(line) && /packages|fstab|exports|mount|sync|config|code/.test(line))).toEqual([]);
		}
		expect(await snapshot(lab, HOSTS, dirs)).toEqual(before);
		for (const host of HOSTS) expect((await lab.exec(host, `test -e ${SHARE}`)).code).not.toBe(0);
	});
});

describe.skipIf(!canRunLab.ok)("apply when web2's sshd is killed mid-run", () => {
	let lab: Lab;
	let server: AegirServer;

	useLabAndAegirServer({names: HOSTS}, (started, seeded) => {
		lab = started;
		server = seeded;
	});

	test('web2 fails with a clear message, master and web1 complete, exit 1; a re-run then changes only web2', async () => {
		const run = startApply(lab, server);
		// The uid check is the last read-only step: once it passes, web2 starts installing packages.
		await run.waitFor(/^web2\s+5\/\d+ .*\sok\s/m);
		await lab.fault.killSshd('web2');
		const result = await run.done;
		expect(result.code, result.stdout + result.stderr).toBe(1);
		const recap = parseRecap(result.stdout);
		expect(recap['master']).toMatchObject({failed: 0, skipped: 0});
		expect(recap['web1']).toMatchObject({failed: 0, skipped: 0});
		expect(recap['web2']?.failed).toBe(1);
		const failed = stepLines(result.stdout, 'web2').find(line => /\sfailed\s/.test(line)) ?? '';
		// Says what happened to the connection, not just "exit -1".
		expect(failed).toMatch(/connection|closed|lost|reset/i);
		expect(result.stdout).toMatch(/^web2\s+FAILED at /m);
		expect(result.stdout).toMatch(/^exit 1: /m);
		// The others really are done: web1 mounts the master's share.
		expect((await lab.exec('web1', `findmnt -n -o TARGET ${SHARE}`)).stdout).toBe(`${SHARE}\n`);

		await lab.fault.startSshd('web2');
		const again = await runApply(lab, server);
		expect(again.code, again.stdout + again.stderr).toBe(0);
		const recapAgain = parseRecap(again.stdout);
		expect(recapAgain['master']).toMatchObject({changed: 0, failed: 0});
		expect(recapAgain['web1']).toMatchObject({changed: 0, failed: 0});
		expect(recapAgain['web2']?.failed).toBe(0);
		expect(recapAgain['web2']?.changed).toBeGreaterThan(0);
		expect((await lab.exec('web2', `findmnt -n -o TARGET ${SHARE}`)).stdout).toBe(`${SHARE}\n`);
		expect(logDirOf(again.stdout)).not.toBe(logDirOf(result.stdout));
	});
});

describe.skipIf(!canRunLab.ok)("apply when a slave's /etc/fstab cannot be written", () => {
	let lab: Lab;
	let server: AegirServer;

	useLabAndAegirServer({names: HOSTS}, (started, seeded) => {
		lab = started;
		server = seeded;
	});

	beforeAll(async () => {
		// Installed beforehand, as on a web head that already had them: dpkg needs /etc too, and the
		// point here is the fstab write itself.
		for (const slave of ['web1', 'web2']) {
			const installed = await lab.exec(slave, 'apt-get install -y nfs-common');
			if (installed.code !== 0) throw new Error(`apt-get install nfs-common on ${slave}: ${installed.stderr}`);
		}
	});

	/** Every aegir-pack backup of fstab on the host, with its content. */
	async function fstabBackups(host: string): Promise<Record<string, string>> {
		const listed = await lab.exec(host, 'ls /etc/fstab.aegir-pack-*.bak 2>/dev/null || true');
		const backups: Record<string, string> = {};
		for (const file of listed.stdout.split('\n').filter(Boolean)) backups[file] = (await lab.readFile(host, file)) ?? '';
		return backups;
	}

	test('read-only fstab on web1, full /etc on web2: both fail clearly, fstab unchanged and valid, master completes', async () => {
		const fstabBefore = {web1: await lab.readFile('web1', '/etc/fstab'), web2: await lab.readFile('web2', '/etc/fstab')};
		await lab.fault.readonlyFstab('web1');
		const undoFull = await lab.fault.fillDisk('web2', '/etc');
		let result;
		try {
			result = await runApply(lab, server);
		} finally {
			await undoFull();
			await lab.fault.restoreFstab('web1');
		}
		expect(result.code, result.stdout + result.stderr).toBe(1);
		const recap = parseRecap(result.stdout);
		expect(recap['master']).toMatchObject({failed: 0});
		for (const slave of ['web1', 'web2'] as const) {
			expect(recap[slave]?.failed, slave).toBe(1);
			const failed = stepLines(result.stdout, slave).find(line => /\sfailed\s/.test(line)) ?? '';
			expect(failed, slave).toContain('fstab');
			expect(await lab.readFile(slave, '/etc/fstab'), slave).toBe(fstabBefore[slave]);
			expect((await lab.exec(slave, 'findmnt --verify')).code, `findmnt --verify on ${slave}`).toBe(0);
			for (const [file, content] of Object.entries(await fstabBackups(slave))) expect(content, file).toBe(fstabBefore[slave]);
			// No half-written temporary file left next to it.
			expect((await lab.exec(slave, 'ls -A /etc | grep -i fstab')).stdout.trim().split('\n').every(name => /^fstab(\.aegir-pack-\d{8}-\d{6}\.bak)?$/.test(name))).toBe(true);
		}
		expect(stepLines(result.stdout, 'web1').find(line => /\sfailed\s/.test(line))).toMatch(/read-only/i);
		expect(stepLines(result.stdout, 'web2').find(line => /\sfailed\s/.test(line))).toMatch(/no space|full/i);
	});

	test('immutable fstab (chattr +i) on web1: fails with a clear message, fstab and its backup unchanged', async () => {
		const before = await lab.readFile('web1', '/etc/fstab');
		const backupsBefore = await fstabBackups('web1');
		await lab.fault.immutableFstab('web1');
		let result;
		try {
			result = await runApply(lab, server, {slaves: ['web1']});
		} finally {
			await lab.fault.restoreFstab('web1');
		}
		expect(result.code, result.stdout + result.stderr).toBe(1);
		const failed = stepLines(result.stdout, 'web1').find(line => /\sfailed\s/.test(line)) ?? '';
		expect(failed).toContain('fstab');
		expect(failed).toMatch(/not permitted|immutable/i);
		expect(await lab.readFile('web1', '/etc/fstab')).toBe(before);
		const backupsAfter = await fstabBackups('web1');
		for (const [file, content] of Object.entries(backupsAfter)) expect(content, file).toBe(backupsBefore[file] ?? before);
		expect((await lab.exec('web1', 'findmnt --verify')).code).toBe(0);
	});
});
