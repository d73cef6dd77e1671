// The mount scripts for real, as root, with bind mounts standing in for NFS
// (a `mount` on PATH turns `-t nfs … SERVER:PATH DIR` into a bind of a local
// directory; every other call is the real mount). The aegir stand-in plants
// links before the run, and during the NFS mount itself.

import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, readdirSync, writeFileSync} from 'node:fs';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {linkRefusal} from '../../source/shell/path-guard.js';
import {makeDirectoryCommand, mountCommand, moveAsideCommand, unmountCommand} from '../../source/shell/mount-scripts.js';
import {AEGIR, asRoot, fakeBin, identity, makeGuardBox, plant, sh, victimDirectory, type GuardBox} from './guard-sandbox.js';

let box: GuardBox;
let share: string;
let staging: string;
beforeEach(() => {
	box = makeGuardBox();
	share = box.path('share');
	mkdirSync(share);
	writeFileSync(box.path('share', '.aegir-pack-marker'), 'marker\n');
	staging = box.path('run');
	mkdirSync(staging, {mode: 0o700});
});
afterEach(() => {
	// Anything a failed test left mounted below the box, deepest first.
	const mounted = spawnSync('findmnt', ['-rn', '-o', 'TARGET'], {encoding: 'utf8'}).stdout.split('\n').filter(target => target.startsWith(box.dir));
	for (const target of mounted.reverse()) spawnSync('umount', ['-l', target]);
	box.remove();
});

const mountPoint = () => `${box.home}/platforms`;
const mountedAt = (path: string) => spawnSync('findmnt', ['-n', '-o', 'TARGET,VFS-OPTIONS', '--mountpoint', path], {encoding: 'utf8'}).stdout.trim();

/** `mount -t nfs` as a bind of the share; `before` runs first (as the aegir stand-in), to race the mount. */
function nfsStandIn(before = ''): string {
	return fakeBin(
		box,
		'mount',
		`#!/bin/sh
case " $* " in
*" -t nfs "*)
	for last; do :; done
	${before ? `setpriv --reuid=${AEGIR.uid} --regid=${AEGIR.gid} --clear-groups sh -c '${before}'` : ':'}
	exec /bin/mount --bind ${share} "$last" ;;
esac
exec /bin/mount "$@"
`,
	);
}

const run = (command: string, bin = nfsStandIn()) => sh(command, {env: {PATH: `${bin}:${process.env.PATH ?? ''}`}});
const mount = (bin?: string) => run(mountCommand({path: mountPoint(), source: 'master:/var/aegir/platforms', options: 'rw,hard,nosuid,nodev', owner: AEGIR.name, stagingDirectory: staging}), bin);

describe.skipIf(!asRoot)('mounting the share on a mount point in the aegir user\'s home (L7)', () => {
	it('mounts on the directory itself, with nosuid,nodev, and leaves no staging directory; unmount takes it off', () => {
		plant(`mkdir ${mountPoint()}`);
		const result = mount();
		expect(result, result.stderr).toMatchObject({status: 0});
		expect(mountedAt(mountPoint())).toMatch(new RegExp(`^${mountPoint()} .*nosuid,nodev`));
		expect(existsSync(`${mountPoint()}/.aegir-pack-marker`)).toBe(true);
		expect(readdirSync(staging)).toEqual([]);
		expect(run(unmountCommand(mountPoint()))).toMatchObject({status: 0});
		expect(mountedAt(mountPoint())).toBe('');
	});

	it('a link planted before the run: refused naming it, nothing mounted where it points', () => {
		const victim = victimDirectory(box);
		const before = identity(victim);
		plant(`ln -s ${victim} ${mountPoint()}`);
		const result = mount();
		expect(result.status).toBe(1);
		expect(result.stderr).toContain(linkRefusal(mountPoint(), victim, 'the mount point (a directory)'));
		expect(mountedAt(victim)).toBe('');
		expect(identity(victim)).toEqual(before);
	});

	it('a link swapped in while mount.nfs works: the share never lands on the link target, the run fails naming it, nothing stays mounted', () => {
		const victim = victimDirectory(box);
		const before = identity(victim);
		plant(`mkdir ${mountPoint()}`);
		const result = mount(nfsStandIn(`mv ${mountPoint()} ${mountPoint()}-old && ln -s ${victim} ${mountPoint()}`));
		expect(result.status).toBe(1);
		expect(result.stderr).toContain(`${mountPoint()} was replaced while it was being mounted (it is now a symbolic link to ${victim}); nothing is mounted there`);
		expect(mountedAt(victim)).toBe('');
		expect(mountedAt(`${mountPoint()}-old`)).toBe('');
		expect(identity(victim)).toEqual(before);
		expect(readdirSync(staging)).toEqual([]);
	});

	it('unmount refuses a link where the mount point was', () => {
		const victim = victimDirectory(box);
		plant(`ln -s ${victim} ${mountPoint()}`);
		const result = run(unmountCommand(mountPoint()));
		expect(result.status).toBe(1);
		expect(result.stderr).toContain(linkRefusal(mountPoint(), victim, 'the mount point (a directory)'));
	});
});

describe('creating and emptying the shared directory (L5, L7)', () => {
	it('creating it refuses a link planted there, and the target keeps its mode and entries', () => {
		const victim = victimDirectory(box);
		const before = identity(victim);
		plant(`ln -s ${victim} ${mountPoint()}`);
		const result = sh(makeDirectoryCommand(mountPoint(), AEGIR.name));
		expect(result.status).toBe(1);
		expect(result.stderr).toContain(linkRefusal(mountPoint(), victim, 'a directory'));
		expect(identity(victim)).toEqual(before);
	});

	it("creates it as the user in the user's home", () => {
		expect(sh(makeDirectoryCommand(mountPoint(), AEGIR.name))).toMatchObject({status: 0});
		expect(identity(mountPoint())).toMatchObject({type: 'directory', uid: AEGIR.uid, mode: 0o755});
	});

	it('moving it aside refuses a link, and moves a real directory as the user, leaving an empty one', () => {
		const victim = victimDirectory(box);
		plant(`ln -s ${victim} ${mountPoint()}`);
		const refused = sh(moveAsideCommand(mountPoint(), `${mountPoint()}.moved`, AEGIR.name));
		expect(refused.status).toBe(1);
		expect(refused.stderr).toContain(linkRefusal(mountPoint(), victim, 'the mount point (a directory)'));
		expect(existsSync(`${mountPoint()}.moved`)).toBe(false);

		plant(`rm ${mountPoint()} && mkdir ${mountPoint()} && touch ${mountPoint()}/old-code`);
		expect(sh(moveAsideCommand(mountPoint(), `${mountPoint()}.moved`, AEGIR.name))).toMatchObject({status: 0});
		expect(readdirSync(`${mountPoint()}.moved`)).toEqual(['old-code']);
		expect(identity(mountPoint())).toMatchObject({type: 'directory', uid: AEGIR.uid, entries: []});
	});
});
