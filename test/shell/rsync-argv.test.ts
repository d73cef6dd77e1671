// The rsync command line of a sync, as data: provision's options, the receiver
// as the aegir user, an ssh that logs in as the tool did and checks host keys
// strictly, and the refusals of values that could become options or code.
import {execFileSync} from 'node:child_process';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {PushTreeOptions} from '../../source/contracts/transport.js';
import {
	DRUSH_VCS_EXCLUDES,
	parseItemizedChanges,
	rsyncArgv,
	rsyncRemoteShell,
	rsyncShellWord,
	type RsyncTarget,
} from '../../source/shell/rsync-argv.js';

const target = (overrides: Partial<RsyncTarget> = {}): RsyncTarget => ({
	address: '127.0.1.2',
	port: 22,
	user: 'root',
	identityFiles: ['/root/.ssh/id_ed25519'],
	identitiesOnly: true,
	knownHostsFiles: ['/root/.ssh/known_hosts'],
	globalKnownHostsFiles: [],
	sshConfigFile: '/root/.ssh/config',
	agentSocket: false,
	connectTimeoutSeconds: 20,
	serverAliveIntervalSeconds: 15,
	serverAliveCountMax: 4,
	...overrides,
});

const VCS = DRUSH_VCS_EXCLUDES.map(name => `--exclude=${name}`);

const configJob = (overrides: Partial<PushTreeOptions> = {}): PushTreeOptions => ({
	source: '/var/aegir/config',
	paths: ['server_web1', 'includes'],
	destination: '/var/aegir/config/',
	filters: [{rule: 'exclude', pattern: '/server_web1/ssl.d/*/*.receipt'}],
	delete: true,
	runAs: 'aegir',
	...overrides,
});

/** rsync's own split of the -e string (main.c do_cmd): spaces separate, '…'/"…" group, a doubled quote is literal. */
function rsyncSplit(command: string): string[] {
	const words: string[] = [];
	let index = 0;
	while (index < command.length) {
		if (command[index] === ' ') {
			index++;
			continue;
		}
		let word = '';
		let inQuote = '';
		while (index < command.length && (command[index] !== ' ' || inQuote)) {
			const char = command[index]!;
			if (char === "'" || char === '"') {
				if (!inQuote) {
					inQuote = char;
					index++;
					continue;
				}
				if (char === inQuote) {
					if (command[index + 1] !== inQuote) {
						inQuote = '';
						index++;
						continue;
					}
					index++;
				}
			}
			word += command[index]!;
			index++;
		}
		words.push(word);
	}
	return words;
}

