// The real rsync, spawned as a sync runs it: its argv reaches a stand-in ssh
// (first on PATH) that records the command the host would run and runs it
// here without the user switch, so provision's filters, --relative, --delete,
// --dry-run and --max-delete are all real rsync behaviour. And the hints that
// follow rsync's own words on a failure.
import {execFileSync} from 'node:child_process';
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {codeFilters, configFilters} from '../../source/aegir/provision-layout.js';
import type {PushTreeOptions} from '../../source/contracts/transport.js';
import {rsyncHint, runRsync, type RsyncTarget} from '../../source/remote/rsync.js';

const target = (overrides: Partial<RsyncTarget> = {}): RsyncTarget => ({
	address: '127.0.0.1',
	port: 2222,
	user: 'root',
	identityFiles: ['/root/.ssh/id_pack'],
	identitiesOnly: true,
	knownHostsFiles: ['/root/.ssh/known_hosts'],
	globalKnownHostsFiles: [],
	sshConfigFile: false,
	agentSocket: false,
	connectTimeoutSeconds: 10,
	serverAliveIntervalSeconds: 5,
	serverAliveCountMax: 3,
	...overrides,
});

const hasRsync = (() => {
	try {
		execFileSync('rsync', ['--version'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
})();

/** ssh as rsync calls it: options, the host, then the remote command. Records it, runs it here without runuser/sudo. */
const FAKE_SSH = `#!/bin/sh
while [ $# -gt 0 ]; do
	case $1 in -F|-p|-l|-i|-o) shift 2 ;; -*) shift ;; *) break ;; esac
done
shift
printf '%s\\n' "$*" >> "$RSYNC_TEST_RECORD"
exec sh -c "$(printf '%s' "$*" | sed -e 's/^runuser -u [^ ]* -- //' -e 's/^sudo -n -u [^ ]* -- //')"
`;

function write(root: string, path: string, content = `${path}\n`): void {
	mkdirSync(join(root, path, '..'), {recursive: true});
	writeFileSync(join(root, path), content);
}

describe.skipIf(!hasRsync)('runRsync with the real rsync (a stand-in ssh runs the receiver here)', () => {
	let dir: string;
	let source: string;
	let destination: string;
	let record: string;
	const saved = {path: process.env['PATH'], record: process.env['RSYNC_TEST_RECORD']};

	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), 'aegir-pack-rsync-'));
		source = join(dir, 'here');
		destination = join(dir, 'there');
		record = join(dir, 'remote-commands');
		mkdirSync(join(dir, 'bin'));
		writeFileSync(join(dir, 'bin', 'ssh'), FAKE_SSH);
		chmodSync(join(dir, 'bin', 'ssh'), 0o755);
		process.env['PATH'] = `${join(dir, 'bin')}:${saved.path ?? ''}`;
		process.env['RSYNC_TEST_RECORD'] = record;
	});
	afterEach(() => {
		process.env['PATH'] = saved.path;
		if (saved.record === undefined) delete process.env['RSYNC_TEST_RECORD'];
		else process.env['RSYNC_TEST_RECORD'] = saved.record;
		rmSync(dir, {recursive: true, force: true});
	});

	const push = (options: Partial<PushTreeOptions> & Pick<PushTreeOptions, 'paths'>, login: Partial<RsyncTarget> = {}) =>
		runRsync(target(login), {source, destination: `${destination}/`, delete: true, runAs: 'aegir', ...options});

	it('runs the receiver as aegir: runuser for a root login, sudo -n -u for another', async () => {
		write(source, 'server_web1/apache.conf');
		expect((await push({paths: ['server_web1']})).code).toBe(0);
		expect((await push({paths: ['server_web1']}, {user: 'admin'})).code).toBe(0);
		const commands = readFileSync(record, 'utf8').trim().split('\n');
		expect(commands[0]).toMatch(/^runuser -u aegir -- rsync --server /);
		expect(commands[1]).toMatch(/^sudo -n -u aegir -- rsync --server /);
	});

	it('sends only the paths asked for, below the destination, and no VCS directory or key receipt', async () => {
		write(source, 'server_web1/apache.conf');
		write(source, 'server_web1/ssl.d/site1/openssl.key');
		write(source, 'server_web1/ssl.d/site1/site1.receipt');
		write(source, 'server_web2/apache.conf');
		write(source, 'ssl.d/site1/openssl.key');
		write(source, 'includes/global.inc');
		write(source, 'includes/.git/HEAD');
		const result = await push({paths: ['server_web1', 'includes'], filters: configFilters('server_web1')});
		expect(result.code, result.stderr).toBe(0);
		expect(existsSync(join(destination, 'server_web1/apache.conf'))).toBe(true);
		expect(existsSync(join(destination, 'server_web1/ssl.d/site1/openssl.key'))).toBe(true);
		expect(existsSync(join(destination, 'server_web1/ssl.d/site1/site1.receipt'))).toBe(false);
		expect(existsSync(join(destination, 'includes/global.inc'))).toBe(true);
		expect(existsSync(join(destination, 'includes/.git'))).toBe(false);
		expect(existsSync(join(destination, 'server_web2'))).toBe(false);
		expect(existsSync(join(destination, 'ssl.d'))).toBe(false);
	});

	it('pushes code as provision does: no site uploads sent, none deleted, other sites and platforms left alone', async () => {
		const site = 'drupal-10/web/sites/site1.example.com';
		write(source, 'drupal-10/web/index.php');
		write(source, 'drupal-10/web/sites/all/modules/README.txt');
		write(source, 'drupal-10/web/sites/default/default.settings.php');
		write(source, `${site}/settings.php`);
		write(source, `${site}/files/local-only.txt`);
		write(source, `${site}/private/local-secret.txt`);
		write(source, `${site}/modules/custom/files/kept.txt`);
		// Already on the host: uploads, a site this machine does not have, another platform, and code gone from here.
		write(destination, `${site}/files/upload.txt`);
		write(destination, `${site}/private/upload.txt`);
		write(destination, 'drupal-10/web/sites/site2.example.com/settings.php');
		write(destination, 'drupal-9/web/index.php');
		write(destination, 'drupal-10/web/old.php');

		const job = {paths: ['drupal-10'], filters: codeFilters([site])};
		const check = await push({...job, dryRun: true});
		expect(check.code, check.stderr).toBe(0);
		expect(check.deleted).toEqual(['drupal-10/web/old.php']);
		expect(existsSync(join(destination, 'drupal-10/web/old.php'))).toBe(true);

		const result = await push({...job, maxDelete: 10});
		expect(result.code, result.stderr).toBe(0);
		expect(result.deleted).toEqual(['drupal-10/web/old.php']);
		for (const kept of [`${site}/files/upload.txt`, `${site}/private/upload.txt`, 'drupal-10/web/sites/site2.example.com/settings.php', 'drupal-9/web/index.php']) {
			expect(existsSync(join(destination, kept)), kept).toBe(true);
		}
		for (const sent of ['drupal-10/web/index.php', 'drupal-10/web/sites/all/modules/README.txt', `${site}/settings.php`]) {
			expect(existsSync(join(destination, sent)), sent).toBe(true);
		}
		// drush's files/* is unanchored: it holds below the site too; sites without a settings.php are not sent.
		for (const unsent of [`${site}/files/local-only.txt`, `${site}/private/local-secret.txt`, `${site}/modules/custom/files/kept.txt`, 'drupal-10/web/sites/default']) {
			expect(existsSync(join(destination, unsent)), unsent).toBe(false);
		}
		expect(existsSync(join(destination, `${site}/files`))).toBe(true);
		expect((await push({...job, dryRun: true})).changed).toEqual([]);
	});

	it('stops deleting at --max-delete with exit 25 and says why', async () => {
		write(source, 'p/index.php');
		for (const name of ['a', 'b', 'c']) write(destination, `p/${name}.php`);
		const result = await push({paths: ['p'], maxDelete: 1});
		expect(result.code).toBe(25);
		expect(result.stderr).toContain('--max-delete limit');
		expect(['a', 'b', 'c'].filter(name => existsSync(join(destination, `p/${name}.php`)))).toHaveLength(2);
	});
});

