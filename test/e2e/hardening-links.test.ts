// Issue 11 on the lab: the aegir user plants a link where a path root acts on
// belongs (a root-owned file or directory as its target), then the real CLI
// runs. After the run the target is byte for byte and owner for owner what it
// was, the host failed with a message naming the link and its target, and the
// other hosts completed. Each test then removes the link and runs again: the
// host converges. Also here: an fstab that is not UTF-8 (H4), and client mounts
// with nosuid,nodev, including an entry an earlier version wrote (E5).
import {afterAll, describe, expect, test} from 'vitest';
import {makeAegirHome, type AegirHome} from './helpers/aegir-home.js';
import {applyArgs, EXPORTS_DROP_IN, parseRecap, runApply, SHARE, stepLines, useLabAndAegirServer, type AegirServer} from './helpers/apply-run.js';
import {runCli, type CliResult} from './helpers/cli.js';
import {canRunLab, type Lab} from './helpers/lab.js';
import {asRoot, expectHostFailedWith, expectNoFailures, fileIdentity, plantAsAegir, stepLine} from './helpers/plant.js';

if (!canRunLab.ok) console.warn(`[e2e] skipping the link hardening tests: ${canRunLab.reason}`);

const HOSTS = ['master', 'web1', 'web2'];
const refusal = (path: string, target: string) => `${path} is a symbolic link to ${target}, where`;
const MARKER = `${SHARE}/.aegir-pack-marker`;

/** A client of an NFS server that failed: every step before its wait for the server done; that wait, the mount and what follows skipped waiting for master. */
function expectSkippedFromTheMount(stdout: string, client: string): void {
	const lines = stepLines(stdout, client);
	const wait = lines.findIndex(line => line.includes('NFS server master answers on port 2049'));
	expect(wait, stdout).toBeGreaterThan(0);
	for (const line of lines.slice(0, wait)) expect(line).toMatch(/\s(ok|changed)\s/);
	for (const line of lines.slice(wait)) expect(line).toMatch(/\sskipped\s.*waits for master: /);
}

/** The live per-mount flags of the share on a host. */
async function mountFlags(lab: Lab, host: string): Promise<string> {
	return (await asRoot(lab, host, `findmnt -n -o VFS-OPTIONS --mountpoint ${SHARE}`)).trim();
}

