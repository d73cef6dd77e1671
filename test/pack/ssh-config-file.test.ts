// Include expansion before parsing: paths, globs, nesting, and blocks that
// stay as ssh scopes them.
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {readSshConfigText} from '../../source/pack/ssh-config-file.js';
import {parseSshConfig, sshHostOptions} from '../../source/pack/ssh-config-options.js';

describe('readSshConfigText', () => {
	let home: string;
	const sshDir = () => join(home, '.ssh');
	const write = (name: string, text: string) => {
		const path = join(sshDir(), name);
		mkdirSync(join(path, '..'), {recursive: true});
		writeFileSync(path, text);
		return path;
	};
	const optionsFor = (name: string) => sshHostOptions(parseSshConfig(readSshConfigText(join(sshDir(), 'config'), home)!), name);

	beforeEach(() => {
		home = mkdtempSync(join(tmpdir(), 'aegir-pack-include-'));
	});
	afterEach(() => {
		rmSync(home, {recursive: true, force: true});
	});

	test('a missing file is undefined; a file without Include comes back as written', () => {
		expect(readSshConfigText(join(home, 'absent'), home)).toBeUndefined();
		const text = 'Host web1\n  HostName 192.0.2.11\n';
		expect(readSshConfigText(write('config', text), home)).toBe(text);
	});

	test('relative names are under ~/.ssh, globs match in sorted order, dot files and folders only when named', () => {
		write('config', 'Include conf.d/*\n');
		write('conf.d/20-b', 'Host b\n');
		write('conf.d/10-a', 'Host a\n');
		write('conf.d/.hidden', 'Host hidden\n');
		mkdirSync(join(sshDir(), 'conf.d', 'sub'));
		const text = readSshConfigText(join(sshDir(), 'config'), home)!;
		expect(text.indexOf('Host a')).toBeLessThan(text.indexOf('Host b'));
		expect(text).not.toContain('hidden');
	});

	test('~ and absolute paths, several names on one line, names that match nothing skipped', () => {
		const absolute = join(home, 'elsewhere');
		writeFileSync(absolute, 'Host abs\n  Port 2201\n');
		write('config', `Include ~/.ssh/home-relative "${absolute}" missing-file nothing-*.conf\n`);
		write('home-relative', 'Host tilde\n  Port 2202\n');
		expect(optionsFor('tilde').port).toBe('2202');
		expect(optionsFor('abs').port).toBe('2201');
	});

	test('lines after a top-level Include still apply to every host', () => {
		write('config', 'Include extra\nUser everyone\nHost web1\n  Port 2200\n');
		write('extra', 'Host db1\n  Port 2201\n');
		expect(optionsFor('web1')).toMatchObject({user: 'everyone', port: '2200'});
		expect(optionsFor('db1')).toMatchObject({user: 'everyone', port: '2201'});
	});

	test('an Include inside a block: its plain lines belong to the block, the block goes on after it', () => {
		write('config', 'Host web1\n  Include web1-extra\n  User deploy\n');
		write('web1-extra', 'Port 2200\nHost other\n  User other\n');
		expect(optionsFor('web1')).toMatchObject({port: '2200', user: 'deploy'});
		expect(optionsFor('other')).toMatchObject({user: 'other'});
		expect(optionsFor('other').port).toBeUndefined();
	});

	test('nested Includes are followed; a loop stops with an error', () => {
		write('config', 'Include one\n');
		write('one', 'Include two\n');
		write('two', 'Host deep\n  Port 2203\n');
		expect(optionsFor('deep').port).toBe('2203');
		write('two', 'Include one\n');
		expect(() => readSshConfigText(join(sshDir(), 'config'), home)).toThrow('Include nested more than 16 levels deep');
	});
});
