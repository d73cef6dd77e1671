import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {hostsFromSshConfig, readSshConfigEntries, readSshConfigHosts, SshConfigError, sshConfigEntries} from '../../source/pack/ssh-config-hosts.js';

const config = `
# The pack's web heads
Host web1 web1-alias
    HostName 192.0.2.11
    User deploy
    Port 2222
    IdentityFile ~/.ssh/pack_ed25519

Host web2
    HostName web2.example.com

Host db?.example.com !db9.example.com
    User dbadmin

Match host web2.example.com
    User matched

Host *.internal *
    User fallback
    Port 22

Host web3
    User late
    port 2203
`;

describe('hostsFromSshConfig', () => {
	test('one host per concrete alias, with HostName, User, Port and IdentityFile', () => {
		expect(hostsFromSshConfig(config)).toEqual([
			{name: 'web1', address: '192.0.2.11', port: 2222, user: 'deploy', identityFile: '~/.ssh/pack_ed25519'},
			{name: 'web1-alias', address: '192.0.2.11', port: 2222, user: 'deploy', identityFile: '~/.ssh/pack_ed25519'},
			// `Match host` sees the HostName, as in ssh, and comes before `Host *`.
			{name: 'web2', address: 'web2.example.com', port: 22, user: 'matched'},
			// First value wins, as in ssh: `Host *` above it sets User and Port first.
			{name: 'web3', address: 'web3', port: 22, user: 'fallback'},
		]);
	});

	test('patterns (*, ?, !) are never offered as hosts', () => {
		const names = hostsFromSshConfig(config).map(host => host.name);
		expect(names.some(name => /[*?!]/.test(name))).toBe(false);
	});

	test('Host * after a block is a default; a block value comes first', () => {
		const text = 'Host web1\n  User deploy\nHost *\n  User fallback\n  Port 2200\n';
		expect(hostsFromSshConfig(text)).toEqual([{name: 'web1', address: 'web1', port: 2200, user: 'deploy'}]);
	});

	test('lines before the first Host apply to every host', () => {
		const text = 'User admin\nIdentityFile /root/.ssh/id_ed25519\nHost web1\n  HostName 192.0.2.11\n  User ignored\n';
		expect(hostsFromSshConfig(text)).toEqual([
			{name: 'web1', address: '192.0.2.11', port: 22, user: 'admin', identityFile: '/root/.ssh/id_ed25519'},
		]);
	});

	test('without User or Port: root and 22; without HostName: the alias', () => {
		expect(hostsFromSshConfig('Host web1.example.com\n')).toEqual([{name: 'web1.example.com', address: 'web1.example.com', port: 22, user: 'root'}]);
	});

	test('keywords are case-insensitive and may use "="', () => {
		const text = 'host=web1\n  HOSTNAME=192.0.2.11\n  user "deploy"\n  PORT 2201\n  identityfile "/root/.ssh/pack  key"\n';
		expect(hostsFromSshConfig(text)).toEqual([
			{name: 'web1', address: '192.0.2.11', port: 2201, user: 'deploy', identityFile: '/root/.ssh/pack  key'},
		]);
	});

	test('ssh tokens: %h in HostName, %d, %r and %h in IdentityFile', () => {
		const text = 'Host web1\n  HostName %h.example.com\n  User deploy\n  IdentityFile %d/.ssh/%r@%h\n';
		expect(hostsFromSshConfig(text)).toEqual([
			{name: 'web1', address: 'web1.example.com', port: 22, user: 'deploy', identityFile: '~/.ssh/deploy@web1.example.com'},
		]);
	});

	test('an alias named in two blocks is listed once, with first-match values', () => {
		const text = 'Host web1\n  User one\nHost web1 web2\n  User two\n  Port 2202\n';
		expect(hostsFromSshConfig(text)).toEqual([
			{name: 'web1', address: 'web1', port: 2202, user: 'one'},
			{name: 'web2', address: 'web2', port: 2202, user: 'two'},
		]);
	});

	test('Match blocks apply as in ssh, but Match exec is never run', () => {
		const marker = join(tmpdir(), `aegir-pack-match-exec-${process.pid}`);
		const text = `Match exec "touch ${marker}"\n  User matched\nMatch all\n  Port 2999\nHost web1\n  HostName 192.0.2.11\n`;
		const entries = sshConfigEntries(text);
		expect(entries.hosts).toEqual([{name: 'web1', address: '192.0.2.11', port: 2999, user: 'root'}]);
		expect(entries.notes).toContain('Match exec commands are never run; those blocks count as not matching');
		expect(() => rmSync(marker)).toThrow();
	});

	test('an empty or comment-only file has no hosts', () => {
		expect(hostsFromSshConfig('')).toEqual([]);
		expect(hostsFromSshConfig('# nothing here\n\n')).toEqual([]);
	});
});

describe('sshConfigEntries explains what it leaves out', () => {
	test('aliases that are not valid host names, bad ports, proxies and unknown tokens', () => {
		const text = [
			'Host Web1', '  HostName 192.0.2.11',
			'Host web_2', '  HostName 192.0.2.12',
			'Host web3', '  Port ssh',
			'Host web4', '  ProxyJump bastion',
			'Host web5', '  HostName %n.example.com',
			'Host web6', '  HostName 10.1',
			'Host web7', '  ProxyJump none',
			'Include ~/.ssh/config.d/*',
		].join('\n');
		const entries = sshConfigEntries(text);
		expect(entries.hosts).toEqual([{name: 'web7', address: 'web7', port: 22, user: 'root'}]);
		const reasons = Object.fromEntries(entries.skipped.map(({alias, problems}) => [alias, problems.map(problem => `${problem.field}: ${problem.message}`).join(' | ')]));
		expect(Object.keys(reasons)).toEqual(['Web1', 'web_2', 'web3', 'web4', 'web5', 'web6']);
		expect(reasons.Web1).toContain('Host Web1.name: contains upper-case letters');
		expect(reasons.web_2).toContain("Host web_2.name: contains '_'");
		expect(reasons.web3).toContain('Host web3.port: Port "ssh" is not a number');
		expect(reasons.web4).toContain('goes through ProxyJump');
		expect(reasons.web5).toContain('HostName uses ssh % tokens other than %h');
		expect(reasons.web6).toContain('10.1 is not a full IPv4 address');
		expect(entries.notes).toContain('Include lines are not followed; hosts in included files are not listed');
	});
});

describe('readSshConfigHosts', () => {
	let dir: string;
	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), 'aegir-pack-ssh-config-'));
	});
	afterEach(() => {
		rmSync(dir, {recursive: true, force: true});
	});

	test('reads a config file', () => {
		const file = join(dir, 'config');
		writeFileSync(file, config);
		expect(readSshConfigHosts(file)).toEqual(hostsFromSshConfig(config));
	});

	test('a missing file offers nothing', () => {
		expect(readSshConfigHosts(join(dir, 'absent'))).toEqual([]);
		expect(readSshConfigEntries(join(dir, 'absent'))).toEqual({hosts: [], skipped: [], notes: []});
	});

	test('an unreadable path throws SshConfigError naming the file', () => {
		const folder = join(dir, 'config.d');
		mkdirSync(folder);
		expect(() => readSshConfigHosts(folder)).toThrow(SshConfigError);
		expect(() => readSshConfigHosts(folder)).toThrow(`cannot read ${folder}`);
	});
});
