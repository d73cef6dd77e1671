// The lab's own end-to-end test: before any test trusts the lab, prove that
// its hosts are isolated, named, reachable by key over real SSH, install
// packages offline, rsync to each other, serve and mount NFS the way the tool
// will use it, that every fault works and is undone, and that teardown leaves
// nothing behind.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {status} from '../lab/lab.mjs';
import {spawnPty} from './helpers/cli.js';
import {canRunLab, startLab, type Lab} from './helpers/lab.js';

type Result = {code: number; stdout: string; stderr: string};

/** Real OpenSSH from the runner, with the lab's ssh_config (and so its known_hosts). */
function ssh(lab: Lab, target: string, command: string, extra: string[] = []): Promise<Result> {
	return new Promise(resolve => {
		const child = spawn('ssh', ['-F', lab.sshConfigFile, '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', ...extra, target, command]);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.on('close', code => resolve({code: code ?? -1, stdout, stderr}));
	});
}

/** 'banner' when sshd answers, else how the connection failed. */
function probe(address: string, timeoutMs = 1500): Promise<'banner' | 'timeout' | string> {
	return new Promise(resolve => {
		const socket = net.connect({host: address, port: 22});
		const done = (value: string) => {
			socket.destroy();
			resolve(value);
		};
		socket.setTimeout(timeoutMs, () => done('timeout'));
		socket.once('data', data => done(data.toString().startsWith('SSH-') ? 'banner' : 'other'));
		socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
	});
}

async function timed<T>(action: () => Promise<T>): Promise<{ms: number; value: T}> {
	const started = performance.now();
	const value = await action();
	return {ms: performance.now() - started, value};
}