describe.skipIf(!canRunLab.ok)("links in the pack's own paths: the export, its marker, a client's mount point (L5, L6, L7)", () => {
	let lab: Lab;
	let server: AegirServer;
	useLabAndAegirServer({names: HOSTS}, (started, seeded) => {
		lab = started;
		server = seeded;
	});

	const converge = async (): Promise<CliResult> => {
		const again = await runApply(lab, server);
		expect(again.code, again.stdout + again.stderr).toBe(0);
		return again;
	};

	test('L5: the export directory a link on the NFS server: master fails naming it, the target is untouched and not exported; the clients only skip their mount', async () => {
		await plantAsAegir(lab, 'master', `rm -rf ${SHARE} && ln -s /usr/local/sbin ${SHARE}`);
		const before = {tree: await lab.checksumTree('master', '/usr/local/sbin'), dir: await fileIdentity(lab, 'master', '/usr/local/sbin')};
		const run = await runApply(lab, server);
		expect(run.code, run.stdout + run.stderr).toBe(1);
		expectHostFailedWith(run.stdout, 'master', `shared directory ${SHARE}`, refusal(SHARE, '/usr/local/sbin'));
		expect({tree: await lab.checksumTree('master', '/usr/local/sbin'), dir: await fileIdentity(lab, 'master', '/usr/local/sbin')}).toEqual(before);
		expect(await asRoot(lab, 'master', 'exportfs -v')).not.toContain('/usr/local/sbin');
		expect((await lab.exec('master', `test -e ${EXPORTS_DROP_IN}`)).code).not.toBe(0);
		// The clients cannot mount a share that is not exported: from their mount step on they wait for it, nothing fails.
		expectNoFailures(run.stdout, ['web1', 'web2']);
		for (const client of ['web1', 'web2']) expectSkippedFromTheMount(run.stdout, client);
	});

	test('L6: the marker a link to /etc/passwd: master fails naming it, /etc/passwd keeps its bytes and owner', async () => {
		await plantAsAegir(lab, 'master', `rm -f ${SHARE} && mkdir ${SHARE} && ln -s /etc/passwd ${MARKER}`);
		const before = await fileIdentity(lab, 'master', '/etc/passwd');
		const run = await runApply(lab, server);
		expect(run.code, run.stdout + run.stderr).toBe(1);
		expectHostFailedWith(run.stdout, 'master', 'marker file for clients', refusal(MARKER, '/etc/passwd'));
		expect(await fileIdentity(lab, 'master', '/etc/passwd')).toBe(before);
		expectNoFailures(run.stdout, ['web1', 'web2']);
		for (const client of ['web1', 'web2']) expectSkippedFromTheMount(run.stdout, client);

		// Without the link the pack converges; the tool's own mounts carry nosuid,nodev (E5).
		await plantAsAegir(lab, 'master', `rm -f ${MARKER}`);
		await converge();
		for (const client of ['web1', 'web2']) expect(await mountFlags(lab, client), client).toMatch(/(^|,)nosuid,nodev(,|$)/);
	});

	test('L7: a client mount point a link to /usr/local/sbin: web1 fails naming it, nothing is mounted there, its fstab is untouched; master and web2 complete', async () => {
		await asRoot(lab, 'web1', `umount ${SHARE}`);
		await plantAsAegir(lab, 'web1', `rmdir ${SHARE} && ln -s /usr/local/sbin ${SHARE}`);
		const before = {tree: await lab.checksumTree('web1', '/usr/local/sbin'), fstab: await fileIdentity(lab, 'web1', '/etc/fstab')};
		const run = await runApply(lab, server);
		expect(run.code, run.stdout + run.stderr).toBe(1);
		expectHostFailedWith(run.stdout, 'web1', `mount point ${SHARE}`, refusal(SHARE, '/usr/local/sbin'));
		expect((await lab.exec('web1', 'findmnt -n --mountpoint /usr/local/sbin')).code).not.toBe(0);
		expect({tree: await lab.checksumTree('web1', '/usr/local/sbin'), fstab: await fileIdentity(lab, 'web1', '/etc/fstab')}).toEqual(before);
		expect((await lab.exec('web1', 'findmnt --verify')).code).toBe(0);
		expectNoFailures(run.stdout, ['master', 'web2']);

		await plantAsAegir(lab, 'web1', `rm ${SHARE}`);
		await converge();
		expect(await mountFlags(lab, 'web1')).toMatch(/(^|,)nosuid,nodev(,|$)/);
	});

	test('H4: an fstab that is not UTF-8 is edited: every old byte kept, the entry added, exit 0', async () => {
		await asRoot(lab, 'web1', `umount ${SHARE} && sed -i '/^# aegir-pack: /{N;d}' /etc/fstab && printf '# disque syst\\350me\\n' >> /etc/fstab`);
		const old = await asRoot(lab, 'web1', 'wc -c < /etc/fstab && sha256sum < /etc/fstab');
		const [size, sha] = old.trim().split('\n');
		await converge();
		expect(await asRoot(lab, 'web1', `head -c ${size} /etc/fstab | sha256sum`)).toBe(`${sha}\n`);
		expect(await asRoot(lab, 'web1', 'tail -n 2 /etc/fstab')).toMatch(new RegExp(`^# aegir-pack: pack\\.example\\.com\n127\\.0\\.1\\.1:${SHARE} ${SHARE} nfs \\S*nosuid,nodev 0 0\n$`));
	});

	test('E5: an entry an earlier version wrote (no nosuid,nodev) is updated, with a backup; the run says the flags take effect at the next mount and leaves the live mount alone', async () => {
		const old = `127.0.1.1:${SHARE} ${SHARE} nfs rw,hard,_netdev,nofail 0 0  # aegir-pack: pack.example.com`;
		await asRoot(lab, 'web2', `umount ${SHARE} && sed -i '/^# aegir-pack: /{N;d}' /etc/fstab && echo '${old}' >> /etc/fstab && mount ${SHARE} && rm -f /etc/fstab.aegir-pack-*.bak`);
		expect(await mountFlags(lab, 'web2')).not.toContain('nosuid');
		const run = await converge();
		expect(stepLine(run.stdout, 'web2', `fstab entry for ${SHARE}`)).toMatch(/\schanged\s/);
		expect(run.stdout).toContain(`nosuid,nodev take effect at the next mount of ${SHARE}`);
		// Issue 14: the one-line entry is migrated to exactly one entry, the tag on the line above.
		expect(await asRoot(lab, 'web2', `grep -c ' ${SHARE} ' /etc/fstab`)).toBe('1\n');
		expect(await asRoot(lab, 'web2', 'grep -A1 "^# aegir-pack: " /etc/fstab')).toBe(`# aegir-pack: pack.example.com\n127.0.1.1:${SHARE} ${SHARE} nfs rw,hard,_netdev,nofail,nosuid,nodev 0 0\n`);
		expect(await asRoot(lab, 'web2', 'cat /etc/fstab.aegir-pack-*.bak')).toContain(old);
		expect(await mountFlags(lab, 'web2')).not.toContain('nosuid');
		// A second run changes nothing and says it again.
		const again = await converge();
		expect(parseRecap(again.stdout)['web2']?.changed).toBe(0);
		expect(stepLine(again.stdout, 'web2', 'NFS mount from master')).toContain('nosuid,nodev take effect at the next mount');
	});
});

