import {spawn} from 'node:child_process';
import {chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {FSTAB_VALIDATE, expectedFrom, safeEdit, sha256, type SafeEditOptions} from '../../source/shell/safe-edit.js';
import {LocalShTransport, NOBODY} from '../plan/local-sh-transport.js';
import {makeSandbox, type Sandbox} from '../plan/sandbox.js';
import {linkRefusal} from '../../source/shell/path-guard.js';
import {AEGIR, asRoot, identity, makeGuardBox, plant, victimFile, type GuardBox} from './guard-sandbox.js';

let box: Sandbox;
const shell = new LocalShTransport({user: NOBODY});
const asNobody = asRoot ? NOBODY : {uid: undefined, gid: undefined};

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

/** The command and stdin of one edit. */
function editOf(options: Partial<SafeEditOptions> & {target: string}, content: string | Buffer): {command: string; stdin: Buffer} {
	return safeEdit({stamp: '20240102-030405', ...options}, content);
}

async function edit(options: Partial<SafeEditOptions> & {target: string}, content: string) {
	const {command, stdin} = editOf(options, content);
	return shell.exec(command, {stdin});
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

describe('safe edit when things go wrong on the way (H1-H3)', () => {
	it('survives a closed stdout (SIGPIPE): the original, no temp file, no backup left', async () => {
		const target = box.path('fstab');
		writeOwned(target, 'old\n');
		const {command, stdin} = editOf({target, expected: expectedFrom('old\n')}, 'new\n');
		// Our end of its stdout is closed before it can write anything: the tool killed, the connection gone.
		const result = await new Promise<{code: number | null; stderr: string}>(resolve => {
			const child = spawn('/bin/sh', ['-c', command], {stdio: ['pipe', 'pipe', 'pipe'], uid: asNobody.uid, gid: asNobody.gid});
			child.stdout.destroy();
			let stderr = '';
			child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
			child.on('close', code => resolve({code, stderr}));
			child.stdin.end(stdin);
		});
		expect(result.code).not.toBe(0);
		expect(result.stderr).toContain('the caller is gone');
		expect(readFileSync(target, 'utf8')).toBe('old\n');
		expect(box.list()).toEqual(['fstab']);
	});

	it('refuses bytes that are not the bytes sent (a connection cut mid-stdin): the original kept, no temp file', async () => {
		const target = box.path('fstab');
		writeOwned(target, 'old\n');
		const {command} = editOf({target, expected: expectedFrom('old\n')}, 'new…\n');
		const result = await shell.exec(command, {stdin: 'new'});
		expect(result.code).not.toBe(0);
		expect(result.stderr).toContain('received 3 bytes that are not the 7 bytes sent');
		expect(readFileSync(target, 'utf8')).toBe('old\n');
		expect(box.list()).toEqual(['fstab']);
	});

	it('removes a backup that failed half-way', async () => {
		const target = box.path('fstab');
		writeOwned(target, 'old\n');
		const bin = box.path('bin');
		mkdirSync(bin);
		writeFileSync(box.path('bin', 'cp'), '#!/bin/sh\nfor last; do :; done\nprintf partial > "$last"\nexit 1\n');
		chmodSync(box.path('bin', 'cp'), 0o755);
		box.own(bin);
		const {command, stdin} = editOf({target, expected: expectedFrom('old\n')}, 'new\n');
		const result = await new LocalShTransport({user: NOBODY, env: {PATH: `${bin}:${process.env.PATH ?? ''}`}}).exec(command, {stdin});
		expect(result.code).not.toBe(0);
		expect(result.stderr).toContain('cannot keep a backup');
		expect(readFileSync(target, 'utf8')).toBe('old\n');
		expect(box.list()).toEqual(['bin', 'fstab']);
	});
});

describe('safe edit of bytes (H4)', () => {
	it('edits a file that is not UTF-8: the expected sha is of its bytes, the new bytes land exactly', async () => {
		const target = box.path('fstab');
		const old = Buffer.from('# disque syst\xe8me\n', 'latin1');
		writeFileSync(target, old);
		box.own(target);
		const next = Buffer.concat([old, Buffer.from('server:/x /x nfs rw 0 0\n')]);
		const {command, stdin} = editOf({target, expected: expectedFrom(old)}, next);
		const result = await shell.exec(command, {stdin});
		expect(result.code, result.stderr).toBe(0);
		expect(readFileSync(target)).toEqual(next);
	});
});

describe.skipIf(!asRoot)("safe edit of the aegir user's file: never through its link", () => {
	let guard: GuardBox;
	beforeEach(() => {
		guard = makeGuardBox();
		plant(`mkdir -m 0700 ${guard.home}/.ssh`);
	});
	afterEach(() => guard.remove());
	const root = new LocalShTransport();
	const keys = () => `${guard.home}/.ssh/authorized_keys`;

	it('a link to a root file is refused, naming it; the root file keeps its bytes, owner and mode', async () => {
		const victim = victimFile(guard);
		const before = identity(victim);
		plant(`ln -s ${victim} ${keys()}`);
		const {command, stdin} = editOf({target: keys(), expected: expectedFrom('secret\n'), user: AEGIR.name}, 'secret\nssh-ed25519 AAAA aegir\n');
		const result = await root.exec(command, {stdin});
		expect(result.code).not.toBe(0);
		expect(result.stderr).toContain(linkRefusal(keys(), victim, 'a regular file'));
		expect(identity(victim)).toEqual(before);
	});

	it('a dangling link is refused, and nothing is created where it points', async () => {
		const absent = guard.path('ld.so.preload');
		plant(`ln -s ${absent} ${keys()}`);
		const {command, stdin} = editOf({target: keys(), expected: 'absent', newFileMode: '0600', user: AEGIR.name}, 'ssh-ed25519 AAAA aegir\n');
		const result = await root.exec(command, {stdin});
		expect(result.code).not.toBe(0);
		expect(result.stderr).toContain(linkRefusal(keys(), absent, 'a regular file'));
		expect(existsSync(absent)).toBe(false);
	});

	it("a missing file is created by the user, with the user's owner and the given mode", async () => {
		const {command, stdin} = editOf({target: keys(), expected: 'absent', newFileMode: '0600', user: AEGIR.name}, 'ssh-ed25519 AAAA aegir\n');
		const result = await root.exec(command, {stdin});
		expect(result.code, result.stderr).toBe(0);
		expect(identity(keys())).toMatchObject({type: 'file', uid: AEGIR.uid, gid: AEGIR.gid, mode: 0o600});
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
