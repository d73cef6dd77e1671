// Issue 10, point 2 on the lab: without Aegir here, the tool's own rsync does
// what provision's sync would, and nothing more. This machine holds a /var/aegir
// laid out as provision lays it (test/lab/aegir-tree.mjs); master (NFS server),
// web1 and web2 are the pack. Each head gets only its own server_<name> and the
// apache.conf link made on it; code reaches the master only, as aegir, with
// owners and modes as provision set them; what users upload through the share
// survives a re-apply; what an earlier version copied is removed and listed;
// rsync's ssh logs in with the key the tool logged in with.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {checksumTree} from '../lab/lib/hostfs.mjs';
import {applyArgs, logDirOf, parseRecap, runApply, SHARE, snapshot, stepLines, type AegirServer, useLabAndAegirServer} from './helpers/apply-run.js';
import {runCli} from './helpers/cli.js';
import {canRunLab, type Lab} from './helpers/lab.js';
import {runAddSlave} from './helpers/rerun.js';

const HOSTS = ['master', 'web1', 'web2'];
const SITE = `${SHARE}/drupal-10/web/sites/site1.example.com`;

if (!canRunLab.ok) console.warn(`[e2e] skipping the own sync tests: ${canRunLab.reason}`);

/** A tree's checksums with its root renamed, so a local tree and a host's compare. */
function rooted(sums: Record<string, string>, from: string, to: string): Record<string, string> {
	return Object.fromEntries(Object.entries(sums).map(([key, value]) => [to + key.slice(from.length), value]));
}

async function names(lab: Lab, host: string, dir: string): Promise<string[]> {
	const listed = await lab.exec(host, `find ${dir} -mindepth 1 -maxdepth 1 -printf '%P\\n' | sort`);
	return listed.stdout.split('\n').filter(Boolean);
}

