import {chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {FSTAB_VALIDATE, expectedFrom, safeEditCommand, sha256, type SafeEditOptions} from '../../source/shell/safe-edit.js';
import {LocalShTransport, NOBODY} from '../plan/local-sh-transport.js';
import {makeSandbox, type Sandbox} from '../plan/sandbox.js';

let box: Sandbox;
const shell = new LocalShTransport({user: NOBODY});

beforeEach(() => {
	box = makeSandbox();
});
afterEach(() => {
	box.remove();
});

function writeOwned(path: string, content: string, mode = 0o644) {
	writeFileSync(path, content);
	chmodSync(path, mode);
	box.own(path);
}

async function edit(options: Partial<SafeEditOptions> & {target: string}, content: string) {
	return shell.exec(safeEditCommand({stamp: '20240102-030405', ...options}), {stdin: content});
}

const leftovers = (dir = box.dir) => box.list(dir === box.dir ? undefined : dir.slice(box.dir.length + 1)).filter(name => name.includes('.aegir-pack.'));

describe('safe edit (the real script, run by sh)', () => {
	it('replaces the file, keeps its mode, keeps a timestamped backup and leaves no temp file', async () => {
		const target = box.path('fstab');
		writeOwned(target, 'old\n', 0o640);
		const result = await edit({target, expected: expectedFrom('old\n')}, 'new\n');
		expect(result.code, result.stderr).toBe(0);
		expect(readFileSync(target, 'utf8')).toBe('new\n');
		expect(statSync(target).mode & 0o777).toBe(0o640);
		expect(readFileSync(box.path('fstab.aegir-pack-20240102-030405.bak'), 'utf8')).toBe('old\n');
		expect(leftovers()).toEqual([]);
	});

	it('creates a missing file (and its directory) with the given mode, without a backup', async () => {
		const target = box.path('exports.d', 'aegir-pack-p.exports');
		const result = await edit({target, expected: 'absent', createParent: true, newFileMode: '0644'}, 'line\n');
		expect(result.code, result.stderr).toBe(0);
		expect(readFileSync(target, 'utf8')).toBe('line\n');
		expect(statSync(target).mode & 0o777).toBe(0o644);
		expect(box.list('exports.d')).toEqual(['aegir-pack-p.exports']);
	});

	it('writes nothing when validation fails: original unchanged, no temp, no backup', async () => {
		const target = box.path('fstab');
		writeOwned(target, 'keep me\n');
		const result = await edit({target, validate: 'grep -q good "$1"'}, 'bad content\n');
		expect(result.code).not.toBe(0);
		expect(result.stderr).toContain('did not validate');
		expect(result.stderr).toContain('was not changed');
		expect(readFileSync(target, 'utf8')).toBe('keep me\n');
		expect(box.list()).toEqual(['fstab']);
	});

	it('fails clearly in a read-only directory, original unchanged and no temp file', async () => {
		const dir = box.path('etc');
		mkdirSync(dir);
		box.own(dir);
		const target = box.path('etc', 'fstab');
		writeOwned(target, 'original\n');
		chmodSync(dir, 0o555);
		try {
			const result = await edit({target}, 'new\n');
			expect(result.code).not.toBe(0);
			expect(result.stderr).toMatch(/cannot create a temporary file in .*etc \(read-only or full\?\); .*fstab was not changed/);
			expect(readFileSync(target, 'utf8')).toBe('original\n');
			expect(box.list('etc')).toEqual(['fstab']);
		} finally {
			chmodSync(dir, 0o755);
		}
	});

	it('refuses when the file changed since it was read', async () => {
		const target = box.path('fstab');
		writeOwned(target, 'someone else edited this\n');
		const result = await edit({target, expected: sha256('what we read\n')}, 'ours\n');
		expect(result.code).not.toBe(0);
		expect(result.stderr).toContain('changed since it was read');
		expect(readFileSync(target, 'utf8')).toBe('someone else edited this\n');
		expect(leftovers()).toEqual([]);
	});

	it('refuses when a file appeared where none was read', async () => {
		const target = box.path('new.exports');
		writeOwned(target, 'surprise\n');
		const result = await edit({target, expected: 'absent'}, 'ours\n');
		expect(result.code).not.toBe(0);
		expect(result.stderr).toContain('appeared since it was read');
		expect(readFileSync(target, 'utf8')).toBe('surprise\n');
	});

	it('refuses to replace a directory', async () => {
		const target = box.path('fstab');
		mkdirSync(target);
		box.own(target);
		const result = await edit({target}, 'x\n');
		expect(result.code).not.toBe(0);
		expect(result.stderr).toContain('is not a regular file');
		expect(lstatSync(target).isDirectory()).toBe(true);
		expect(box.list('fstab')).toEqual([]);
	});

	it('edits the file a symlink points to and keeps the symlink', async () => {
		const real = box.path('real-fstab');
		writeOwned(real, 'a\n');
		const link = box.path('fstab');
		symlinkSync(real, link);
		const result = await edit({target: link, backup: false}, 'b\n');
		expect(result.code, result.stderr).toBe(0);
		expect(lstatSync(link).isSymbolicLink()).toBe(true);
		expect(readFileSync(real, 'utf8')).toBe('b\n');
	});

	it('treats hostile file names as plain names (no command runs)', async () => {
		const name = `a'b $(touch pwned) \`touch pwned2\`; touch pwned3 "x"`;
		const target = box.path(name);
		writeOwned(target, 'old\n');
		const result = await edit({target, backup: false}, 'new\n');
		expect(result.code, result.stderr).toBe(0);
		expect(readFileSync(target, 'utf8')).toBe('new\n');
		for (const file of ['pwned', 'pwned2', 'pwned3']) expect(existsSync(box.path(file))).toBe(false);
		expect(existsSync('pwned')).toBe(false);
	});
});

describe('fstab validation with findmnt --verify', () => {
	const mountPoint = () => {
		const path = box.path('mnt');
		mkdirSync(path, {recursive: true});
		return path;
	};

	it('accepts a good new fstab', async () => {
		const target = box.path('fstab');
		writeOwned(target, '# empty\n');
		const line = `192.0.2.1:${mountPoint()} ${mountPoint()} nfs rw,hard,_netdev,nofail 0 0  # aegir-pack: p\n`;
		const result = await edit({target, validate: FSTAB_VALIDATE}, `# empty\n${line}`);
		expect(result.code, result.stderr).toBe(0);
	});

	it('rejects a new fstab with a parse error, leaving the old one', async () => {
		const target = box.path('fstab');
		writeOwned(target, '# empty\n');
		const result = await edit({target, validate: FSTAB_VALIDATE}, 'only-one-field\n');
		expect(result.code).not.toBe(0);
		expect(result.stderr).toContain('parse error');
		expect(readFileSync(target, 'utf8')).toBe('# empty\n');
	});

	it('does not blame the new line for an error the current fstab already has', async () => {
		const target = box.path('fstab');
		const absentDisk = 'UUID=00000000-dead-beef-0000-000000000000 /srv/absent-disk ext4 defaults 0 2\n';
		writeOwned(target, absentDisk);
		const line = `192.0.2.1:/export ${mountPoint()} nfs rw 0 0  # aegir-pack: p\n`;
		const result = await edit({target, validate: FSTAB_VALIDATE}, `${absentDisk}${line}`);
		expect(result.code, result.stderr).toBe(0);
	});

	it('rejects a new line whose mount point does not exist (one more error than before)', async () => {
		const target = box.path('fstab');
		writeOwned(target, '# empty\n');
		const result = await edit({target, validate: FSTAB_VALIDATE}, '192.0.2.1:/x /no/such/mount/point nfs rw 0 0\n');
		expect(result.code).not.toBe(0);
		expect(readFileSync(target, 'utf8')).toBe('# empty\n');
	});
});
