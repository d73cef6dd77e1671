import {chmodSync, lstatSync, mkdirSync, statSync, symlinkSync} from 'node:fs';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {guardedCommand, linkRefusal} from '../../source/shell/path-guard.js';
import {AEGIR, asRoot, fakeBin, identity, makeGuardBox, plant, sh, victimDirectory, type GuardBox} from './guard-sandbox.js';

let box: GuardBox;
beforeEach(() => {
	box = makeGuardBox();
});
afterEach(() => {
	box.remove();
});

const guard = (script: string, ...args: string[]) => sh(guardedCommand(script, 'guard-test', args));

describe('ap_audit: who may act inside a directory', () => {
	it('is the user inside a directory the user owns, and root (as we are) in a root-only one', () => {
		mkdirSync(box.path('etc'));
		expect(guard('ap_audit "$1" "$2"', box.home, AEGIR.name)).toMatchObject({status: 0, stdout: `${asRoot ? AEGIR.name : 'root'}\n`});
		expect(guard('ap_audit "$1" "$2"', box.path('etc'), AEGIR.name)).toMatchObject({status: 0, stdout: 'root\n'});
	});

	it('refuses a link the user planted on the way, naming it and its target', () => {
		victimDirectory(box);
		plant(`ln -s ${box.path('victim-dir')} ${box.home}/platforms`);
		const result = guard('ap_audit "$1" "$2"', `${box.home}/platforms/sub`, AEGIR.name);
		expect(result.status).toBe(1);
		if (asRoot) expect(result.stderr).toContain(linkRefusal(`${box.home}/platforms`, box.path('victim-dir'), 'a directory'));
	});

	it('follows a link only root could have made, and audits where it leads', () => {
		mkdirSync(box.path('usr', 'lib'), {recursive: true});
		symlinkSync('usr/lib', box.path('lib'));
		expect(guard('ap_audit "$1" "$2"', box.path('lib'), AEGIR.name)).toMatchObject({status: 0, stdout: 'root\n'});
	});

	it('refuses a world-writable directory that is not sticky', () => {
		mkdirSync(box.path('open'));
		chmodSync(box.path('open'), 0o777);
		const result = guard('ap_audit "$1" "$2"', box.path('open'), AEGIR.name);
		expect(result.status).toBe(1);
		expect(result.stderr).toContain(`${box.path('open')} is writable by every user`);
	});
});

describe('ap_mkdir: create, then check it is what was created', () => {
	it('refuses a name the user planted as a link, and the target keeps its mode and owner', () => {
		const victim = victimDirectory(box);
		const before = identity(victim);
		plant(`ln -s ${victim} ${box.home}/platforms`);
		const result = guard('ap_mkdir "$1" "$2" 0755', `${box.home}/platforms`, AEGIR.name);
		expect(result.status).toBe(1);
		expect(result.stderr).toContain(linkRefusal(`${box.home}/platforms`, victim, 'a directory'));
		expect(identity(victim)).toEqual(before);
	});

	it("creates a directory in the user's home as the user, and in a root-only directory as root, then gives it away", () => {
		expect(guard('ap_mkdir "$1" "$2" 0755', `${box.home}/platforms`, AEGIR.name)).toMatchObject({status: 0});
		expect(statSync(`${box.home}/platforms`)).toMatchObject({uid: AEGIR.uid});
		expect(guard('ap_mkdir "$1" "$2" 0750', box.path('srv'), AEGIR.name)).toMatchObject({status: 0});
		expect(statSync(box.path('srv')).uid).toBe(AEGIR.uid);
		expect(statSync(box.path('srv')).mode & 0o777).toBe(0o750);
	});

	it('ap_mkdir_p creates missing parents owned by whoever may act where they are created', () => {
		const result = guard('ap_mkdir_p "$1" "$2" 0755', box.path('srv', 'aegir', 'platforms'), AEGIR.name);
		expect(result, result.stderr).toMatchObject({status: 0});
		expect(statSync(box.path('srv')).uid).toBe(process.getuid!());
		expect(statSync(box.path('srv', 'aegir', 'platforms')).uid).toBe(AEGIR.uid);
		expect(guard('ap_mkdir_p "$1" "$2" 0755', box.path('srv', 'aegir', 'platforms'), AEGIR.name).status).toBe(0);
	});
});

describe.skipIf(!asRoot)('ap_chown_dir: root acts on the directory it checked, never on a name', () => {
	it('refuses a link planted before the run', () => {
		const victim = victimDirectory(box);
		const before = identity(victim);
		plant(`ln -s ${victim} ${box.home}/.ssh`);
		const result = guard('ap_chown_dir "$1" "$2" 0700', `${box.home}/.ssh`, AEGIR.name);
		expect(result.status).toBe(1);
		expect(result.stderr).toContain(linkRefusal(`${box.home}/.ssh`, victim, 'a directory'));
		expect(identity(victim)).toEqual(before);
	});

	it('a link swapped in after the check: the chown reaches the directory that was checked, the victim is untouched, the run fails naming the link', () => {
		const victim = victimDirectory(box);
		chmodSync(victim, 0o755);
		const before = identity(victim);
		mkdirSync(`${box.home}/.ssh`, {mode: 0o755});
		// The real chown, but first the user renames .ssh and plants a link in its place.
		const bin = fakeBin(box, 'chown', `#!/bin/sh\nsetpriv --reuid=${AEGIR.uid} --regid=${AEGIR.gid} --clear-groups sh -c 'mv "$1/.ssh" "$1/.ssh-old" && ln -s "$2" "$1/.ssh"' swap ${box.home} ${victim}\nexec /bin/chown "$@"\n`);
		const result = sh(guardedCommand('ap_chown_dir "$1" "$2" 0700', 'guard-test', [`${box.home}/.ssh`, AEGIR.name]), {env: {PATH: `${bin}:${process.env.PATH}`}});
		expect(result.status).toBe(1);
		expect(result.stderr).toContain(linkRefusal(`${box.home}/.ssh`, victim, 'a directory'));
		expect(identity(victim)).toEqual(before);
		expect(lstatSync(`${box.home}/.ssh-old`)).toMatchObject({uid: AEGIR.uid});
		expect(lstatSync(`${box.home}/.ssh-old`).mode & 0o777).toBe(0o700);
	});
});