describe.skipIf(!canRunLab.ok)('own sync: each head its own config, code to the master only, as aegir', () => {
	let lab: Lab;
	let server: AegirServer;

	useLabAndAegirServer({names: [...HOSTS, 'web3'], heads: HOSTS}, (started, seeded) => {
		lab = started;
		server = seeded;
	});

	test('an earlier version\'s whole-directory copy on web2 is listed by --dry-run, and nothing changes', async () => {
		// What the earlier version left: this machine's whole config dir, owned by aegir, Aegir's own apache.conf link included.
		const tar = fs.mkdtempSync(path.join(os.tmpdir(), 'aegir-pack-old-copy-'));
		try {
			const archive = path.join(tar, 'config.tgz');
			execFileSync('tar', ['-czf', archive, '-C', server.configDir, '.']);
			const copied = await lab.exec(
				'web2',
				'mkdir -p /var/aegir/config && base64 -d | tar -xzf - -C /var/aegir/config && chown -R aegir:aegir /var/aegir/config',
				{input: fs.readFileSync(archive).toString('base64')},
			);
			expect(copied.code, copied.stderr).toBe(0);
		} finally {
			fs.rmSync(tar, {recursive: true, force: true});
		}
		expect((await lab.exec('web2', 'readlink /var/aegir/config/apache.conf')).stdout).toBe('/var/aegir/config/server_master/apache.conf\n');

		const before = await snapshot(lab, HOSTS, ['/etc', '/var/aegir']);
		const result = await runApply(lab, server, {extra: ['--dry-run']});
		expect(result.code, result.stdout + result.stderr).toBe(0);
		for (const name of ['server_master', 'server_web1', 'server_packexamplecom', 'server_dbexamplecom', 'ssl.d']) {
			expect(result.stdout).toContain(`web2      | would delete on web2: /var/aegir/config/${name}\n`);
		}
		expect(result.stdout).not.toContain('would delete on web2: /var/aegir/config/server_web2');
		expect(await snapshot(lab, HOSTS, ['/etc', '/var/aegir'])).toEqual(before);
	});

	test('apply: each head holds only its own server_<name>, linked, as aegir; the code is on the master only', async () => {
		const result = await runApply(lab, server);
		expect(result.code, result.stdout + result.stderr).toBe(0);
		for (const host of HOSTS) expect(parseRecap(result.stdout)[host]).toMatchObject({failed: 0, skipped: 0});

		for (const host of HOSTS) {
			const own = `/var/aegir/config/server_${host}`;
			expect(await names(lab, host, '/var/aegir/config'), host).toEqual(['apache.conf', 'includes', `server_${host}`]);
			expect((await lab.exec(host, 'readlink /var/aegir/config/apache.conf')).stdout).toBe(`${own}/apache.conf\n`);
			// Site keys: only the head's own; owners and modes as on the Aegir server; no provision receipt.
			expect((await lab.exec(host, "find /var/aegir/config -name openssl.key -printf '%h\\n' | sort")).stdout).toBe(
				`${own}/ssl.d/default\n${own}/ssl.d/site1.example.com\n`,
			);
			const local = rooted(await checksumTree('/', path.join(server.configDir, `server_${host}`)), path.join(server.configDir, `server_${host}`), own);
			const expected = Object.fromEntries(Object.entries(local).filter(([key]) => !key.endsWith('.receipt')));
			const sums = await lab.checksumTree(host, own);
			if (host === 'web2') {
				// The earlier copy's receipt stays: an excluded path is never deleted (as with provision).
				delete sums[`${own}/ssl.d/site1.example.com/site1.example.com.receipt`];
			}
			// The top directory's own time is not kept (--omit-dir-times); everything else is, owners included (1500 = aegir).
			expect(sums, host).toEqual(expected);
			expect((await lab.exec(host, `find /var/aegir/config ! -user aegir`)).stdout, host).toBe('');
		}
		// The earlier copy is gone from web2, and the run said what it removed.
		expect(stepLines(result.stdout, 'web2').join('\n')).toMatch(/config copied by an earlier version.*changed.*removed server_dbexamplecom, server_master, server_packexamplecom, server_web1, ssl\.d/);

		// Code: on the master, as provision leaves it; never a VCS dir, never this machine's uploads.
		for (const file of ['drupal-10/web/index.php', 'drupal-10/vendor/autoload.php', 'drupal-10/web/sites/all/modules/README.txt']) {
			expect(await lab.readFile('master', `${SHARE}/${file}`), file).toBe(fs.readFileSync(path.join(server.platformsDir, file), 'utf8'));
		}
		const stat = (what: string) => lab.exec('master', `stat -c '%U:%G %a' ${what}`).then(result => result.stdout.trim());
		expect(await stat(`${SITE}/settings.php`)).toBe('aegir:www-data 440');
		expect(await stat(`${SITE}/files`)).toBe('aegir:www-data 2770');
		expect(await stat(`${SITE}/private`)).toBe('aegir:www-data 2770');
		for (const absent of [`${SHARE}/drupal-10/.git`, `${SITE}/files/local-only.txt`, `${SITE}/private/local-secret.txt`, `${SHARE}/drupal-10/web/sites/default`]) {
			expect((await lab.exec('master', `test -e ${absent}`)).code, absent).not.toBe(0);
		}
		for (const slave of ['web1', 'web2']) {
			const underneath = await lab.exec(slave, `unshare -m sh -c 'mount --bind / /mnt && ls -A /mnt${SHARE}'`);
			expect(underneath.stdout, `${slave}'s own ${SHARE}`).toBe('');
			expect(stepLines(result.stdout, slave).join('\n')).not.toContain('platform and site code');
		}

		// The receiving rsync ran as aegir (runuser for the root login), never as root.
		const logs = logDirOf(result.stdout);
		for (const host of HOSTS) {
			const log = fs.readFileSync(path.join(logs, `${host}.log`), 'utf8');
			expect(log, host).toContain("'--rsync-path=runuser -u aegir -- rsync'");
			expect(log, host).not.toMatch(/--chown|sudo -n rsync/);
		}
	});

	test('what users upload through the share survives a re-apply that brings new code', async () => {
		for (const [dir, name] of [['files', 'upload.txt'], ['private', 'secret-upload.txt']] as const) {
			const written = await lab.exec('web1', `runuser -u www-data -- sh -c 'echo uploaded on web1 > ${SITE}/${dir}/${name}'`);
			expect(written.code, written.stderr).toBe(0);
		}
		fs.writeFileSync(path.join(server.platformsDir, 'drupal-10/web/index.php'), '<?php\n// Drupal 10 platform, updated\n');
		const result = await runApply(lab, server);
		expect(result.code, result.stdout + result.stderr).toBe(0);
		expect(stepLines(result.stdout, 'master').join('\n')).toMatch(/platform and site code \S+\s+changed/);
		expect(await lab.readFile('master', `${SHARE}/drupal-10/web/index.php`)).toBe('<?php\n// Drupal 10 platform, updated\n');
		expect(await lab.readFile('master', `${SITE}/files/upload.txt`)).toBe('uploaded on web1\n');
		expect(await lab.readFile('master', `${SITE}/private/secret-upload.txt`)).toBe('uploaded on web1\n');
		expect(await lab.readFile('web2', `${SITE}/files/upload.txt`)).toBe('uploaded on web1\n');
	});

	test('a second run changes nothing: every step ok, not one file touched', async () => {
		const before = await snapshot(lab, HOSTS, ['/etc', '/var/aegir']);
		const result = await runApply(lab, server);
		expect(result.code, result.stdout + result.stderr).toBe(0);
		for (const host of HOSTS) {
			const steps = stepLines(result.stdout, host);
			expect(parseRecap(result.stdout)[host], steps.join('\n')).toEqual({ok: steps.length, changed: 0, failed: 0, skipped: 0});
		}
		expect(await snapshot(lab, HOSTS, ['/etc', '/var/aegir'])).toEqual(before);
		// Compared over the open connection: not one rsync (nor its ssh handshake) on a re-run with nothing to do.
		for (const host of HOSTS) expect(fs.readFileSync(path.join(logDirOf(result.stdout), `${host}.log`), 'utf8'), host).not.toContain('$ rsync ');
	});

	test('drift on a head is seen without a change here: --dry-run lists it (every deletion), the apply puts it back, the next run is in sync again', async () => {
		const web = `${SHARE}/drupal-10/web`;
		const drift = [
			// Same bytes, another time; a mode; a file only the head has.
			await lab.exec('master', `touch -d 2001-01-01 ${web}/index.php && chmod 0600 ${web}/index.php && runuser -u aegir -- sh -c 'echo stray > ${web}/stray.php'`),
			await lab.exec('web1', `runuser -u aegir -- sh -c 'echo drift >> /var/aegir/config/server_web1/apache.conf'`),
		];
		for (const result of drift) expect(result.code, result.stderr).toBe(0);

		const dry = await runApply(lab, server, {extra: ['--dry-run']});
		expect(dry.code, dry.stdout + dry.stderr).toBe(0);
		expect(dry.stdout.split('\n').filter(line => line.includes('would delete on master:'))).toEqual([`master    | would delete on master: ${web}/stray.php`]);
		expect(stepLines(dry.stdout, 'master').join('\n')).toMatch(/platform and site code \S+\s+changed/);
		expect(stepLines(dry.stdout, 'web1').join('\n')).toMatch(/web server config \S+\s+changed/);
		expect(await lab.readFile('master', `${web}/stray.php`)).toBe('stray\n');

		const result = await runApply(lab, server);
		expect(result.code, result.stdout + result.stderr).toBe(0);
		expect(await lab.exec('master', `test -e ${web}/stray.php`)).toMatchObject({code: 1});
		const local = fs.statSync(path.join(server.platformsDir, 'drupal-10/web/index.php'));
		const stat = await lab.exec('master', `stat -c '%a %Y' ${web}/index.php`);
		expect(stat.stdout.trim()).toBe(`${(local.mode & 0o7777).toString(8)} ${Math.floor(local.mtimeMs / 1000)}`);
		expect(await lab.readFile('web1', '/var/aegir/config/server_web1/apache.conf')).toBe(fs.readFileSync(path.join(server.configDir, 'server_web1/apache.conf'), 'utf8'));

		const again = await runApply(lab, server);
		expect(again.code, again.stdout + again.stderr).toBe(0);
		for (const host of HOSTS) expect(parseRecap(again.stdout)[host], host).toMatchObject({changed: 0, failed: 0});
	});

	test('rsync\'s ssh logs in with the key the tool used, from $HOME, not from the passwd home', async () => {
		const home = fs.mkdtempSync(path.join(os.tmpdir(), 'aegir-pack-home-'));
		try {
			fs.mkdirSync(path.join(home, '.ssh'), {mode: 0o700});
			fs.copyFileSync(lab.identityFile, path.join(home, '.ssh', 'id_ed25519'));
			fs.chmodSync(path.join(home, '.ssh', 'id_ed25519'), 0o600);
			// Host names and addresses only: no IdentityFile, so ssh2 uses $HOME's default key.
			const config = path.join(home, 'ssh_config');
			fs.writeFileSync(config, HOSTS.map(host => `Host ${host}\n  HostName ${lab.host(host).address}\n  User root\n`).join('\n'));
			const args = applyArgs(lab, server).map(arg => (arg === lab.sshConfigFile ? config : arg));
			// Drift on web1, so that this re-run runs rsync there (an in-sync head is compared without it).
			const drift = await lab.exec('web1', 'touch -d 2001-01-01 /var/aegir/config/server_web1/apache.conf');
			expect(drift.code, drift.stderr).toBe(0);
			const result = await runCli(args, {env: {CI: 'true', HOME: home, SSH_AUTH_SOCK: ''}, timeoutMs: 120_000});
			expect(result.code, result.stdout + result.stderr).toBe(0);
			expect(result.stdout).not.toContain('Permission denied (publickey)');
			const log = fs.readFileSync(path.join(logDirOf(result.stdout), 'web1.log'), 'utf8');
			expect(log).toContain(`-i ${path.join(home, '.ssh', 'id_ed25519')} `);
		} finally {
			fs.rmSync(home, {recursive: true, force: true});
		}
	});

	test('a link aegir planted in the share leads nowhere aegir may not write: root\'s files stay as they are, the master fails', async () => {
		// As root, rsync with --keep-dirlinks --delete would have written into /opt/victim and emptied it.
		const planted = await lab.exec(
			'master',
			`mkdir -m 0755 /opt/victim && echo keep > /opt/victim/keep-me && rm -rf ${SHARE}/drupal-10/web/sites/all/modules && runuser -u aegir -- ln -s /opt/victim ${SHARE}/drupal-10/web/sites/all/modules`,
		);
		expect(planted.code, planted.stderr).toBe(0);
		const victim = await lab.checksumTree('master', '/opt/victim');
		fs.writeFileSync(path.join(server.platformsDir, 'drupal-10/web/sites/all/modules/README.txt'), 'Contributed modules, updated.\n');
		const result = await runApply(lab, server);
		expect(result.code, result.stdout + result.stderr).toBe(1);
		expect(stepLines(result.stdout, 'master').find(line => line.includes('platform and site code'))).toMatch(/\sfailed\s/);
		expect(result.stdout).toMatch(/^master\s+stderr: .*Permission denied/m);
		expect(await lab.checksumTree('master', '/opt/victim')).toEqual(victim);
		const recap = parseRecap(result.stdout);
		for (const slave of ['web1', 'web2']) expect(recap[slave], slave).toMatchObject({failed: 0});
		// aegir removes its own link; the next run puts the real directory back.
		await lab.exec('master', `runuser -u aegir -- rm ${SHARE}/drupal-10/web/sites/all/modules`);
		const again = await runApply(lab, server);
		expect(again.code, again.stdout + again.stderr).toBe(0);
		expect(await lab.readFile('master', `${SHARE}/drupal-10/web/sites/all/modules/README.txt`)).toBe('Contributed modules, updated.\n');
	});

	test('a head with no server_<name> here gets nothing, and keeps its own copy', async () => {
		await lab.exec('web3', 'install -d -o aegir -g aegir /var/aegir/config/server_web3 && echo kept | runuser -u aegir -- tee /var/aegir/config/server_web3/marker >/dev/null');
		const dry = await runAddSlave(lab, server, ['web3'], ['--dry-run', '--yes']);
		expect(dry.code, dry.stdout + dry.stderr).toBe(0);
		expect(dry.stdout).toContain(`no ${server.configDir}/server_web3 here: nothing sent; web3's own copy is left as it is (provision would delete it)`);
		const result = await runAddSlave(lab, server, ['web3']);
		expect(result.code, result.stdout + result.stderr).toBe(0);
		expect(await lab.readFile('web3', '/var/aegir/config/server_web3/marker')).toBe('kept\n');
		expect(await names(lab, 'web3', '/var/aegir/config')).toEqual(['server_web3']);
	});

});
