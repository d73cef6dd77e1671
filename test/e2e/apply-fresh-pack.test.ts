// Apply on a fresh three-host lab (master = NFS server, web1 and web2 slaves),
// in the order a sysadmin would: a dry run first (changes nothing, shows the
// diffs), the real run (the share is exported, mounted and used), a second
// run (nothing left to do, not one file touched), and a hostile value pushed
// straight through the SSH transport.
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {connectHost} from '../../source/remote/connect.js';
import {NonInteractivePrompter} from '../../source/cli/non-interactive-prompter.js';
import {commandLine} from '../../source/shell/quote.js';
import {
	EXPORTS_DROP_IN,
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

const HOSTS = ['master', 'web1', 'web2'];
const SLAVES = ['web1', 'web2'];
// Issue 14: six fields (ansible.posix.mount reads it), the tag a comment line directly above it.
const FSTAB_TAG = `# aegir-pack: ${PACK_NAME}`;
const FSTAB_LINE = `127.0.1.1:${SHARE} ${SHARE} nfs rw,hard,_netdev,nofail,nosuid,nodev 0 0`;
const EXPORT_LINE = `${SHARE} 127.0.1.0/24(rw,sync,no_subtree_check)`;

describe.skipIf(!canRunLab.ok)('apply on a fresh 3-host pack', () => {
	let lab: Lab;
	let server: AegirServer;

	useLabAndAegirServer({names: HOSTS}, (started, seeded) => {
		lab = started;
		server = seeded;
	});

	test('--dry-run changes nothing on any host and prints the fstab and exports diffs', async () => {
		const dirs = ['/etc', '/var/aegir'];
		const before = await snapshot(lab, HOSTS, dirs);
		const result = await runApply(lab, server, {extra: ['--dry-run']});
		expect(result.code, result.stdout + result.stderr).toBe(0);
		expect(result.stdout).toContain('dry run');
		// The exports drop-in as a new file, and each slave's fstab gaining the one line.
		expect(result.stdout).toMatch(new RegExp(`^master\\s+\\| \\+\\+\\+ ${EXPORTS_DROP_IN.replaceAll('.', '\\.')}`, 'm'));
		expect(result.stdout).toContain(`master    | +${EXPORT_LINE}`);
		for (const slave of SLAVES) {
			expect(result.stdout).toContain(`${slave}      | --- /etc/fstab`);
			expect(result.stdout).toContain(`${slave}      | +${FSTAB_TAG}\n${slave}      | +${FSTAB_LINE}\n`);
		}
		expect(await snapshot(lab, HOSTS, dirs)).toEqual(before);
		for (const host of HOSTS) {
			expect((await lab.exec(host, `test -e ${SHARE}`)).code, `${SHARE} on ${host}`).not.toBe(0);
		}
	});

	test('first run: exit 0, share exported by the master, mounted on each slave, config everywhere, code on the master only', async () => {
		const result = await runApply(lab, server);
		expect(result.code, result.stdout + result.stderr).toBe(0);
		expect(result.stdout).toMatch(/^exit 0: /m);
		const recap = parseRecap(result.stdout);
		expect(Object.keys(recap).sort()).toEqual(HOSTS);
		for (const host of HOSTS) expect(recap[host]).toMatchObject({failed: 0, skipped: 0});

		// Master: the drop-in holds exactly the export line, and the export is live.
		const dropIn = (await lab.readFile('master', EXPORTS_DROP_IN)) ?? '';
		expect(dropIn.split('\n').filter(line => line && !line.startsWith('#'))).toEqual([EXPORT_LINE]);
		const exportfs = await lab.exec('master', 'exportfs -v');
		expect(exportfs.code).toBe(0);
		expect(exportfs.stdout).toMatch(new RegExp(`^${SHARE}\\s+127\\.0\\.1\\.0/24\\(.*\\brw\\b.*\\)`, 'm'));
		expect(exportfs.stdout).toMatch(/\bsync\b/);
		expect(exportfs.stdout).toMatch(/\bno_subtree_check\b/);
		// The step says what it did, not what its check found before it.
		expect(stepLines(result.stdout, 'master').find(line => line.includes('export active'))).toMatch(/\schanged\s.*\(exported to 127\.0\.1\.0\/24\)$/);

		// A file written now on the master is read on each slave through the share.
		await lab.exec('master', `echo "written on master $$" > ${SHARE}/e2e-probe.txt`);
		const written = await lab.readFile('master', `${SHARE}/e2e-probe.txt`);
		expect(written).toMatch(/^written on master \d+\n$/);

		for (const slave of SLAVES) {
			const fstab = (await lab.readFile(slave, '/etc/fstab')) ?? '';
			const entries = fstab.split('\n').filter(line => !line.trimStart().startsWith('#') && line.split(/\s+/)[1] === SHARE);
			expect(entries, `fstab on ${slave}`).toEqual([FSTAB_LINE]);
			const lines = fstab.split('\n');
			expect(lines[lines.indexOf(FSTAB_LINE) - 1], `the tag above the entry on ${slave}`).toBe(FSTAB_TAG);
			const mounted = await lab.exec(slave, `findmnt -n -o TARGET ${SHARE}`);
			expect(mounted.stdout.trim().split('\n'), `findmnt on ${slave}`).toEqual([SHARE]);
			expect((await lab.exec(slave, 'findmnt --verify')).code, `findmnt --verify on ${slave}`).toBe(0);
			expect(await lab.readFile(slave, `${SHARE}/e2e-probe.txt`)).toBe(written);
			const listed = await lab.exec(slave, `timeout 10 nfs-ls nfs://master${SHARE}`);
			expect(listed.code, listed.stderr).toBe(0);
			expect(listed.stdout).toContain('.aegir-pack-marker');
		}
		await lab.exec('master', `rm ${SHARE}/e2e-probe.txt`);

		// Each web head: its own server_<name> only, owned by aegir, and apache.conf linked to it (as provision leaves it).
		for (const host of HOSTS) {
			expect(await lab.readFile(host, `/var/aegir/config/server_${host}/apache.conf`), `config on ${host}`).toBe(
				fs.readFileSync(path.join(server.configDir, `server_${host}`, 'apache.conf'), 'utf8'),
			);
			expect((await lab.exec(host, `stat -c %U /var/aegir/config/server_${host}/apache.conf`)).stdout).toBe('aegir\n');
			expect((await lab.exec(host, 'readlink /var/aegir/config/apache.conf')).stdout).toBe(`/var/aegir/config/server_${host}/apache.conf\n`);
		}
		// Code on the master; the slaves' own disks stay empty under the mount point (they see code over NFS).
		expect(await lab.readFile('master', `${SHARE}/drupal-10/web/index.php`)).toBe(
			fs.readFileSync(path.join(server.platformsDir, 'drupal-10', 'web', 'index.php'), 'utf8'),
		);
		for (const slave of SLAVES) {
			const underneath = await lab.exec(slave, `unshare -m sh -c 'mount --bind / /mnt && ls -A /mnt${SHARE}'`);
			expect(underneath.code, underneath.stderr).toBe(0);
			expect(underneath.stdout, `${slave}'s own ${SHARE}`).toBe('');
			expect(stepLines(result.stdout, slave).join('\n')).not.toContain('platform and site code');
		}
		expect(stepLines(result.stdout, 'master').join('\n')).toMatch(/platform and site code \S+\s+changed/);
	});

	test('second run: every step ok, 0 changed, and not one file under /etc modified on any host', async () => {
		const before = await snapshot(lab, HOSTS);
		const result = await runApply(lab, server);
		expect(result.code, result.stdout + result.stderr).toBe(0);
		const recap = parseRecap(result.stdout);
		for (const host of HOSTS) {
			const steps = stepLines(result.stdout, host);
			expect(steps.length).toBeGreaterThan(0);
			expect(recap[host], steps.join('\n')).toEqual({ok: steps.length, changed: 0, failed: 0, skipped: 0});
			for (const line of steps) expect(line).toMatch(/\s ok\s/);
		}
		expect(await snapshot(lab, HOSTS)).toEqual(before);
	});

	test('a hostile value reaching the SSH transport stays one argument, as root and through sudo: nothing injected runs', async () => {
		const prompter = new NonInteractivePrompter({confirm: false, say: () => {}});
		const hostile = [
			"x'; touch /tmp/pwned; '",
			'$(touch /tmp/pwned)',
			'`touch /tmp/pwned`',
			'x; touch /tmp/pwned',
			'x && touch /tmp/pwned',
			'x\ntouch /tmp/pwned',
			"'\"; touch /tmp/pwned #",
			'| touch /tmp/pwned',
			'-n; touch /tmp/pwned',
		];
		// root, and the sudo user (its commands go through the `sudo -S` wrapper).
		for (const user of ['root', lab.host('web1').sudoUser]) {
			const transport = await connectHost(
				{name: 'web1', address: 'web1', port: 22, user},
				{prompter, knownHostsFiles: [lab.knownHostsFile], globalKnownHostsFiles: [], sshConfigFile: lab.sshConfigFile, agentSocket: false},
			);
			try {
				expect((await transport.exec('id -un')).stdout).toBe(`${user}\n`);
				for (const value of hostile) {
					const echoed = await transport.exec(commandLine(['printf', '%s', value]));
					expect(echoed.code, echoed.stderr).toBe(0);
					expect(echoed.stdout).toBe(value);
					const privileged = await transport.exec(commandLine(['printf', '%s', value]), {sudo: true});
					expect(privileged.code, privileged.stderr).toBe(0);
					expect(privileged.stdout).toBe(value);
					const inFile = await transport.exec(`${commandLine(['test', '-e', value])} || ${commandLine(['echo', value])}`, {sudo: true});
					expect(inFile.stdout).toBe(`${value}\n`);
				}
			} finally {
				await transport.close();
			}
		}
		expect((await lab.exec('web1', 'test -e /tmp/pwned')).code).not.toBe(0);
		expect((await lab.exec('web1', 'ls /tmp')).stdout).not.toContain('pwned');
	});
});
