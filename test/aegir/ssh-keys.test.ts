import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {
	appendLine,
	authorizedKeyStatus,
	hostFieldMatches,
	keyLine,
	knownHostStatus,
	knownHostsLines,
	knownHostsName,
	parseAuthorizedKeys,
	parseKnownHosts,
	parsePublicKey,
	restrictingOptions,
	sameKey,
	type PublicKey,
} from '../../source/aegir/ssh-keys.js';

const ssh = path.join(import.meta.dirname, 'fixtures', 'ssh');
const read = (name: string) => readFileSync(path.join(ssh, name), 'utf8');
const pub = (name: string): PublicKey => parsePublicKey(read(name))!;

const aegirEd = pub('aegir_ed25519.pub');
const aegirRsa = pub('aegir_rsa.pub');
const web1Ed = pub('web1_host_ed25519.pub');
const web1Ecdsa = pub('web1_host_ecdsa.pub');
const web1Rsa = pub('web1_host_rsa.pub');
const other = pub('other_host_ed25519.pub');

describe('parsePublicKey on keys made by ssh-keygen', () => {
	test.each(['aegir_ed25519.pub', 'aegir_ecdsa.pub', 'aegir_rsa.pub', 'web1_host_rsa.pub'])('%s', name => {
		const key = parsePublicKey(read(name));
		expect(key).toBeDefined();
		expect(key!.comment).toMatch(/@/);
		expect(keyLine(key!)).toBe(read(name).trim());
	});

	test.each([
		['garbage', 'not a key'],
		['an unknown type', `ssh-foo ${aegirEd.blob}`],
		['a blob of another type', `ssh-rsa ${aegirEd.blob}`],
		['a blob that is not base64', 'ssh-ed25519 AAAA$$$$'],
		['a truncated blob', 'ssh-ed25519 AAAA'],
		['a type alone', 'ssh-ed25519'],
	])('refuses %s', (_what, line) => {
		expect(parsePublicKey(line)).toBeUndefined();
	});

	test('a key without a comment', () => {
		expect(parsePublicKey(`ssh-ed25519 ${aegirEd.blob}`)).toEqual({type: 'ssh-ed25519', blob: aegirEd.blob});
	});
});

describe('authorized_keys', () => {
	const content = [
		'# managed by hand',
		'',
		`${keyLine(aegirRsa)}`,
		`command="rsync --server",no-pty ${keyLine(aegirEd)}`,
		`from="192.0.2.0/24,198.51.100.7",no-agent-forwarding ${keyLine(other)}`,
		`environment="A=b c" ${keyLine(web1Ed)}`,
		'garbage line',
	].join('\n');

	test('reads keys with and without options, quoted commas and spaces included', () => {
		expect(parseAuthorizedKeys(content).map(entry => [entry.line, entry.key.type, entry.options])).toEqual([
			[3, 'ssh-rsa', ''],
			[4, 'ssh-ed25519', 'command="rsync --server",no-pty'],
			[5, 'ssh-ed25519', 'from="192.0.2.0/24,198.51.100.7",no-agent-forwarding'],
			[6, 'ssh-ed25519', 'environment="A=b c"'],
		]);
	});

	test('a key restricted by command=, restrict or from= is found but flagged', () => {
		expect(restrictingOptions('command="x",no-pty')).toEqual(['command=']);
		expect(restrictingOptions('restrict,pty')).toEqual(['restrict']);
		expect(restrictingOptions('from="a"')).toEqual(['from=']);
		expect(restrictingOptions('no-pty,no-X11-forwarding')).toEqual([]);
		expect(authorizedKeyStatus(content, [aegirEd])).toMatchObject({state: 'restricted', options: ['command='], entry: {line: 4}});
	});

	test('any unrestricted match of any key of the Aegir server is enough', () => {
		expect(authorizedKeyStatus(content, [aegirEd, aegirRsa])).toMatchObject({state: 'present', entry: {line: 3}});
		expect(authorizedKeyStatus(content, [web1Ed])).toMatchObject({state: 'present', entry: {line: 6}});
		expect(authorizedKeyStatus(content, [web1Ecdsa])).toEqual({state: 'missing'});
		expect(authorizedKeyStatus('', [aegirEd])).toEqual({state: 'missing'});
	});

	test('appendLine adds a missing final newline first', () => {
		expect(appendLine('', 'k')).toBe('k\n');
		expect(appendLine('a\n', 'k')).toBe('a\nk\n');
		expect(appendLine('a', 'k')).toBe('a\nk\n');
	});
});