describe('rsyncArgv', () => {
	it('sends a head its own config as provision does: relative to the config dir, received by aegir through runuser', () => {
		expect(rsyncArgv(target(), {...configJob(), maxDelete: 100})).toEqual([
			'-az',
			...VCS,
			'--exclude=/server_web1/ssl.d/*/*.receipt',
			'--relative',
			'--keep-dirlinks',
			'--omit-dir-times',
			'--delete',
			'--itemize-changes',
			'--max-delete=100',
			'--rsync-path=runuser -u aegir -- rsync',
			'-e',
			'ssh -F /root/.ssh/config -p 22 -l root -i /root/.ssh/id_ed25519 -o UserKnownHostsFile=/root/.ssh/known_hosts -o StrictHostKeyChecking=yes ' +
				'-o BatchMode=yes -o IdentitiesOnly=yes -o ConnectTimeout=20 -o ServerAliveInterval=15 -o ServerAliveCountMax=4',
			'--',
			'/var/aegir/config/./server_web1',
			'/var/aegir/config/./includes',
			'127.0.1.2:/var/aegir/config/',
		]);
	});

	it('goes through passwordless sudo to aegir for a non-root login, and a check is a dry run without --max-delete', () => {
		const argv = rsyncArgv(target({user: 'admin'}), {
			source: '/var/aegir/platforms/',
			paths: ['drupal-10'],
			destination: '/var/aegir/platforms',
			filters: [
				{rule: 'include', pattern: 'sites/all'},
				{rule: 'exclude', pattern: 'sites/*'},
			],
			delete: true,
			maxDelete: 100,
			dryRun: true,
			runAs: 'aegir',
		});
		expect(argv.slice(10, argv.indexOf('-e'))).toEqual([
			'--include=sites/all',
			'--exclude=sites/*',
			'--relative',
			'--keep-dirlinks',
			'--omit-dir-times',
			'--delete',
			'--itemize-changes',
			'--dry-run',
			'--rsync-path=sudo -n -u aegir -- rsync',
		]);
		expect(argv.slice(-2)).toEqual(['/var/aegir/platforms/./drupal-10', '127.0.1.2:/var/aegir/platforms/']);
		expect(rsyncSplit(argv[argv.indexOf('-e') + 1]!)).toContain('admin');
	});

	it('never copies links as directories on this side, never --chown, never --delete-excluded', () => {
		const argv = rsyncArgv(target(), configJob());
		expect(argv[0]).toBe('-az');
		expect(argv.join(' ')).not.toMatch(/--chown|--copy-dirlinks|-akz|--delete-excluded|--numeric-ids/);
	});

	it('brackets an IPv6 address in the destination', () => {
		const argv = rsyncArgv(target({address: '2001:db8::10'}), configJob());
		expect(argv.at(-1)).toBe('[2001:db8::10]:/var/aegir/config/');
	});

	it('never turns host key checking off, and never leaves ssh to read the passwd home config', () => {
		const shell = rsyncRemoteShell(target({knownHostsFiles: ['/a', '/b'], globalKnownHostsFiles: ['/etc/ssh/ssh_known_hosts'], sshConfigFile: false}));
		expect(shell).toContain('StrictHostKeyChecking=yes');
		expect(shell.startsWith('ssh -F none ')).toBe(true);
		expect(shell).not.toMatch(/StrictHostKeyChecking=(no|accept-new|off)/);
		expect(shell).not.toContain('/dev/null');
		expect(() => rsyncRemoteShell(target({knownHostsFiles: []}))).toThrow(/known_hosts/);
	});

	it('quotes the -e words so rsync splits them back exactly, spaces and quotes included', () => {
		const shell = rsyncRemoteShell(
			target({
				port: 2222,
				identityFiles: ["/home/o'neil/my key"],
				knownHostsFiles: ['/tmp/my dir/known_hosts', '/etc/pack/known_hosts'],
				sshConfigFile: '/home/me/ssh config',
			}),
		);
		expect(rsyncSplit(shell)).toEqual([
			'ssh',
			'-F',
			'/home/me/ssh config',
			'-p',
			'2222',
			'-l',
			'root',
			'-i',
			"/home/o'neil/my key",
			'-o',
			'UserKnownHostsFile="/tmp/my dir/known_hosts" /etc/pack/known_hosts',
			'-o',
			'StrictHostKeyChecking=yes',
			'-o',
			'BatchMode=yes',
			'-o',
			'IdentitiesOnly=yes',
			'-o',
			'ConnectTimeout=20',
			'-o',
			'ServerAliveInterval=15',
			'-o',
			'ServerAliveCountMax=4',
		]);
		expect(rsyncShellWord("it's")).toBe("'it''s'");
		expect(rsyncShellWord('')).toBe("''");
	});

	it('refuses paths ssh could not take literally inside an option', () => {
		expect(() => rsyncRemoteShell(target({knownHostsFiles: ['/tmp/a"b']}))).toThrow(/cannot pass this path/);
	});

	it('refuses values that could become options, remote shell code, a path outside the source, or a root receiver', () => {
		expect(() => rsyncArgv(target({address: '-oProxyCommand=touch pwned'}), configJob())).toThrow(/unsafe host address/);
		expect(() => rsyncArgv(target({user: '-oProxyCommand=x'}), configJob())).toThrow(/unsafe user/);
		expect(() => rsyncArgv(target(), configJob({destination: '/dst; touch pwned'}))).toThrow(/unsafe destination/);
		expect(() => rsyncArgv(target(), configJob({destination: '/dst/$(touch pwned)'}))).toThrow(/unsafe destination/);
		expect(() => rsyncArgv(target(), configJob({destination: 'relative'}))).toThrow(/unsafe destination/);
		expect(() => rsyncArgv(target(), configJob({paths: ['../etc']}))).toThrow(/unsafe path to send/);
		expect(() => rsyncArgv(target(), configJob({paths: ['server_web1/../../etc']}))).toThrow(/unsafe path to send/);
		expect(() => rsyncArgv(target(), configJob({paths: ['/etc']}))).toThrow(/unsafe path to send/);
		expect(() => rsyncArgv(target(), configJob({paths: []}))).toThrow(/nothing to send/);
		expect(() => rsyncArgv(target(), configJob({source: 'relative/dir'}))).toThrow(/unsafe source/);
		expect(() => rsyncArgv(target(), configJob({runAs: 'root'}))).toThrow(/never root/);
		expect(() => rsyncArgv(target(), configJob({runAs: '-x'}))).toThrow(/unsafe user to receive as/);
		expect(() => rsyncArgv(target(), configJob({filters: [{rule: 'exclude', pattern: 'a\nb'}]}))).toThrow(/line break/);
		expect(() => rsyncArgv(target(), configJob({maxDelete: -1}))).toThrow(/max-delete/);
	});
});