describe('rsyncHint', () => {
	it('explains the passwordless sudo to aegir that a non-root login needs', () => {
		const hint = rsyncHint(target({user: 'admin'}), 12, 'sudo: a password is required\nrsync: connection unexpectedly closed');
		expect(hint).toContain('sudo -n -u aegir -- rsync');
		expect(hint).toContain('admin ALL=(aegir) NOPASSWD: /usr/bin/rsync');
	});

	it('explains a refused host key without suggesting to turn checking off', () => {
		const hint = rsyncHint(target(), 255, 'Host key verification failed.\r\n');
		expect(hint).toContain('never turned off');
		expect(rsyncHint(target(), 0, '')).toBeUndefined();
	});

	it('names the key it logged in with when the login is refused', () => {
		expect(rsyncHint(target(), 255, 'root@127.0.0.1: Permission denied (publickey).')).toContain('/root/.ssh/id_pack');
	});
});

describe('runRsync', () => {
	const job: PushTreeOptions = {source: '/tmp', paths: ['x'], destination: '/tmp', runAs: 'aegir'};

	it('resolves -1 with a clear message when rsync is missing here (never throws)', async () => {
		const path = process.env['PATH'];
		process.env['PATH'] = '/nonexistent-dir-for-test';
		try {
			const result = await runRsync(target(), job);
			expect(result.code).toBe(-1);
			expect(result.stderr).toContain('rsync is not installed on this machine');
			expect(result.changed).toEqual([]);
		} finally {
			process.env['PATH'] = path;
		}
	});

	it('refuses unsafe values without running anything', async () => {
		const result = await runRsync(target(), {...job, destination: '/tmp/$(touch pwned)'});
		expect(result).toMatchObject({code: -1, changed: [], deleted: []});
		expect(result.stderr).toContain('refusing to run rsync: unsafe destination');
	});
});