describe.skipIf(!canRunLab.ok)("links in the aegir user's home on a web head: authorized_keys, .ssh, config, the home itself (L1, L2, L3, L8)", () => {
	let lab: Lab;
	let server: AegirServer;
	let home: AegirHome;
	useLabAndAegirServer({names: ['web1', 'web2']}, (started, seeded) => {
		lab = started;
		server = seeded;
		home = makeAegirHome('apache');
	});
	afterAll(() => home?.remove());

	const apply = (): Promise<CliResult> =>
		runCli(applyArgs(lab, server, {master: 'web1', slaves: ['web2'], extra: ['--aegir-prerequisites', '--aegir-home', home.dir]}), {env: {CI: 'true'}, timeoutMs: 300_000});
	const converge = async (): Promise<void> => {
		const run = await apply();
		expect(run.code, run.stdout + run.stderr).toBe(0);
	};

	/** The run that meets the link: exit 1, web2 failed at `title` naming it, web1 complete. */
	const refused = async (title: string, path: string, target: string): Promise<CliResult> => {
		const run = await apply();
		expect(run.code, run.stdout + run.stderr).toBe(1);
		expectHostFailedWith(run.stdout, 'web2', title, refusal(path, target));
		expectNoFailures(run.stdout, ['web1']);
		return run;
	};

	/** Plant as aegir, run `body`, and take the link away again whatever happened. */
	const withPlanted = async (plant: string, unplant: string, body: () => Promise<void>): Promise<void> => {
		await plantAsAegir(lab, 'web2', plant);
		try {
			await body();
		} finally {
			await plantAsAegir(lab, 'web2', unplant);
		}
	};

	test('a first run makes both heads ready for Aegir', async () => {
		await converge();
	}, 400_000);

	test('L1: authorized_keys a link to /etc/shadow, or a dangling link: web2 fails naming it, /etc/shadow unchanged and never shown, nothing created', async () => {
		const keys = '/var/aegir/.ssh/authorized_keys';
		await withPlanted(`rm -f ${keys} && ln -s /etc/shadow ${keys}`, `rm -f ${keys}`, async () => {
			const before = await fileIdentity(lab, 'web2', '/etc/shadow');
			const firstLine = (await asRoot(lab, 'web2', 'head -n 1 /etc/shadow')).trim();
			const run = await refused("Aegir: Aegir server's key authorized", keys, '/etc/shadow');
			expect(await fileIdentity(lab, 'web2', '/etc/shadow')).toBe(before);
			expect(run.stdout + run.stderr).not.toContain(firstLine);
		});
		await withPlanted(`ln -sf /etc/aegir-pack-victim-absent ${keys}`, `rm -f ${keys}`, async () => {
			await refused("Aegir: Aegir server's key authorized", keys, '/etc/aegir-pack-victim-absent');
			expect((await lab.exec('web2', 'test -e /etc/aegir-pack-victim-absent')).code).not.toBe(0);
		});
		await converge();
	}, 600_000);

	test("L2: .ssh a link to root's .ssh: web2 fails naming it, root's .ssh and its keys unchanged", async () => {
		const before = {tree: await lab.checksumTree('web2', '/root/.ssh'), dir: await fileIdentity(lab, 'web2', '/root/.ssh')};
		await withPlanted('rm -rf /var/aegir/.ssh && ln -s /root/.ssh /var/aegir/.ssh', 'rm -f /var/aegir/.ssh', async () => {
			await refused("Aegir: Aegir server's key authorized", '/var/aegir/.ssh', '/root/.ssh');
			expect({tree: await lab.checksumTree('web2', '/root/.ssh'), dir: await fileIdentity(lab, 'web2', '/root/.ssh')}).toEqual(before);
		});
		await converge();
	}, 600_000);

	test("L8: Aegir's config directory a link to a root directory: web2 fails naming it, nothing is created there, the include stays", async () => {
		await asRoot(lab, 'web2', 'mkdir -m 0755 /opt/victim');
		const include = (await asRoot(lab, 'web2', 'readlink /etc/apache2/conf-enabled/aegir.conf')).trim();
		const before = {tree: await lab.checksumTree('web2', '/opt/victim'), dir: await fileIdentity(lab, 'web2', '/opt/victim')};
		await withPlanted('rm -rf /var/aegir/config && ln -s /opt/victim /var/aegir/config', 'rm -f /var/aegir/config', async () => {
			const run = await apply();
			expect(run.code, run.stdout + run.stderr).toBe(1);
			// The config sync reaches /var/aegir/config before the include fix does: whichever meets the link first refuses it.
			const failed = stepLines(run.stdout, 'web2').find(line => /\sfailed\s/.test(line)) ?? '';
			expect(failed, run.stdout).toMatch(/ (web server config|Aegir: web server reads Aegir's config) /);
			expect(failed).toContain('/var/aegir/config is a symbolic link to /opt/victim');
			expectNoFailures(run.stdout, ['web1']);
			expect({tree: await lab.checksumTree('web2', '/opt/victim'), dir: await fileIdentity(lab, 'web2', '/opt/victim')}).toEqual(before);
			expect((await asRoot(lab, 'web2', 'readlink /etc/apache2/conf-enabled/aegir.conf')).trim()).toBe(include);
		});
		await converge();
	}, 600_000);

	test("L3: the home itself a link (left by someone else, aegir cannot make it): web2 fails naming it, /root unchanged", async () => {
		await asRoot(lab, 'web2', 'mv /var/aegir /var/aegir.real && ln -s /root /var/aegir');
		const before = {tree: await lab.checksumTree('web2', '/root'), dir: await fileIdentity(lab, 'web2', '/root')};
		try {
			await refused('aegir user and group (Aegir)', '/var/aegir', '/root');
			expect({tree: await lab.checksumTree('web2', '/root'), dir: await fileIdentity(lab, 'web2', '/root')}).toEqual(before);
		} finally {
			await asRoot(lab, 'web2', 'rm /var/aegir && mv /var/aegir.real /var/aegir');
		}

		await converge();
	}, 600_000);
});
