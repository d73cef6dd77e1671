import {execFileSync} from 'node:child_process';
import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {
	appendKnownHost,
	checkHostKey,
	fingerprintSha256,
	hostFieldMatches,
	keyTypeOf,
	knownHostsName,
	knownKeyTypes,
	lookupHostKey,
	parseKnownHosts,
} from '../../source/remote/known-hosts.js';
import {generateTestKeyPair} from './test-keys.js';

function publicKey(type: 'ed25519' | 'ecdsa' = 'ed25519'): {blob: Buffer; type: string; line: string} {
	const key = generateTestKeyPair(type).parsedPublic;
	const blob = key.getPublicSSH();
	return {blob, type: key.type, line: `${key.type} ${blob.toString('base64')}`};
}

const hasSshKeygen = (() => {
	try {
		execFileSync('ssh-keygen', ['-?'], {stdio: 'ignore'});
		return true;
	} catch (error) {
		return (error as {status?: number}).status !== undefined && (error as {code?: string}).code !== 'ENOENT';
	}
})();

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'aegir-pack-kh-'));
});
afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

describe('parseKnownHosts', () => {
	it('reads plain, comma-list, bracketed and marked lines with 1-based line numbers, skipping comments and junk', () => {
		const a = publicKey();
		const b = publicKey('ecdsa');
		const text = [
			'# a comment',
			'',
			`web1,192.0.2.10 ${a.line} root@web1`,
			`[127.0.0.1]:2222 ${b.line}`,
			'garbage-without-key',
			`@revoked * ${a.line}`,
			`@cert-authority *.example.org ${b.line}`,
			`@unknown-marker web9 ${a.line}`,
			`web2 ssh-ed25519 not*base64`,
		].join('\n');
		const entries = parseKnownHosts(text, '/kh');
		expect(entries.map(entry => [entry.line, entry.hosts, entry.marker ?? null])).toEqual([
			[3, 'web1,192.0.2.10', null],
			[4, '[127.0.0.1]:2222', null],
			[6, '*', 'revoked'],
			[7, '*.example.org', 'cert-authority'],
		]);
		expect(entries[0]!.key.equals(a.blob)).toBe(true);
		expect(entries[0]!.file).toBe('/kh');
	});
});