describe('known_hosts', () => {
	test('host names: plain on port 22, [host]:port otherwise', () => {
		expect(knownHostsName('192.0.2.11')).toBe('192.0.2.11');
		expect(knownHostsName('192.0.2.11', 2222)).toBe('[192.0.2.11]:2222');
	});

	test('patterns: lists, wildcards, negation, case', () => {
		expect(hostFieldMatches('web9.example.com,192.0.2.99', '192.0.2.99')).toBe(true);
		expect(hostFieldMatches('*.example.com', 'WEB1.example.com')).toBe(true);
		expect(hostFieldMatches('web?.example.com', 'web1.example.com')).toBe(true);
		expect(hostFieldMatches('web?.example.com', 'web10.example.com')).toBe(false);
		expect(hostFieldMatches('*.example.com,!db.example.com', 'db.example.com')).toBe(false);
		expect(hostFieldMatches('192.0.2.1', '192.0.2.11')).toBe(false);
		expect(hostFieldMatches('192.0.2.1*', '192.0.2.11')).toBe(true);
		expect(hostFieldMatches('[192.0.2.11]:2222', '192.0.2.11')).toBe(false);
	});

	test("hashed entries written by ssh-keygen -H match the same hosts as the plain file", () => {
		const plain = read('known_hosts.plain');
		const hashed = read('known_hosts.hashed');
		expect(parseKnownHosts(hashed).every(entry => entry.hosts.startsWith('|1|'))).toBe(true);
		for (const [name, keys] of [
			['192.0.2.11', [web1Ed]],
			['192.0.2.99', [other]],
			['web9.example.com', [other]],
			['[192.0.2.11]:2222', [other]],
		] as const) {
			expect(knownHostStatus([plain], name, keys)).toEqual({state: 'known'});
			expect(knownHostStatus([hashed], name, keys)).toEqual({state: 'known'});
		}

		expect(knownHostStatus([hashed], '192.0.2.12', [web1Ed])).toEqual({state: 'missing'});
	});

	test('any of the host keys recorded is enough; only other keys recorded is a conflict', () => {
		const plain = read('known_hosts.plain');
		expect(knownHostStatus([plain], '192.0.2.11', [web1Rsa, web1Ecdsa, web1Ed])).toEqual({state: 'known'});
		const conflict = knownHostStatus([plain], '192.0.2.11', [web1Rsa]);
		expect(conflict.state).toBe('conflict');
		expect(conflict.state === 'conflict' && sameKey(conflict.recorded[0]!, web1Ed)).toBe(true);
	});

	test('the system-wide file counts too; @revoked wins; @cert-authority is not a host key', () => {
		const global = `192.0.2.11 ${keyLine(web1Ed)}\n`;
		expect(knownHostStatus(['', global], '192.0.2.11', [web1Ed])).toEqual({state: 'known'});
		const revoked = `@revoked * ${keyLine(web1Ed)}\n`;
		expect(knownHostStatus([global, revoked], '192.0.2.11', [web1Ed])).toMatchObject({state: 'revoked'});
		expect(knownHostStatus([`@cert-authority *.example.com ${keyLine(other)}\n`], 'web1.example.com', [web1Ed])).toEqual({state: 'missing'});
	});

	test('lines to add: one per key, no comments', () => {
		expect(knownHostsLines('192.0.2.11', [web1Ed, web1Rsa])).toEqual([`192.0.2.11 ssh-ed25519 ${web1Ed.blob}`, `192.0.2.11 ssh-rsa ${web1Rsa.blob}`]);
	});
});