const must = async (promise: Promise<Result>) => {
	const result = await promise;
	if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}${result.stdout}`);
	return result;
};

describe.skipIf(!canRunLab.ok)('lab self-test', () => {
	let lab: Lab;
	const timings: string[] = [];

	beforeAll(async () => {
		const {ms, value} = await timed(() => startLab({names: ['master', 'web1', 'web2', 'bare'], aegirUidOf: {web2: 1501, bare: 'absent'}}));
		lab = value;
		timings.push(`startLab (4 hosts, base cached or built): ${(ms / 1000).toFixed(1)} s`);
	});

	afterAll(async () => {
		if (timings.length > 0) console.log(`lab timings:\n  ${timings.join('\n  ')}`);
	});

	test('each host has its own hostname and lists every lab host in /etc/hosts', async () => {
		for (const host of lab.hosts) {
			const result = await must(lab.exec(host.name, 'hostname; cat /etc/hostname; getent hosts master web1 web2 bare'));
			const [name, file, ...hosts] = result.stdout.trim().split('\n');
			expect(name).toBe(host.name);
			expect(file).toBe(host.name);
			expect(hosts.map(line => line.split(/\s+/).reverse().join(' '))).toEqual(lab.hosts.map(entry => `${entry.name} ${entry.address}`));
		}
		expect(lab.hosts.map(host => host.address)).toEqual(['127.0.1.1', '127.0.1.2', '127.0.1.3', '127.0.1.4']);
	});

	test('a file written on one host is on no other, and the runner reads and writes each host directly', async () => {
		await must(lab.exec('master', 'echo only-on-master > /root/marker && echo tmp > /tmp/marker'));
		expect(await lab.readFile('master', '/root/marker')).toBe('only-on-master\n');
		expect(await lab.readFile('master', '/tmp/marker')).toBe('tmp\n');
		for (const other of ['web1', 'web2', 'bare']) {
			expect(await lab.readFile(other, '/root/marker')).toBeUndefined();
			expect((await lab.exec(other, 'test -e /root/marker || test -e /tmp/marker')).code).not.toBe(0);
		}
		await lab.writeFile('web1', '/etc/aegir-lab-written', 'from the runner\n');
		expect((await must(lab.exec('web1', 'cat /etc/aegir-lab-written'))).stdout).toBe('from the runner\n');
		expect(await lab.readFile('master', '/etc/aegir-lab-written')).toBeUndefined();
		// /run is the host's own tmpfs: readable from the runner too.
		expect(await lab.readFile('web1', '/run/sshd.pid')).toMatch(/^\d+\n$/);
		// Each host has its own processes: PID 1 is the lab init, and no other host's sshd is visible.
		const ps = await must(lab.exec('web1', 'cat /proc/1/cmdline | tr "\\0" " "; echo; pgrep -c -x sshd'));
		expect(ps.stdout).toMatch(/^\/bin\/bash \/usr\/local\/lib\/aegir-lab\/init \n1\n$/);
	});

	test('checksumTree sees any change below a directory', async () => {
		const before = await lab.checksumTree('web2', '/etc');
		expect(before['/etc/hostname']).toMatch(/^file [0-9a-f]{64} 644 0:0$/);
		expect(await lab.checksumTree('web2', '/etc')).toEqual(before);
		await must(lab.exec('web2', 'chmod 600 /etc/hostname'));
		const after = await lab.checksumTree('web2', '/etc');
		expect(after['/etc/hostname']).toMatch(/ 600 0:0$/);
		await must(lab.exec('web2', 'chmod 644 /etc/hostname'));
		expect(await lab.checksumTree('web2', '/etc')).toEqual(before);
	});

	test('ssh by key to every host as root, the sudo user and aegir, host keys checked against the lab known_hosts', async () => {
		for (const host of lab.hosts) {
			expect((await must(ssh(lab, host.name, 'hostname; id -un'))).stdout).toBe(`${host.name}\nroot\n`);
			expect((await must(ssh(lab, `${host.sudoUser}@${host.name}`, 'sudo -n id -un'))).stdout).toBe('root\n');
			const aegir = await ssh(lab, `aegir@${host.name}`, 'id -u; id -g; echo $HOME');
			if (host.aegir === 'absent') expect(aegir.code).toBe(255);
			else expect(aegir.stdout).toBe(`${host.aegir.uid}\n${host.aegir.gid}\n/var/aegir\n`);
		}
		expect(lab.host('web2').aegir).toEqual({uid: 1501, gid: 1501});
		expect((await lab.exec('bare', 'id aegir')).code).not.toBe(0);
		const knownHosts = fs.readFileSync(lab.knownHostsFile, 'utf8');
		for (const host of lab.hosts) expect(knownHosts).toContain(`${host.name},${host.address} ${host.hostKey}`);
		// Passwords are never accepted.
		const password = await ssh(lab, 'master', 'true', ['-o', 'PubkeyAuthentication=no', '-o', 'PreferredAuthentications=password,keyboard-interactive']);
		expect(password.code).toBe(255);
	});

	test('hosts see each other at their own addresses (source NAT by cgroup)', async () => {
		expect(lab.snat).toBe(true);
		const result = await must(lab.exec('web1', 'ssh -o BatchMode=yes master \'echo "$SSH_CONNECTION"\''));
		expect(result.stdout.split(' ')[0]).toBe(lab.host('web1').address);
		// And the hosts' traffic may not leave 127.0.0.0/8 (checked in the rules; never tried).
		const rules = await new Promise<string>(resolve => {
			const child = spawn('nft', ['list', 'chain', 'ip', 'aegir_lab', 'host_egress']);
			let out = '';
			child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
			child.on('close', () => resolve(out));
		});
		expect(rules).toMatch(/ip daddr != 127\.0\.0\.0\/8 reject/);
	});

	test('apt installs nfs-common offline from the image cache', async () => {
		const {ms, value} = await timed(() => lab.exec('web1', 'apt-get install -y nfs-common'));
		expect(value.code, value.stderr).toBe(0);
		expect((await must(lab.exec('web1', "dpkg-query -W -f '${Status}' nfs-common"))).stdout).toBe('install ok installed');
		expect(value.stdout).not.toMatch(/^Get:/m);
		timings.push(`apt-get install nfs-common: ${(ms / 1000).toFixed(1)} s`);
		// The image's apt cache is per host (copy-on-write): web2 still has no nfs-common.
		expect((await lab.exec('web2', "dpkg-query -W -f '${Status}' nfs-common")).stdout).not.toBe('install ok installed');
	});

	test("apt installs what Aegir's remote web servers need offline: PHP with mysqli, a MySQL client, Apache with rewrite", async () => {
		const {ms, value} = await timed(() => lab.exec('bare', 'apt-get install -y -q --no-install-recommends apache2 php-cli php-mysql libapache2-mod-php default-mysql-client php-fpm'));
		expect(value.code, value.stderr).toBe(0);
		expect(value.stdout).not.toMatch(/^Get:/m);
		timings.push(`apt-get install apache2 + PHP + MySQL client: ${(ms / 1000).toFixed(1)} s`);
		expect((await must(lab.exec('bare', `php -r 'echo extension_loaded("mysqli") && extension_loaded("pdo_mysql") ? "yes" : "no";'`))).stdout).toBe('yes');
		expect((await must(lab.exec('bare', 'mysql --version'))).stdout).toContain('MariaDB');
		expect((await must(lab.exec('bare', 'ls /etc/apache2/mods-enabled'))).stdout).toMatch(/^php8\.2\.load$/m);
		expect((await must(lab.exec('bare', 'ls /usr/sbin/php-fpm8.2'))).code).toBe(0);
		// rewrite ships with apache2 but is not enabled; a2enmod links it (nothing starts: no init, policy-rc.d).
		expect((await lab.exec('bare', 'test -e /etc/apache2/mods-enabled/rewrite.load')).code).not.toBe(0);
		await must(lab.exec('bare', 'a2enmod -q rewrite'));
		expect((await must(lab.exec('bare', 'readlink /etc/apache2/mods-enabled/rewrite.load'))).stdout).toBe('../mods-available/rewrite.load\n');
		expect((await lab.exec('bare', 'pgrep -x apache2')).code).not.toBe(0);
	});

	test('rsync between hosts over ssh', async () => {
		await must(lab.exec('master', 'mkdir -p /srv/tree/sub && echo one > /srv/tree/a && echo two > /srv/tree/sub/b && chown -R 1500:1500 /srv/tree'));
		await must(lab.exec('master', 'rsync -a /srv/tree/ web2:/srv/tree/'));
		expect(await lab.readFile('web2', '/srv/tree/sub/b')).toBe('two\n');
		// rsync maps owners by name: aegir is 1500 on master and 1501 on web2.
		expect((await must(lab.exec('web2', 'stat -c "%U %u" /srv/tree/a'))).stdout).toBe('aegir 1501\n');
	});

	describe('NFS', () => {
		beforeAll(async () => {
			const {ms} = await timed(async () => {
				await must(lab.exec('master', 'apt-get install -y nfs-kernel-server'));
				await must(lab.exec('master', 'mkdir -p /var/aegir/platforms/drupal && echo "<?php // code" > /var/aegir/platforms/drupal/index.php'));
				await must(lab.exec('master', `printf '/var/aegir/platforms %s(rw,sync,no_subtree_check)\\n' ${lab.host('web1').address} > /etc/exports && exportfs -ra`));
			});
			timings.push(`nfs-kernel-server install + exportfs -ra: ${(ms / 1000).toFixed(1)} s`);
		});

		test('exportfs -ra makes ganesha serve the export to the listed client only', async () => {
			expect((await must(lab.exec('master', 'exportfs -v'))).stdout).toContain('/var/aegir/platforms');
			const listed = await must(lab.exec('web1', 'nfs-ls nfs://master/var/aegir/platforms/drupal'));
			expect(listed.stdout).toContain('index.php');
			const refused = await lab.exec('web2', 'nfs-ls nfs://master/var/aegir/platforms');
			expect(refused.code).not.toBe(0);
			expect(refused.stderr).toContain('MNT3ERR_ACCES');
		});

		test('without nfs-common there is no NFS mount helper', async () => {
			await must(lab.exec('web2', 'mkdir -p /mnt/share'));
			const result = await lab.exec('web2', 'mount -t nfs master:/var/aegir/platforms /mnt/share');
			expect(result.code).toBe(32);
			expect(result.stderr).toContain('you might need a /sbin/mount.<type> helper program');
		});

		test('the mount stand-in mounts from fstab, is idempotent, and unmounts', async () => {
			await must(lab.exec('web1', 'mkdir -p /var/aegir/platforms && echo "master:/var/aegir/platforms /var/aegir/platforms nfs rw,hard,_netdev,nofail 0 0" >> /etc/fstab'));
			await must(lab.exec('web1', 'mount -a'));
			expect(await lab.readFile('web1', '/var/aegir/platforms/drupal/index.php')).toBe('<?php // code\n');
			await must(lab.exec('web1', 'echo from-web1 > /var/aegir/platforms/drupal/new.txt'));
			expect(await lab.readFile('master', '/var/aegir/platforms/drupal/new.txt')).toBe('from-web1\n');
			await must(lab.exec('web1', 'mount -a && findmnt --verify'));
			expect((await must(lab.exec('web1', 'findmnt -n -o TARGET /var/aegir/platforms | wc -l'))).stdout).toBe('1\n');
			await must(lab.exec('web1', 'umount /var/aegir/platforms'));
			expect(await lab.readFile('web1', '/var/aegir/platforms/drupal/index.php')).toBeUndefined();
		});

		test('the mount stand-in applies the per-mount flags of the options, as a kernel NFS mount does (ansible.posix.mount mounts by plain mount)', async () => {
			await must(lab.exec('web1', 'mkdir -p /mnt/flags && mount -t nfs -o rw,hard,nosuid,nodev,noexec master:/var/aegir/platforms /mnt/flags'));
			const flags = (await must(lab.exec('web1', 'findmnt -n -o VFS-OPTIONS --mountpoint /mnt/flags'))).stdout.trim().split(',');
			expect(flags).toEqual(expect.arrayContaining(['rw', 'nosuid', 'nodev', 'noexec']));
			expect(await lab.readFile('web1', '/mnt/flags/drupal/index.php')).toBe('<?php // code\n');
			await must(lab.exec('web1', 'umount /mnt/flags'));
		});

		test('the mount stand-in fails as mount.nfs does', async () => {
			await must(lab.exec('web2', 'apt-get install -y nfs-common'));
			const denied = await lab.exec('web2', 'mount -t nfs master:/var/aegir/platforms /mnt/share');
			expect(denied.code).toBe(32);
			expect(denied.stderr).toContain('mount.nfs: access denied by server while mounting master:/var/aegir/platforms');
			const noServer = await lab.exec('web2', 'mount -t nfs web1:/var/aegir/platforms /mnt/share');
			expect(noServer.code).toBe(32);
			expect(noServer.stderr).toContain('mount.nfs: Connection refused');
			const unknown = await lab.exec('web2', 'mount -t nfs nowhere:/x /mnt/share');
			expect(unknown.stderr).toContain('Failed to resolve server nowhere');
		});

		test("daemonless systemctl: is-enabled follows enable and disable; restart brings a stopped NFS server back with its exports", async () => {
			const enabled = async () => (await lab.exec('master', 'systemctl is-enabled nfs-server')).stdout.trim();
			await must(lab.exec('master', 'systemctl disable nfs-server'));
			expect(await enabled()).toBe('disabled');
			await must(lab.exec('master', 'systemctl enable nfs-server'));
			expect(await enabled()).toBe('enabled');
			const listening = async () => (await must(lab.exec('master', "ss -Hltn 'sport = :2049'"))).stdout.trim();
			expect(await listening()).toContain(':2049');
			const exports = (await must(lab.exec('master', 'exportfs -v'))).stdout;
			await lab.fault.stopNfsServer('master');
			expect(await listening()).toBe('');
			expect((await must(lab.exec('master', 'exportfs -v'))).stdout).toBe(exports);
			await must(lab.exec('master', 'systemctl restart nfs-server'));
			// No fixed sleep: the restart runs rpc.nfsd, which returns once ganesha is in line with etab.
			expect(await listening()).toContain(`${lab.host('master').address}]:2049`);
			expect((await must(lab.exec('master', 'exportfs -v'))).stdout).toBe(exports);
			expect((await must(lab.exec('web1', 'nfs-ls nfs://master/var/aegir/platforms/drupal'))).stdout).toContain('index.php');
			// Daemonless, so no systemd directory: the tool must not take is-active for the truth.
			expect((await lab.exec('master', 'test -d /run/systemd/system')).code).not.toBe(0);
		});

		test("nfs-server's state as systemctl shows it (Ansible's systemd module reads it) is the lab NFS server's: inactive once stopped, active while it serves, whoever started it", async () => {
			const unit = async () => {
				const shown = (await must(lab.exec('master', 'systemctl show nfs-server'))).stdout;
				return Object.fromEntries(shown.split('\n').filter(line => /^(ActiveState|MainPID)=/.test(line)).map(line => line.split('=')));
			};
			const ganeshaPid = async () => (await must(lab.exec('master', 'cat /run/aegir-lab/ganesha/ganesha.pid'))).stdout.trim();
			await must(lab.exec('master', 'systemctl stop nfs-server'));
			expect((await lab.exec('master', "ss -Hltn 'sport = :2049'")).stdout).toBe('');
			expect(await unit()).toEqual({ActiveState: 'inactive', MainPID: '0'});
			// exportfs -ra starts the lab's server (the tool's export step does this): the unit is active, its pid the server's.
			await must(lab.exec('master', 'exportfs -ra'));
			expect(await unit()).toEqual({ActiveState: 'active', MainPID: await ganeshaPid()});
			const pid = await ganeshaPid();
			await must(lab.exec('master', 'systemctl start nfs-server'));
			expect(await ganeshaPid()).toBe(pid);
			expect((await must(lab.exec('web1', 'nfs-ls nfs://master/var/aegir/platforms/drupal'))).stdout).toContain('index.php');
		});

		test('exports removed: exportfs -ra stops serving', async () => {
			await must(lab.exec('master', ': > /etc/exports && exportfs -ra'));
			const result = await lab.exec('web1', 'timeout 5 nfs-ls nfs://master/var/aegir/platforms');
			expect(result.code).not.toBe(0);
		});
	});

	describe('faults, each applied and undone in under a second', () => {
		const underASecond = async (what: string, action: () => Promise<unknown>) => {
			const {ms} = await timed(action);
			timings.push(`fault ${what}: ${Math.round(ms)} ms`);
			expect(ms, what).toBeLessThan(1000);
		};

		test('stop sshd: new connections refused, open sessions stay; start brings it back', async () => {
			const session = ssh(lab, 'web2', 'sleep 1.5; echo still-here');
			await new Promise(resolve => setTimeout(resolve, 500));
			await underASecond('stopSshd', () => lab.fault.stopSshd('web2'));
			expect(await probe(lab.host('web2').address)).toBe('ECONNREFUSED');
			expect((await session).stdout).toBe('still-here\n');
			await underASecond('startSshd', () => lab.fault.startSshd('web2'));
			expect((await must(ssh(lab, 'web2', 'hostname'))).stdout).toBe('web2\n');
		});

		test('kill sshd mid-run: the open session drops', async () => {
			const session = ssh(lab, 'web2', 'sleep 20; echo finished');
			await new Promise(resolve => setTimeout(resolve, 500));
			await underASecond('killSshd', () => lab.fault.killSshd('web2'));
			const result = await session;
			expect(result.code).toBe(255);
			expect(result.stdout).toBe('');
			await lab.fault.startSshd('web2');
		});

		test('unreachable: drop times out, reject fails at once, reachable restores', async () => {
			const address = lab.host('web2').address;
			await underASecond('unreachable drop', () => lab.fault.unreachable('web2', 'drop'));
			expect(await probe(address, 1000)).toBe('timeout');
			// From another host too (its traffic is tagged by cgroup).
			expect((await lab.exec('web1', 'timeout 2 bash -c "exec 3<>/dev/tcp/web2/22"')).code).toBe(124);
			await underASecond('unreachable reject', () => lab.fault.unreachable('web2', 'reject'));
			const started = performance.now();
			expect(await probe(address)).toBe('EHOSTUNREACH');
			expect(performance.now() - started).toBeLessThan(500);
			await underASecond('reachable', () => lab.fault.reachable('web2'));
			expect(await probe(address)).toBe('banner');
		});

		test('dpkg lock held: apt reports it; released: apt works', async () => {
			let release: () => Promise<void> = async () => {};
			await underASecond('holdDpkgLock', async () => (release = await lab.fault.holdDpkgLock('web1')));
			const blocked = await lab.exec('web1', 'apt-get install -y rsync');
			expect(blocked.code).toBe(100);
			expect(blocked.stderr).toContain('Could not get lock /var/lib/dpkg/lock-frontend');
			await underASecond('release dpkg lock', release);
			await must(lab.exec('web1', 'apt-get install -y rsync'));
		});

		test('read-only and immutable /etc/fstab, then restored with content unchanged', async () => {
			const before = await lab.readFile('web1', '/etc/fstab');
			await underASecond('readonlyFstab', () => lab.fault.readonlyFstab('web1'));
			expect((await lab.exec('web1', 'echo x >> /etc/fstab')).stderr).toContain('Read-only file system');
			await underASecond('restoreFstab', () => lab.fault.restoreFstab('web1'));
			await underASecond('immutableFstab', () => lab.fault.immutableFstab('web1'));
			expect((await lab.exec('web1', 'echo x >> /etc/fstab')).stderr).toContain('Operation not permitted');
			await lab.fault.restoreFstab('web1');
			expect(await lab.readFile('web1', '/etc/fstab')).toBe(before);
			await must(lab.exec('web1', 'cp /etc/fstab /etc/fstab.copy && echo "# ok" >> /etc/fstab.copy'));
		});

		test('full filesystem: writes fail with ENOSPC, content stays readable; undo frees it', async () => {
			let undo: () => Promise<void> = async () => {};
			await underASecond('fillDisk /etc', async () => (undo = await lab.fault.fillDisk('web1', '/etc')));
			const full = await lab.exec('web1', 'cat /etc/hostname && echo data > /etc/fstab.new');
			expect(full.stdout).toBe('web1\n');
			expect(full.stderr).toContain('No space left on device');
			await underASecond('undo fillDisk', undo);
			await must(lab.exec('web1', 'echo data > /etc/fstab.new && rm /etc/fstab.new'));
		});
	});

	test('a person can ssh in through a terminal (pty)', async () => {
		const session = spawnPty('ssh', ['-F', lab.sshConfigFile, 'master']);
		try {
			await session.waitFor('root@master:~#');
			session.write('echo "sum: $((40 + 2))"\r');
			await session.waitFor('sum: 42');
			session.write('exit\r');
			expect(await session.exit).toBe(0);
		} finally {
			session.kill();
		}
	});

	test('down removes everything and says so; status agrees', async () => {
		const {ms} = await timed(() => lab.down());
		timings.push(`down (4 hosts): ${(ms / 1000).toFixed(1)} s`);
		const after = await status();
		expect(after).toMatchObject({up: false, hosts: [], mounts: [], cgroup: false});
		expect(after.nftTable).toBeUndefined();
		for (const host of lab.hosts) expect(await probe(host.address, 500)).not.toBe('banner');
	});
});

describe.skipIf(!canRunLab.ok)('lab without known_hosts (first contact)', () => {
	let lab: Lab;
	beforeAll(async () => {
		lab = await startLab({count: 1, writeKnownHosts: false});
	});
	afterAll(async () => {
		await lab?.down();
	});

	test('ssh asks about the host key, showing the fingerprint the lab reports', async () => {
		expect(fs.readFileSync(lab.knownHostsFile, 'utf8')).toBe('');
		const session = spawnPty('ssh', ['-F', lab.sshConfigFile, 'master', 'hostname']);
		try {
			await session.waitFor('Are you sure you want to continue connecting');
			expect(session.screen()).toContain(lab.host('master').hostKeyFingerprint);
			session.write('yes\r');
			await session.waitFor(/^master$/m);
			expect(await session.exit).toBe(0);
		} finally {
			session.kill();
		}
		expect(fs.readFileSync(lab.knownHostsFile, 'utf8')).toContain(lab.host('master').hostKey);
	});
});
