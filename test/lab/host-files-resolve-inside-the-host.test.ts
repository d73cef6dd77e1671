// Reading a lab host's files from the runner must follow the host's symlinks
// inside the host: an absolute link never reaches the runner's own files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {checksumTree, readHostFile, resolveInRoot, writeHostFile} from './lib/hostfs.mjs';

let root: string;

beforeEach(() => {
	root = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-root-'));
	fs.mkdirSync(path.join(root, 'etc/alternatives'), {recursive: true});
	fs.writeFileSync(path.join(root, 'etc/hostname'), 'web1\n');
	fs.symlinkSync('/etc/hostname', path.join(root, 'etc/alternatives/name'));
	fs.symlinkSync('..', path.join(root, 'etc/alternatives/up'));
	fs.symlinkSync('/etc/passwd', path.join(root, 'etc/escape'));
});

afterEach(() => fs.rmSync(root, {recursive: true, force: true}));

describe('resolveInRoot', () => {
	test('absolute symlinks resolve inside the host root', () => {
		expect(resolveInRoot(root, '/etc/alternatives/name')).toBe(path.join(root, 'etc/hostname'));
	});

	test('relative symlinks and .. never climb above the root', () => {
		expect(resolveInRoot(root, '/etc/alternatives/up/hostname')).toBe(path.join(root, 'etc/hostname'));
		expect(resolveInRoot(root, '/../../../etc/hostname')).toBe(path.join(root, 'etc/hostname'));
	});

	test('the last component is kept as a link when asked', () => {
		expect(resolveInRoot(root, '/etc/alternatives/name', false)).toBe(path.join(root, 'etc/alternatives/name'));
	});

	test('relative host paths are refused', () => {
		expect(() => resolveInRoot(root, 'etc/hostname')).toThrow(/absolute/);
	});
});

describe('host file access', () => {
	test('a link to a file the host lacks reads as missing, not as the runner file', async () => {
		expect(await readHostFile(root, '/etc/escape')).toBeUndefined();
		expect(await readHostFile(root, '/etc/alternatives/name')).toBe('web1\n');
	});

	test('writes create parent directories inside the host', async () => {
		await writeHostFile(root, '/var/aegir/new/file', 'x');
		expect(fs.readFileSync(path.join(root, 'var/aegir/new/file'), 'utf8')).toBe('x');
	});

	test('checksumTree changes when content or mode changes, and only then', async () => {
		const before = await checksumTree(root, '/etc');
		expect(Object.keys(before)).toContain('/etc/hostname');
		expect(before['/etc/escape']).toMatch(/^link \/etc\/passwd /);
		expect(await checksumTree(root, '/etc')).toEqual(before);
		fs.chmodSync(path.join(root, 'etc/hostname'), 0o600);
		expect((await checksumTree(root, '/etc'))['/etc/hostname']).not.toBe(before['/etc/hostname']);
		fs.chmodSync(path.join(root, 'etc/hostname'), 0o644);
		fs.writeFileSync(path.join(root, 'etc/hostname'), 'web2\n');
		expect((await checksumTree(root, '/etc'))['/etc/hostname']).not.toBe(before['/etc/hostname']);
		expect(await checksumTree(root, '/missing')).toEqual({});
	});
});
