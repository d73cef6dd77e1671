// Issue 6 on the lab: Aegir's remote web server prerequisites checked and
// fixed through the real CLI (--aegir-prerequisites). This machine is the
// Aegir server, with a temp Aegir home (key pair, known_hosts, alias files);
// its real users, /etc and /var/aegir are never touched. web1 (master) starts
// with every item wrong and no web server (the tool installs apache2 from the
// base image's offline cache), web2 with apache2 installed by the test and
// every item wrong in another way.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, describe, expect, test} from 'vitest';
import {aliasFileName, makeAegirHome, webServerFields, type AegirHome} from './helpers/aegir-home.js';
import {applyArgs, parseRecap, snapshot, stepLines, useLabAndAegirServer, type AegirServer} from './helpers/apply-run.js';
import {runCli, type CliResult} from './helpers/cli.js';
import {canRunLab, type Lab} from './helpers/lab.js';

const HOSTS = ['web1', 'web2'];
// Unrelated to Aegir: a key sshd must keep after the fix appends Aegir's.
const OTHER_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJqgTE9Mv1Yk3wV8Vw6b0Y9i1v8G0U8Q1b1c7H3n8z2K someone@elsewhere';
const BROKEN_SUDOERS = 'aegir ALL=NOPASSWD /usr/sbin/apache2ctl\n';

if (!canRunLab.ok) console.warn(`[e2e] skipping the Aegir prerequisite tests: ${canRunLab.reason}`);

/** Every item wrong, nothing installed: no rsync, no web server, the account, homes and files all off. */
const BREAK_WEB1 = `set -e
dpkg -r rsync >/dev/null
usermod --shell /usr/sbin/nologin --home /home/aegir-old aegir
gpasswd -d aegir www-data >/dev/null 2>&1 || true
chown root:root /var/aegir && chmod 0775 /var/aegir
rm -rf /var/aegir/.ssh /etc/sudoers.d/aegir
`;

/** apache2 installed (offline) but every Aegir item wrong another way: a hand-made include, a partial sudoers, wrong modes. */
const BREAK_WEB2 = `set -e
apt-get install -y -qq apache2 >/dev/null
printf '# a hand-made include, kept as a backup by the fix\\n' >/etc/apache2/conf-enabled/aegir.conf
printf 'Defaults:aegir !requiretty\\n' >/etc/sudoers.d/aegir && chmod 0644 /etc/sudoers.d/aegir
usermod --shell /bin/false aegir
gpasswd -d aegir www-data >/dev/null 2>&1 || true
rm -rf /var/aegir/.ssh && mkdir -m 0755 /var/aegir/.ssh
printf '%s\\n' '${OTHER_KEY}' >/var/aegir/.ssh/authorized_keys && chmod 0644 /var/aegir/.ssh/authorized_keys
`;

/** Everything Aegir relies on, read on the host itself: one line per item, `name=value`. */
const READ_ITEMS = `
echo "rsync=$(command -v rsync || echo none)"
echo "apache=$(dpkg-query -W -f='\${db:Status-Abbrev}' apache2 2>/dev/null)"
echo "passwd=$(getent passwd aegir | cut -d: -f3,6,7)"
echo "groups=$(id -Gn aegir)"
echo "home=$(stat -c '%a %U' /var/aegir)"
echo "sudoers=$(stat -c '%a %U:%G' /etc/sudoers.d/aegir)"
visudo -c >/dev/null 2>&1 && echo "visudo=ok" || echo "visudo=fail"
echo "sudo-l=$(sudo -l -U aegir 2>/dev/null | grep -c 'NOPASSWD: /usr/sbin/apache2ctl')"
echo "include=$(readlink /etc/apache2/conf-enabled/aegir.conf)"
echo "config=$(stat -c '%U' /var/aegir/config)"
apache2ctl configtest >/dev/null 2>&1 && echo "configtest=ok" || echo "configtest=fail"
echo "ssh-dir=$(stat -c '%a %U' /var/aegir/.ssh)"
echo "keys=$(stat -c '%a %U' /var/aegir/.ssh/authorized_keys)"
`;

