// The sync sources on this machine, read once before planning by a child
// process on a timer: listings of real temp trees, the fstab rule read from
// fixture files, and a stand-in lister that never answers.
import {chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {sourceProblem} from '../../source/plan/local-sources.js';
import {parseListing, probeLocalSources} from '../../source/run/local-sources-probe.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'aegir-pack-probe-'));
});
afterEach(() => {
	rmSync(dir, {recursive: true, force: true});
});

function write(path: string, content = 'x\n'): void {
	mkdirSync(join(dir, path, '..'), {recursive: true});
	writeFileSync(join(dir, path), content);
}

/** No fstab lines, everything mounted: only the listing decides. */
const plain = () => {
	writeFileSync(join(dir, 'fstab'), '');
	writeFileSync(join(dir, 'mountinfo'), '');
	return {fstabPath: join(dir, 'fstab'), mountinfoPath: join(dir, 'mountinfo')};
};

describe('probeLocalSources', () => {
	it('lists a config dir two levels down, links with their targets', async () => {
		write('config/server_web1/apache.conf');
		write('config/includes/global.inc');
		symlinkSync('/var/aegir/config/server_master/apache.conf', join(dir, 'config/apache.conf'));
		const config = join(dir, 'config');
		const sources = await probeLocalSources([config], plain());
		expect(sources[config]).toMatchObject({state: 'directory', sites: []});
		const found = sources[config]!.state === 'directory' ? sources[config]!.entries : [];
		expect(found).toEqual(
			expect.arrayContaining([
				{path: 'server_web1', type: 'directory'},
				{path: 'server_web1/apache.conf', type: 'file'},
				{path: 'includes', type: 'directory'},
				{path: 'apache.conf', type: 'link', target: '/var/aegir/config/server_master/apache.conf'},
			]),
		);
		expect(found.some(entry => entry.path.startsWith('includes/global'))).toBe(true);
	});

	it('finds each site that has a settings.php, up to three levels into a platform, and never walks its files', async () => {
		write('platforms/drupal-10/web/sites/site1.example.com/settings.php');
		write('platforms/drupal-10/web/sites/site1.example.com/files/deep/a/b/settings.php');
		write('platforms/drupal-10/web/sites/default/default.settings.php');
		write('platforms/drupal-10/web/sites/all/settings.php');
		write('platforms/drupal-10/vendor/x/sites/y/settings.php');
		write('platforms/d7/sites/old.example.com/settings.php');
		mkdirSync(join(dir, 'platforms/drupal-10/web/sites/alias.example.com'), {recursive: true});
		symlinkSync('site1.example.com', join(dir, 'platforms/drupal-10/web/sites/link.example.com'));
		const platforms = join(dir, 'platforms');
		const sources = await probeLocalSources([platforms], plain());
		expect(sources[platforms]).toMatchObject({state: 'directory', sites: ['d7/sites/old.example.com', 'drupal-10/web/sites/site1.example.com']});
	});

	it('tells missing, not a directory and empty apart', async () => {
		write('file');
		mkdirSync(join(dir, 'empty'));
		const paths = [join(dir, 'missing'), join(dir, 'file'), join(dir, 'empty')];
		const sources = await probeLocalSources(paths, plain());
		expect(paths.map(path => sources[path]?.state)).toEqual(['missing', 'not-directory', 'empty']);
		expect(sourceProblem(sources, join(dir, 'empty'))).toContain('is empty on this machine: refusing to sync from it');
	});

	it('refuses a source under an fstab mount point that is not mounted, without looking at it', async () => {
		write('srv/aegir/platforms/drupal-10/index.php');
		const mountPoint = join(dir, 'srv/aegir');
		writeFileSync(join(dir, 'fstab'), `# disks\nUUID=abc / ext4 defaults 0 1\n/dev/sdb1 ${mountPoint} ext4 defaults 0 2\nnone swap swap sw 0 0\n`);
		writeFileSync(join(dir, 'mountinfo'), '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n');
		const options = {fstabPath: join(dir, 'fstab'), mountinfoPath: join(dir, 'mountinfo'), shell: '/nonexistent/never-run'};
		const path = join(mountPoint, 'platforms');
		const sources = await probeLocalSources([path], options);
		expect(sources[path]).toEqual({state: 'not-mounted', mountPoint});
		expect(sourceProblem(sources, path)).toBe(
			`${path} is under ${mountPoint}, an /etc/fstab mount point that is not mounted: an unmounted disk looks empty (or holds stale files), ` +
				`and syncing from it would empty the copies. Mount it (mount ${mountPoint}), then run again.`,
		);

		// Mounted (mountinfo escapes a space as \\040): the listing decides.
		writeFileSync(join(dir, 'mountinfo'), `22 1 8:1 / / rw - ext4 /dev/sda1 rw\n40 22 8:17 / ${mountPoint.replaceAll(' ', '\\040')} rw - ext4 /dev/sdb1 rw\n`);
		const mounted = await probeLocalSources([path], {...options, shell: '/bin/sh'});
		expect(mounted[path]?.state).toBe('directory');
	});

	it('gives up on a source that does not answer, and the process stays responsive meanwhile', async () => {
		const hang = join(dir, 'hang');
		writeFileSync(hang, '#!/bin/sh\nexec sleep 60\n');
		chmodSync(hang, 0o755);
		let ticks = 0;
		const interval = setInterval(() => ticks++, 10);
		try {
			const sources = await probeLocalSources([join(dir, 'platforms')], {...plain(), shell: hang, timeoutMs: 300});
			expect(sources[join(dir, 'platforms')]).toEqual({state: 'unresponsive', afterMs: 300});
			expect(ticks).toBeGreaterThan(5);
		} finally {
			clearInterval(interval);
		}
		expect(sourceProblem({x: {state: 'unresponsive', afterMs: 5000}}, 'x')).toBe('x does not answer on this machine within 5 s (a hung network mount?): nothing synced from it');
	});
});

describe('parseListing', () => {
	it('reads the state word and the NUL-separated records', () => {
		expect(parseListing('missing\n')).toEqual({state: 'missing'});
		expect(parseListing('directory\n')).toEqual({state: 'empty'});
		expect(parseListing('directory\nd\tp\t\0f\tp/a b\t\0S\t./p/sites/s1\t\0')).toEqual({
			state: 'directory',
			entries: [
				{path: 'p', type: 'directory'},
				{path: 'p/a b', type: 'file'},
			],
			sites: ['p/sites/s1'],
		});
		expect(parseListing('what\n')).toMatchObject({state: 'unreadable'});
	});
});
