import {chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {aegirRegistrationWanted, findOnPath, type AegirProbe} from '../../source/aegir-run/aegir-wanted.js';

const roots: string[] = [];
afterEach(() => {
	for (const root of roots.splice(0)) rmSync(root, {recursive: true, force: true});
});

/** A bin directory (with drush when asked) and an Aegir home (with .drush when asked). */
function machine(options: {drush: boolean; dotDrush: boolean}) {
	const root = mkdtempSync(path.join(tmpdir(), 'aegir-wanted-'));
	roots.push(root);
	const bin = path.join(root, 'bin');
	const home = path.join(root, 'aegir');
	mkdirSync(bin);
	mkdirSync(home);
	if (options.drush) {
		writeFileSync(path.join(bin, 'drush'), '#!/bin/sh\n');
		chmodSync(path.join(bin, 'drush'), 0o755);
	}

	if (options.dotDrush) mkdirSync(path.join(home, '.drush'));
	return {env: {PATH: `/nonexistent:${bin}`}, home};
}

describe('aegirRegistrationWanted', () => {
	test('--aegir-register: always, whatever is on this machine', () => {
		expect(aegirRegistrationWanted({PATH: ''}, {aegirHome: '/nonexistent', flag: true})).toBe(true);
	});

	test('drush on PATH and the Aegir home with .drush: yes', () => {
		const {env, home} = machine({drush: true, dotDrush: true});
		expect(aegirRegistrationWanted(env, {aegirHome: home})).toBe(true);
	});

	test('no drush, or no .drush in the home, or no home: no', () => {
		const noDrush = machine({drush: false, dotDrush: true});
		expect(aegirRegistrationWanted(noDrush.env, {aegirHome: noDrush.home})).toBe(false);
		const noDotDrush = machine({drush: true, dotDrush: false});
		expect(aegirRegistrationWanted(noDotDrush.env, {aegirHome: noDotDrush.home})).toBe(false);
		expect(aegirRegistrationWanted(noDotDrush.env, {aegirHome: path.join(noDotDrush.home, 'missing')})).toBe(false);
	});

	test('a drush that is not executable, or found only through a relative PATH entry, does not count', () => {
		const {env, home} = machine({drush: true, dotDrush: true});
		const bin = env.PATH.split(':')[1]!;
		chmodSync(path.join(bin, 'drush'), 0o644);
		// root may execute nothing without an x bit either: access(X_OK) says so for files.
		expect(findOnPath('drush', env)).toBeUndefined();
		chmodSync(path.join(bin, 'drush'), 0o755);
		expect(findOnPath('drush', {PATH: path.relative(process.cwd(), bin)})).toBeUndefined();
		expect(aegirRegistrationWanted(env, {aegirHome: home})).toBe(true);
	});

	test('the home defaults to /var/aegir', () => {
		const asked: string[] = [];
		const probe: AegirProbe = {isExecutableFile: () => true, isDirectory: directory => (asked.push(directory), true)};
		expect(aegirRegistrationWanted({PATH: '/usr/bin'}, {}, probe)).toBe(true);
		expect(asked).toEqual(['/var/aegir', '/var/aegir/.drush']);
	});
});
