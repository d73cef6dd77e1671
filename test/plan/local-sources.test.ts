// The pure rules of the local sources: which fstab mount point a path lives
// under, what /proc/self/mountinfo says is mounted, and the words for each state.
import {describe, expect, it} from 'vitest';
import {fstabMountPointOf, mountedPoints, sourceProblem} from '../../source/plan/local-sources.js';

describe('fstabMountPointOf', () => {
	const fstab = [
		'# /etc/fstab',
		'UUID=1 / ext4 errors=remount-ro 0 1',
		'UUID=2 /var ext4 defaults 0 2',
		'UUID=3 /var/aegir ext4 defaults,noauto 0 2',
		'nfs1:/export /var/aegir/platforms nfs rw 0 0',
		'/dev/sdc1 none swap sw 0 0',
		'proc /proc proc defaults 0 0',
		'tmpfs /srv/My\\040Files tmpfs defaults 0 0',
	].join('\n');

	it('takes the deepest mount point covering the path, ignoring / and swap', () => {
		expect(fstabMountPointOf(fstab, '/var/aegir/platforms/drupal-10')).toBe('/var/aegir/platforms');
		expect(fstabMountPointOf(fstab, '/var/aegir/config')).toBe('/var/aegir');
		expect(fstabMountPointOf(fstab, '/var/aegirx')).toBe('/var');
		expect(fstabMountPointOf(fstab, '/srv/My Files/config')).toBe('/srv/My Files');
		expect(fstabMountPointOf(fstab, '/home/me')).toBeUndefined();
		expect(fstabMountPointOf(fstab, '/proc/self')).toBeUndefined();
	});
});

describe('mountedPoints', () => {
	it('reads field 5 of mountinfo, escapes undone', () => {
		const info = ['22 1 8:1 / / rw - ext4 /dev/sda1 rw', '40 22 8:17 / /srv/My\\040Files rw - tmpfs tmpfs rw', ''].join('\n');
		expect(mountedPoints(info)).toEqual(new Set(['/', '/srv/My Files']));
	});
});

describe('sourceProblem', () => {
	it('says what is wrong with each kind of source', () => {
		const sources = {
			'/a': {state: 'directory' as const, entries: [], sites: []},
			'/b': {state: 'missing' as const},
			'/c': {state: 'unreadable' as const, reason: 'permission denied'},
			'/d': {state: 'not-mounted' as const, mountPoint: '/d'},
		};
		expect(sourceProblem(sources, '/a')).toBeUndefined();
		expect(sourceProblem(sources, '/b')).toBe('/b is not a directory on this machine: nothing to sync from');
		expect(sourceProblem(sources, '/c')).toBe('/c cannot be read on this machine (permission denied): nothing to sync from');
		expect(sourceProblem(sources, '/d')).toMatch(/^\/d is an \/etc\/fstab mount point that is not mounted: .* Mount it \(mount \/d\), then run again\.$/);
		expect(sourceProblem(sources, '/e')).toBe('/e was not looked at on this machine before planning: nothing to sync from');
	});
});
