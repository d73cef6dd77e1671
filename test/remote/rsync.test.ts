import {execFileSync} from 'node:child_process';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {
	parseItemizedChanges,
	rsyncArgv,
	rsyncHint,
	rsyncRemoteShell,
	rsyncShellWord,
	runRsync,
	type RsyncTarget,
} from '../../source/remote/rsync.js';

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
	it('uses Aegir\'s flags, strict host key checking over the same known_hosts, and copies the contents', () => {
		const argv = rsyncArgv(target(), {source: '/var/aegir/config', destination: '/var/aegir/config'});
		expect(argv).toEqual([
			'-a',
			'-z',
			'--keep-dirlinks',
			'--omit-dir-times',
			'--delete',
			'--exclude=.git',
			'--exclude=.svn',
			'--exclude=.hg',
			'--exclude=.bzr',
			'--itemize-changes',
			'-e',
			'ssh -F none -p 2222 -l root -i /root/.ssh/id_pack -o UserKnownHostsFile=/root/.ssh/known_hosts -o StrictHostKeyChecking=yes ' +
				'-o BatchMode=yes -o IdentitiesOnly=yes -o ConnectTimeout=10 -o ServerAliveInterval=5 -o ServerAliveCountMax=3',
			'--',
			'/var/aegir/config/',
			'127.0.0.1:/var/aegir/config',
		]);
	});

	it('adds excludes, --chown and --dry-run, and goes through passwordless sudo for a non-root login', () => {
		const argv = rsyncArgv(target({user: 'admin'}), {
			source: '/var/aegir/platforms/',
			destination: '/var/aegir/platforms',
			exclude: ['sites/*/files', '*.tmp'],
			chown: 'aegir:aegir',
			dryRun: true,
		});
		const flags = argv.slice(10, argv.indexOf('-e'));
		expect(flags).toEqual(['--exclude=sites/*/files', '--exclude=*.tmp', '--chown=aegir:aegir', '--dry-run', '--rsync-path=sudo -n rsync']);
		expect(argv.at(-2)).toBe('/var/aegir/platforms/');
		expect(rsyncSplit(argv[argv.indexOf('-e') + 1]!)).toContain('admin');
	});

	it('brackets an IPv6 address in the destination', () => {
		const argv = rsyncArgv(target({address: '2001:db8::10'}), {source: '/src', destination: '/dst'});
		expect(argv.at(-1)).toBe('[2001:db8::10]:/dst');
	});

	it('never turns host key checking off', () => {
		const shell = rsyncRemoteShell(target({knownHostsFiles: ['/a', '/b'], globalKnownHostsFiles: ['/etc/ssh/ssh_known_hosts']}));
		expect(shell).toContain('StrictHostKeyChecking=yes');
		expect(shell).not.toMatch(/StrictHostKeyChecking=(no|accept-new|off)/);
		expect(shell).not.toContain('/dev/null');
		expect(() => rsyncRemoteShell(target({knownHostsFiles: []}))).toThrow(/known_hosts/);
	});

	it('quotes the -e words so rsync splits them back exactly, spaces and quotes included', () => {
		const shell = rsyncRemoteShell(
			target({
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
			'ConnectTimeout=10',
			'-o',
			'ServerAliveInterval=5',
			'-o',
			'ServerAliveCountMax=3',
		]);
		expect(rsyncShellWord("it's")).toBe("'it''s'");
		expect(rsyncShellWord('')).toBe("''");
	});

	it('refuses paths ssh could not take literally inside an option', () => {
		expect(() => rsyncRemoteShell(target({knownHostsFiles: ['/tmp/a"b']}))).toThrow(/cannot pass this path/);
	});

	it('refuses values that could become options or remote shell code', () => {
		const options = {source: '/src', destination: '/dst'};
		expect(() => rsyncArgv(target({address: '-oProxyCommand=touch pwned'}), options)).toThrow(/unsafe host address/);
		expect(() => rsyncArgv(target({user: '-oProxyCommand=x'}), options)).toThrow(/unsafe user/);
		expect(() => rsyncArgv(target(), {source: '/src', destination: '/dst; touch pwned'})).toThrow(/unsafe destination/);
		expect(() => rsyncArgv(target(), {source: '/src', destination: '/dst/$(touch pwned)'})).toThrow(/unsafe destination/);
		expect(() => rsyncArgv(target(), {source: '/src', destination: 'relative'})).toThrow(/unsafe destination/);
		expect(() => rsyncArgv(target(), {...options, chown: 'aegir:aegir; touch pwned'})).toThrow(/unsafe owner/);
		expect(() => rsyncArgv(target(), {...options, exclude: ['a\nb']})).toThrow(/line break/);
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

	it('reads strict checking, batch mode, port, user, key and both known_hosts files from our words', async () => {
		const key = join(dir, 'id key');
		await writeFile(key, 'not used', {mode: 0o600});
		const knownHosts = [join(dir, 'my known_hosts'), join(dir, 'second')];
		const words = rsyncSplit(rsyncRemoteShell(target({identityFiles: [key], knownHostsFiles: knownHosts, user: 'admin'})));
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
	it('lists created, updated and deleted paths, ignoring unchanged items and chatter', () => {
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
			'',
			'sent 1,234 bytes  received 56 bytes',
		].join('\n');
		expect(parseItemizedChanges(output)).toEqual([
			'sites/',
			'sites/example.com/settings.php',
			'index.php',
			'./',
			'current',
			'hard',
			'perms-only.sh',
			'old file.txt',
		]);
		expect(parseItemizedChanges('')).toEqual([]);
	});
});

describe('rsyncHint', () => {
	it('explains the passwordless sudo that a non-root login needs', () => {
		const hint = rsyncHint(target({user: 'admin'}), 12, 'sudo: a password is required\nrsync: connection unexpectedly closed');
		expect(hint).toContain('NOPASSWD: /usr/bin/rsync');
	});

	it('explains a refused host key without suggesting to turn checking off', () => {
		const hint = rsyncHint(target(), 255, 'Host key verification failed.\r\n');
		expect(hint).toContain('never turned off');
		expect(rsyncHint(target(), 0, '')).toBeUndefined();
	});
});

describe('runRsync', () => {
	it('resolves -1 with a clear message when rsync is missing here (never throws)', async () => {
		const path = process.env['PATH'];
		process.env['PATH'] = '/nonexistent-dir-for-test';
		try {
			const result = await runRsync(target(), {source: '/tmp', destination: '/tmp'});
			expect(result.code).toBe(-1);
			expect(result.stderr).toContain('rsync is not installed on this machine');
			expect(result.changed).toEqual([]);
		} finally {
			process.env['PATH'] = path;
		}
	});

	it('refuses unsafe values without running anything', async () => {
		const result = await runRsync(target(), {source: '/tmp', destination: '/tmp/$(touch pwned)'});
		expect(result).toMatchObject({code: -1, changed: []});
		expect(result.stderr).toContain('refusing to run rsync: unsafe destination');
	});
});