describe('hostFieldMatches', () => {
	it('matches names in a comma list, case-insensitively', () => {
		expect(hostFieldMatches('web1,192.0.2.10', '192.0.2.10', 22)).toBe(true);
		expect(hostFieldMatches('Web1.Example.ORG', 'web1.example.org', 22)).toBe(true);
		expect(hostFieldMatches('web1,web2', 'web3', 22)).toBe(false);
	});

	it('uses the [host]:port form for any port but 22, and only then', () => {
		expect(knownHostsName('127.0.0.1', 22)).toBe('127.0.0.1');
		expect(knownHostsName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222');
		expect(hostFieldMatches('[127.0.0.1]:2222', '127.0.0.1', 2222)).toBe(true);
		expect(hostFieldMatches('127.0.0.1', '127.0.0.1', 2222)).toBe(false);
		expect(hostFieldMatches('[127.0.0.1]:2222', '127.0.0.1', 22)).toBe(false);
		expect(hostFieldMatches('[2001:db8::1]:2200', '2001:db8::1', 2200)).toBe(true);
	});

	it('honours * and ? wildcards and ! negation', () => {
		expect(hostFieldMatches('*.example.org', 'web1.example.org', 22)).toBe(true);
		expect(hostFieldMatches('web?', 'web7', 22)).toBe(true);
		expect(hostFieldMatches('web?', 'web10', 22)).toBe(false);
		expect(hostFieldMatches('*.example.org,!db.example.org', 'db.example.org', 22)).toBe(false);
		expect(hostFieldMatches('!db.example.org', 'web.example.org', 22)).toBe(false);
		// Regex metacharacters in a pattern are literal.
		expect(hostFieldMatches('web1.example.org', 'web1xexample.org', 22)).toBe(false);
	});

	it('matches hashed |1|salt|hmac names (HMAC-SHA1 of the name, salted)', async () => {
		const {createHmac} = await import('node:crypto');
		const salt = Buffer.from('0123456789abcdef0123');
		const field = (name: string) => `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
		expect(hostFieldMatches(field('[127.0.0.1]:2222'), '127.0.0.1', 2222)).toBe(true);
		expect(hostFieldMatches(field('[127.0.0.1]:2222'), '127.0.0.1', 2223)).toBe(false);
		expect(hostFieldMatches(field('web1'), 'WEB1', 22)).toBe(true);
		expect(hostFieldMatches('|1|bad', 'web1', 22)).toBe(false);
	});

	it.skipIf(!hasSshKeygen)('matches the hashed entries ssh-keygen -H writes', async () => {
		const key = publicKey();
		const file = join(dir, 'known_hosts');
		await writeFile(file, `web1.example.org ${key.line}\n[127.0.0.5]:2200 ${key.line}\n`);
		execFileSync('ssh-keygen', ['-H', '-f', file], {stdio: 'ignore'});
		const text = await readFile(file, 'utf8');
		expect(text).not.toContain('web1.example.org');
		expect(text).toContain('|1|');
		expect(await lookupHostKey([file], 'web1.example.org', 22, key.blob)).toMatchObject({status: 'known', file});
		expect(await lookupHostKey([file], '127.0.0.5', 2200, key.blob)).toMatchObject({status: 'known', file});
		expect(await lookupHostKey([file], '127.0.0.5', 22, key.blob)).toEqual({status: 'unknown'});
	});
});

describe('checkHostKey', () => {
	const recorded = publicKey();
	const other = publicKey();
	const otherType = publicKey('ecdsa');

	it('says known when the offered key is on record for the host', () => {
		const entries = parseKnownHosts(`# c\nweb1,127.0.1.3 ${recorded.line}\n`, '/root/.ssh/known_hosts');
		expect(checkHostKey(entries, '127.0.1.3', 22, recorded.blob)).toEqual({status: 'known', file: '/root/.ssh/known_hosts', line: 2});
	});

	it('says unknown when nothing is recorded for the host', () => {
		const entries = parseKnownHosts(`web9 ${recorded.line}\n`, '/kh');
		expect(checkHostKey(entries, '127.0.1.3', 22, other.blob)).toEqual({status: 'unknown'});
	});

	it('says mismatch, naming the file and line of the recorded key of that type', () => {
		const text = `web2 ${other.line}\n127.0.1.3 ${otherType.line}\n\n127.0.1.3 ${recorded.line}\n`;
		const entries = parseKnownHosts(text, '/root/.ssh/known_hosts');
		expect(checkHostKey(entries, '127.0.1.3', 22, other.blob)).toEqual({status: 'mismatch', file: '/root/.ssh/known_hosts', line: 4});
	});

	it('treats a key of a new type as a mismatch when another key is recorded (no downgrade to "unknown")', () => {
		const entries = parseKnownHosts(`127.0.1.3 ${recorded.line}\n`, '/kh');
		expect(checkHostKey(entries, '127.0.1.3', 22, otherType.blob)).toEqual({status: 'mismatch', file: '/kh', line: 1});
	});

	it('refuses a @revoked key even where it is also recorded as valid', () => {
		const entries = [...parseKnownHosts(`127.0.1.3 ${recorded.line}\n`, '/kh'), ...parseKnownHosts(`@revoked * ${recorded.line}\n`, '/etc/ssh/ssh_known_hosts')];
		expect(checkHostKey(entries, '127.0.1.3', 22, recorded.blob)).toEqual({status: 'revoked', file: '/etc/ssh/ssh_known_hosts', line: 1});
	});

	it('ignores @cert-authority lines (ssh2 does not do host certificates)', () => {
		const entries = parseKnownHosts(`@cert-authority * ${recorded.line}\n`, '/kh');
		expect(checkHostKey(entries, '127.0.1.3', 22, other.blob)).toEqual({status: 'unknown'});
		expect(knownKeyTypes(entries, '127.0.1.3', 22)).toEqual([]);
	});

	it('lists the key types on record for a host', () => {
		const entries = parseKnownHosts(`h ${recorded.line}\nh ${otherType.line}\nh ${other.line}\nx ${recorded.line}\n`, '/kh');
		expect(knownKeyTypes(entries, 'h', 22)).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256']);
	});

	it('reads several files, the missing ones as empty', async () => {
		const file = join(dir, 'extra_known_hosts');
		await writeFile(file, `[127.0.0.1]:2022 ${recorded.line}\n`);
		expect(await lookupHostKey([join(dir, 'missing'), file], '127.0.0.1', 2022, recorded.blob)).toEqual({status: 'known', file, line: 1});
	});
});

describe('fingerprintSha256 and keyTypeOf', () => {
	it('reads the key type from the blob', () => {
		expect(keyTypeOf(publicKey().blob)).toBe('ssh-ed25519');
		expect(keyTypeOf(publicKey('ecdsa').blob)).toBe('ecdsa-sha2-nistp256');
		expect(keyTypeOf(Buffer.from([0, 0]))).toBe('');
	});

	it('prints SHA256:<unpadded base64>', () => {
		const fingerprint = fingerprintSha256(Buffer.from('abc'));
		expect(fingerprint).toBe('SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0');
	});

	it.skipIf(!hasSshKeygen)('prints what ssh-keygen -l prints', async () => {
		const key = publicKey();
		const file = join(dir, 'key.pub');
		await writeFile(file, `${key.line} test\n`);
		const printed = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', file], {encoding: 'utf8'});
		expect(printed.split(' ')[1]).toBe(fingerprintSha256(key.blob));
	});
});

describe('appendKnownHost', () => {
	it('creates the directory 0700 and the file 0600, and writes [host]:port for non-22 ports', async () => {
		const key = publicKey();
		const file = join(dir, 'new', '.ssh', 'known_hosts');
		await appendKnownHost(file, '127.0.0.1', 2222, key.type, key.blob.toString('base64'));
		await appendKnownHost(file, 'web1.example.org', 22, key.type, key.blob.toString('base64'));
		expect(await readFile(file, 'utf8')).toBe(`[127.0.0.1]:2222 ${key.line}\nweb1.example.org ${key.line}\n`);
		expect((await stat(file)).mode & 0o777).toBe(0o600);
		expect((await stat(join(dir, 'new', '.ssh'))).mode & 0o777).toBe(0o700);
		expect(await lookupHostKey([file], '127.0.0.1', 2222, key.blob)).toEqual({status: 'known', file, line: 1});
	});

	it('starts on a new line when the file does not end with one, and keeps the existing mode', async () => {
		const key = publicKey();
		const file = join(dir, 'known_hosts');
		await writeFile(file, `web1 ${key.line}`, {mode: 0o644});
		await appendKnownHost(file, 'web2', 22, key.type, key.blob.toString('base64'));
		expect(await readFile(file, 'utf8')).toBe(`web1 ${key.line}\nweb2 ${key.line}\n`);
		expect((await stat(file)).mode & 0o777).toBe(0o644);
	});

	it('does not interleave parallel appends', async () => {
		const file = join(dir, 'known_hosts');
		const keys = Array.from({length: 12}, () => publicKey());
		await Promise.all(keys.map((key, index) => appendKnownHost(file, `127.0.2.${index}`, 22, key.type, key.blob.toString('base64'))));
		const entries = parseKnownHosts(await readFile(file, 'utf8'), file);
		expect(entries).toHaveLength(12);
		for (const [index, key] of keys.entries()) expect(checkHostKey(entries, `127.0.2.${index}`, 22, key.blob).status).toBe('known');
	});

	it('refuses host names and keys that would forge extra known_hosts entries', async () => {
		const key = publicKey();
		const file = join(dir, 'known_hosts');
		await expect(appendKnownHost(file, 'web1 ssh-ed25519 AAAA\n*', 22, key.type, key.blob.toString('base64'))).rejects.toThrow(/strange host/);
		await expect(appendKnownHost(file, '*', 22, key.type, key.blob.toString('base64'))).rejects.toThrow(/strange host/);
		await expect(appendKnownHost(file, 'web1', 22, 'ssh-ed25519 x', key.blob.toString('base64'))).rejects.toThrow(/strange key type/);
		await expect(appendKnownHost(file, 'web1', 22, key.type, 'AAAA\n* ssh-ed25519 AAAA')).rejects.toThrow(/not base64/);
	});

	it.skipIf(!hasSshKeygen)('writes entries OpenSSH finds (ssh-keygen -F)', async () => {
		const key = publicKey();
		const file = join(dir, 'known_hosts');
		await appendKnownHost(file, '127.0.0.1', 2222, key.type, key.blob.toString('base64'));
		const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', file], {encoding: 'utf8'});
		expect(found).toContain(key.blob.toString('base64'));
	});
});