async function items(lab: Lab, host: string): Promise<Record<string, string>> {
	const result = await lab.exec(host, READ_ITEMS);
	return Object.fromEntries(result.stdout.trim().split('\n').map(line => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

/** The ✔/✖ table the run printed for one host (its first, before any fix). */
function tableOf(stdout: string, host: string): string[] {
	const lines = stdout.split('\n');
	const start = lines.findIndex(line => line.includes(`${host}: Aegir prerequisites`));
	if (start < 0) throw new Error(`no Aegir prerequisite table for ${host} in:\n${stdout}`);
	// Table rows are indented under the host name; the run's step lines are not.
	const rows = lines.slice(start + 1);
	const end = rows.findIndex(line => !new RegExp(`^${host}\\s{3,}`).test(line));
	return rows.slice(0, end < 0 ? undefined : end).filter(line => /\s[✔✖]\s/.test(line));
}

describe.skipIf(!canRunLab.ok)('Aegir prerequisites on the lab, this machine as the Aegir server (temp home)', () => {
	let lab: Lab;
	let server: AegirServer;
	let home: AegirHome;
	useLabAndAegirServer({names: ['web1', 'web2']}, (started, seeded) => {
		lab = started;
		server = seeded;
		home = makeAegirHome('apache');
		// The local tree (test/lab/aegir-tree.mjs) drives apache: each head gets its own server_<name>/apache.conf.
	});
	afterAll(() => home?.remove());

	const apply = (extra: string[] = []): Promise<CliResult> =>
		runCli(applyArgs(lab, server, {master: 'web1', slaves: ['web2'], extra: ['--aegir-prerequisites', '--aegir-home', home.dir, ...extra]}), {
			env: {CI: 'true'},
			// The first run installs apache2, PHP and the MySQL client from the offline cache on both heads.
			timeoutMs: 600_000,
		});

	test('a host with every item wrong is fixed to all ✔ in one run, and Aegir can then reach it as aegir and reload apache', async () => {
		expect((await lab.exec('web1', BREAK_WEB1)).code).toBe(0);
		const broke = await lab.exec('web2', BREAK_WEB2);
		expect(broke.code, broke.stderr).toBe(0);
		for (const host of HOSTS) {
			const before = await items(lab, host);
			expect(before['include']).not.toBe('/var/aegir/config/apache.conf');
		}

		const started = Date.now();
		const run = await apply();
		console.log(`[e2e] prerequisites fix run: ${Date.now() - started} ms`);
		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);
		// The table is read before anything changes: every item is ✖ there. The account is fixed by
		// the preflight's own step, rsync by the pack's packages step, every other item by its own step.
		for (const host of HOSTS) {
			const steps = stepLines(run.stdout, host);
			expect(steps.find(line => line.includes('aegir user and group (Aegir)')), steps.join('\n')).toMatch(/\schanged\s/);
			const table = tableOf(run.stdout, host);
			// web2 keeps its rsync (apt pulled nothing out); web1's was removed.
			for (const title of host === 'web1' ? ['aegir user and group', 'rsync'] : ['aegir user and group']) {
				expect(table.find(line => line.includes(title)), `${host}: ${title}\n${table.join('\n')}`).toMatch(/✖/);
			}

			const titles = ['sudo for web server reloads', "web server reads Aegir's config", "Aegir server's key authorized", 'member known to Aegir ssh'];
			for (const title of host === 'web1' ? ['web server', ...titles] : titles) {
				expect(table.find(line => line.includes(title)), `${host}: ${title}\n${table.join('\n')}`).toMatch(/✖/);
				expect(steps.find(line => line.includes(`Aegir: ${title}`)), `${host}: ${title}\n${steps.join('\n')}`).toMatch(/\schanged\s/);
			}
		}

		expect(stepLines(run.stdout, 'web1').find(line => / packages /.test(line))).toMatch(/\schanged\s/);
		const recap = parseRecap(run.stdout);
		for (const host of HOSTS) expect(recap[host]?.failed).toBe(0);

		for (const host of HOSTS) {
			const now = await items(lab, host);
			expect(now, host).toMatchObject({
				rsync: '/usr/bin/rsync',
				apache: 'ii ',
				passwd: '1500:/var/aegir:/bin/bash',
				home: '755 aegir',
				sudoers: '440 root:root',
				visudo: 'ok',
				'sudo-l': '1',
				include: '/var/aegir/config/apache.conf',
				config: 'aegir',
				configtest: 'ok',
				'ssh-dir': '700 aegir',
				keys: '600 aegir',
			});
			expect(now['groups']?.split(' ')).toContain('www-data');
			const keys = await lab.readFile(host, '/var/aegir/.ssh/authorized_keys');
			expect(keys).toContain(home.publicKey.split(' ')[1]);
		}

		// The other key on web2 stays; its hand-made include is kept beside the link.
		expect(await lab.readFile('web2', '/var/aegir/.ssh/authorized_keys')).toContain(OTHER_KEY);
		const kept = await lab.exec('web2', 'cat /etc/apache2/conf-enabled/aegir.conf.aegir-pack-*.bak');
		expect(kept.stdout).toBe('# a hand-made include, kept as a backup by the fix\n');

		// What Aegir itself does next: ssh as aegir with its own key, host key checked against
		// its own known_hosts (no prompt), then sudo the web server's restart command without a tty.
		for (const host of HOSTS) {
			const {address} = lab.host(host);
			const output = execFileSync(
				'ssh',
				[
					...['-F', '/dev/null', '-i', `${home.dir}/.ssh/id_ed25519`, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes'],
					...['-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${home.knownHostsFile}`, '-o', 'GlobalKnownHostsFile=/dev/null'],
					`aegir@${address}`,
					'id -un && sudo -n /usr/sbin/apache2ctl -t',
				],
				{encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000},
			);
			expect(output.trim()).toBe('aegir');
		}
	}, 700_000);

	test('a second run changes nothing: every row ✔, no step changed, the same files everywhere', async () => {
		const before = await snapshot(lab, HOSTS, ['/etc', '/var/aegir/.ssh']);
		const knownHosts = fs.readFileSync(home.knownHostsFile, 'utf8');
		const started = Date.now();
		const run = await apply();
		console.log(`[e2e] prerequisites second run: ${Date.now() - started} ms`);
		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);
		for (const host of HOSTS) {
			const table = tableOf(run.stdout, host);
			// Issue 10 added PHP with MySQL, the MySQL client and Apache's rewrite module.
			expect(table).toHaveLength(10);
			expect(table.filter(line => line.includes('✖')), table.join('\n')).toEqual([]);
		}

		const recap = parseRecap(run.stdout);
		for (const host of HOSTS) expect(recap[host], host).toMatchObject({changed: 0, failed: 0});
		expect(await snapshot(lab, HOSTS, ['/etc', '/var/aegir/.ssh'])).toEqual(before);
		expect(fs.readFileSync(home.knownHostsFile, 'utf8')).toBe(knownHosts);
	}, 400_000);

	test('sudoers is never left invalid: a broken temp file is rejected by visudo and the original kept', async () => {
		await lab.writeFile('web2', '/etc/sudoers.d/aegir', BROKEN_SUDOERS);
		expect((await lab.exec('web2', 'chmod 0440 /etc/sudoers.d/aegir && visudo -cf /etc/sudoers.d/aegir')).code).not.toBe(0);
		const before = await lab.checksumTree('web2', '/etc/sudoers.d');

		const run = await apply();
		expect(run.code).not.toBe(0);
		const sudoersLine = stepLines(run.stdout, 'web2').find(line => line.includes('Aegir: sudo for web server reloads'));
		expect(sudoersLine, run.stdout).toMatch(/failed/);
		expect(`${run.stdout}${run.stderr}`).toMatch(/did not validate/);
		// Byte for byte what was there, and nothing else left in the directory sudo reads.
		expect(await lab.checksumTree('web2', '/etc/sudoers.d')).toEqual(before);
		expect(await lab.readFile('web2', '/etc/sudoers.d/aegir')).toBe(BROKEN_SUDOERS);
		expect(parseRecap(run.stdout)['web1']).toMatchObject({failed: 0});

		// Once a person removes the broken file, the next run writes a valid one.
		expect((await lab.exec('web2', 'rm /etc/sudoers.d/aegir')).code).toBe(0);
		const again = await apply();
		expect(again.code).toBe(0);
		expect((await items(lab, 'web2'))['visudo']).toBe('ok');
		expect((await items(lab, 'web2'))['sudo-l']).toBe('1');
	}, 400_000);

	test("a restart command in Aegir's alias files that is not a web server restart program is refused: no sudoers file, nothing granted; web1 completes (S1)", async () => {
		expect((await lab.exec('web2', 'rm -f /etc/sudoers.d/aegir')).code).toBe(0);
		// One word with a comma: visudo accepts "aegir ALL=NOPASSWD: /usr/sbin/apache2ctl,ALL", which is root for aegir.
		home.writeAlias('server_web2', {...webServerFields(lab.host('web2').address, 'apache'), http_restart_cmd: 'sudo /usr/sbin/apache2ctl,ALL graceful'});
		try {
			const run = await apply();
			expect(run.code, run.stdout + run.stderr).toBe(1);
			const line = stepLines(run.stdout, 'web2').find(candidate => candidate.includes('Aegir: sudo for web server reloads'));
			expect(line, run.stdout).toMatch(/\sfailed\s/);
			expect(line).toContain('aegir-pack grants sudo only for /usr/sbin/apache2ctl (Apache)');
			expect((await lab.exec('web2', 'test -e /etc/sudoers.d/aegir')).code).not.toBe(0);
			expect((await lab.exec('web2', 'sudo -l -U aegir')).stdout).not.toMatch(/NOPASSWD:.*\bALL\b/);
			expect(parseRecap(run.stdout)['web1']).toMatchObject({failed: 0});
		} finally {
			fs.rmSync(path.join(home.drushDir, aliasFileName('server_web2')), {force: true});
		}

		// Aegir's own restart command again: the next run writes the rule for apache2ctl alone.
		const again = await apply();
		expect(again.code, again.stdout + again.stderr).toBe(0);
		expect((await items(lab, 'web2'))['sudo-l']).toBe('1');
	}, 400_000);
});
