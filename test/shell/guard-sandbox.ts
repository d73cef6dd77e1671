// A temp tree for the link tests of the remote scripts: the sandbox itself is
// root's (as /var is on a host), `home/` belongs to a stand-in for the aegir
// user, who plants links there. Run as root (as the suite runs on the lab
// machine), the stand-in is `nobody` and root's scripts really run as root,
// with runuser; run as anyone else, the stand-in is that user and only the
// refusals can be proven (nobody else's file can be at stake).

import {createHash} from 'node:crypto';
import {spawnSync} from 'node:child_process';
import {chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir, userInfo} from 'node:os';
import path from 'node:path';

export const asRoot = process.getuid?.() === 0;

/** The user who may plant links: `nobody` when the tests run as root, else the test user. */
export const AEGIR = asRoot ? {name: 'nobody', uid: 65_534, gid: 65_534} : {name: userInfo().username, uid: userInfo().uid, gid: userInfo().gid};

export type GuardBox = {
	dir: string;
	/** The stand-in aegir user's home (owned by AEGIR). */
	home: string;
	path(...parts: string[]): string;
	remove(): void;
};

export function makeGuardBox(): GuardBox {
	const dir = mkdtempSync(path.join(tmpdir(), 'aegir-pack-guard-'));
	chmodSync(dir, 0o755);
	const home = path.join(dir, 'home');
	mkdirSync(home, {mode: 0o755});
	chmodSync(home, 0o755);
	chownSync(home, AEGIR.uid, AEGIR.gid);
	return {dir, home, path: (...parts) => path.join(dir, ...parts), remove: () => rmSync(dir, {recursive: true, force: true})};
}

export type Run = {status: number; stdout: string; stderr: string};

/** Run a shell command line (as this process, or as AEGIR), stdin given. */
export function sh(command: string, options: {stdin?: string | Uint8Array; env?: Record<string, string>; asAegir?: boolean} = {}): Run {
	const user = options.asAegir && asRoot ? {uid: AEGIR.uid, gid: AEGIR.gid} : {};
	const result = spawnSync('/bin/sh', ['-c', command], {input: options.stdin ?? '', env: {...process.env, LC_ALL: 'C', ...options.env}, encoding: 'utf8', ...user});
	return {status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr};
}

/** What the aegir stand-in does by hand (plant a link, swap a file). */
export function plant(command: string): void {
	const result = sh(command, {asAegir: true});
	if (result.status !== 0) throw new Error(`planting failed: ${command}\n${result.stderr}`);
}

export type Identity = {type: string; mode: number; uid: number; gid: number; size: number; sha256?: string; entries?: string[]};

/** Everything that would show a change: lstat, and the bytes of a file or the names in a directory. */
export function identity(target: string): Identity {
	const stat = lstatSync(target);
	const type = stat.isSymbolicLink() ? 'link' : stat.isDirectory() ? 'directory' : stat.isFile() ? 'file' : 'other';
	return {
		type,
		mode: stat.mode & 0o7777,
		uid: stat.uid,
		gid: stat.gid,
		size: type === 'directory' ? 0 : stat.size,
		...(type === 'file' ? {sha256: createHash('sha256').update(readFileSync(target)).digest('hex')} : {}),
		...(type === 'directory' ? {entries: readdirSync(target).sort()} : {}),
	};
}

/** A root-owned file standing for /etc/shadow and the like. */
export function victimFile(box: GuardBox, name = 'victim', content = 'secret\n', mode = 0o640): string {
	const file = box.path(name);
	writeFileSync(file, content);
	chmodSync(file, mode);
	return file;
}

export function victimDirectory(box: GuardBox, name = 'victim-dir', mode = 0o700): string {
	const directory = box.path(name);
	mkdirSync(directory, {mode});
	chmodSync(directory, mode);
	writeFileSync(path.join(directory, 'keep-me'), 'root data\n');
	return directory;
}

/** A directory of stand-in programs to put first on PATH. */
export function fakeBin(box: GuardBox, name: string, script: string): string {
	const bin = box.path('bin');
	mkdirSync(bin, {recursive: true});
	writeFileSync(path.join(bin, name), script);
	chmodSync(path.join(bin, name), 0o755);
	return bin;
}