const hasSsh = (() => {
	try {
		execFileSync('ssh', ['-V'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
})();

describe.skipIf(!hasSsh)('the ssh that rsync runs (checked with ssh -G, which connects nowhere)', () => {
	let dir: string;
	beforeEach(async () => {
		dir = await mkdtemp(join(tmpdir(), 'aegir-pack-rsync-'));
	});
	afterEach(async () => {
		await rm(dir, {recursive: true, force: true});
	});

	it('reads strict checking, batch mode, port, user, key, both known_hosts files and the config from our words', async () => {
		const key = join(dir, 'id key');
		await writeFile(key, 'not used', {mode: 0o600});
		const config = join(dir, 'config');
		await writeFile(config, 'Host *\n  ServerAliveCountMax 9\n');
		const knownHosts = [join(dir, 'my known_hosts'), join(dir, 'second')];
		const words = rsyncSplit(rsyncRemoteShell(target({port: 2222, identityFiles: [key], knownHostsFiles: knownHosts, user: 'admin', sshConfigFile: config})));
		const printed = execFileSync(words[0]!, [...words.slice(1), '-G', '127.0.0.1'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']});
		const settings = new Map(printed.split('\n').map(line => [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)] as const));
		expect(settings.get('stricthostkeychecking')).toBe('true');
		expect(settings.get('batchmode')).toBe('yes');
		expect(settings.get('port')).toBe('2222');
		expect(settings.get('user')).toBe('admin');
		expect(settings.get('identitiesonly')).toBe('yes');
		expect(settings.get('userknownhostsfile')).toBe(knownHosts.join(' '));
		expect(printed).toContain(`identityfile ${key}`);
	});
});

describe('parseItemizedChanges', () => {
	it('lists created and updated paths apart from deleted ones, ignoring unchanged items and chatter', () => {
		const output = [
			'sending incremental file list',
			'cd+++++++++ sites/',
			'>f+++++++++ sites/example.com/settings.php',
			'>f.st...... index.php',
			'.d..t...... ./',
			'.f          unchanged.txt',
			'cL+++++++++ current -> releases/2',
			'hf+++++++++ hard => index.php',
			'.f...p..... perms-only.sh',
			'*deleting   old file.txt',
			'*deleting   drupal-10/web/old/',
			'',
			'sent 1,234 bytes  received 56 bytes',
		].join('\n');
		expect(parseItemizedChanges(output)).toEqual({
			changed: ['sites/', 'sites/example.com/settings.php', 'index.php', './', 'current', 'hard', 'perms-only.sh'],
			deleted: ['old file.txt', 'drupal-10/web/old/'],
		});
		expect(parseItemizedChanges('')).toEqual({changed: [], deleted: []});
	});
});
