// The manifest comparison that lets a no-op sync check skip rsync: what
// rsync's filters let through, what its quick check and -a compare (modes,
// groups as a user that is not root maps them, link targets and times, not
// directory times, not owners), what it would delete, and links where
// directories are. Then the real thing: listings of real trees by the real
// script, against what a real rsync (local to local) does with the same argv.
import {execFileSync, spawnSync} from 'node:child_process';
import {chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {codeFilters, configFilters} from '../../source/aegir/provision-layout.js';
import {compareManifests, compileRule, excludedBy, expectedGroup, parseTreeListing, syncedEntries, TREE_LIST_SCRIPT, type ManifestEntry} from '../../source/plan/sync-manifest.js';
import {parseListing, LIST_SCRIPT} from '../../source/run/local-sources-probe.js';
import {syncFilterRules} from '../../source/shell/rsync-argv.js';

const SITE = 'd10/web/sites/s1.example.com';
const CODE_FILTERS = syncFilterRules(codeFilters([SITE]));
const AEGIR = {names: ['aegir', 'www-data'], gids: [1500, 33]};

function entry(path: string, extra: Partial<ManifestEntry> = {}): ManifestEntry {
	const type = extra.type ?? (path.includes('.') && !path.endsWith('.example.com') ? 'file' : 'directory');
	return {path, type, mode: type === 'directory' ? 0o755 : 0o644, owner: 'aegir', uid: 1500, group: 'aegir', gid: 1500, size: 10, mtime: {seconds: 1_700_000_000, nanoseconds: 5}, ...extra};
}

/** A platform as provision lays it: code, sites/all, one site with settings.php and uploads. */
function platform(): ManifestEntry[] {
	return [
		entry('d10'),
		entry('d10/web'),
		entry('d10/web/index.php'),
		entry('d10/web/sites'),
		entry('d10/web/sites/all'),
		entry('d10/web/sites/all/modules'),
		entry('d10/web/sites/all/modules/m.module'),
		entry(SITE),
		entry(`${SITE}/settings.php`, {mode: 0o440, group: 'www-data', gid: 33}),
		entry(`${SITE}/files`, {mode: 0o2770, group: 'www-data', gid: 33}),
		entry(`${SITE}/private`, {mode: 0o2770, group: 'www-data', gid: 33}),
	];
}

const compare = (local: ManifestEntry[], remote: ManifestEntry[], more: Partial<Parameters<typeof compareManifests>[0]> = {}) =>
	compareManifests({local, remote, paths: ['d10'], filters: CODE_FILTERS, receiver: AEGIR, ...more});

describe('rsync filter rules', () => {
	const rules = CODE_FILTERS.map(compileRule);

	it('reads anchored, unanchored and name-only patterns as rsync does', () => {
		expect(excludedBy(rules, 'd10/.git', true)).toBe(true);
		expect(excludedBy(rules, 'd10/web/core/.gitignore', false)).toBe(true);
		expect(excludedBy(rules, 'd10/web/sites/default', true)).toBe(true);
		expect(excludedBy(rules, 'd10/web/sites/all', true)).toBe(false);
		expect(excludedBy(rules, SITE, true)).toBe(false);
		expect(excludedBy(rules, `${SITE}/files/photo.jpg`, false)).toBe(true);
		expect(excludedBy(rules, `${SITE}/files`, true)).toBe(false);
		expect(excludedBy(rules, `${SITE}/deep/er/private/x`, false)).toBe(true);
		expect(excludedBy(rules, 'd10/web/sites/all/modules/m/files/x', false)).toBe(false);
		// sites/* is unanchored: a sites directory anywhere.
		expect(excludedBy(rules, 'd10/web/sites/all/modules/m/sites/x', true)).toBe(true);
	});

	it('keeps only what passes the filters, and nothing under an excluded directory', () => {
		const kept = syncedEntries(
			[...platform(), entry('d10/web/sites/default'), entry('d10/web/sites/default/settings.php'), entry(`${SITE}/files/up.jpg`), entry('other/x.php')],
			['d10'],
			CODE_FILTERS,
		);
		expect([...kept.keys()]).not.toContain('d10/web/sites/default/settings.php');
		expect([...kept.keys()]).not.toContain(`${SITE}/files/up.jpg`);
		expect([...kept.keys()]).not.toContain('other/x.php');
		expect([...kept.keys()]).toContain(`${SITE}/settings.php`);
		expect([...kept.keys()]).toContain(`${SITE}/files`);
	});

	it('the config filter drops only the head own receipts', () => {
		const filters = syncFilterRules(configFilters('server_web1'));
		const kept = syncedEntries(
			[entry('server_web1'), entry('server_web1/ssl.d'), entry('server_web1/ssl.d/s1'), entry('server_web1/ssl.d/s1/s1.receipt'), entry('server_web1/ssl.d/s1/openssl.key')],
			['server_web1'],
			filters,
		);
		expect([...kept.keys()]).toEqual(['server_web1', 'server_web1/ssl.d', 'server_web1/ssl.d/s1', 'server_web1/ssl.d/s1/openssl.key']);
	});
});

describe('compareManifests', () => {
	it('the same tree on both sides: same (directory times do not count)', () => {
		const remote = platform().map(item => (item.type === 'directory' ? {...item, mtime: {seconds: 1, nanoseconds: 0}} : item));
		expect(compare(platform(), remote)).toEqual({same: true});
	});

	it('what users uploaded, and sites and VCS files rsync never sends, are not compared nor deleted', () => {
		const remote = [
			...platform(),
			entry(`${SITE}/files/upload.jpg`),
			entry(`${SITE}/private/backup.tar`),
			entry('d10/web/sites/default'),
			entry('d10/web/sites/default/settings.php'),
			entry('d10/.git'),
		];
		expect(compare(platform(), remote)).toEqual({same: true});
	});

	it('content drift: size or modification time (to the nanosecond where both sides have them)', () => {
		const drift = (change: Partial<ManifestEntry>) => platform().map(item => (item.path === 'd10/web/index.php' ? {...item, ...change} : item));
		expect(compare(platform(), drift({size: 11}))).toMatchObject({same: false, reason: 'd10/web/index.php: size'});
		expect(compare(platform(), drift({mtime: {seconds: 1_700_000_000, nanoseconds: 6}}))).toMatchObject({same: false, reason: 'd10/web/index.php: modification time'});
		expect(compare(platform(), drift({mtime: {seconds: 1_700_000_001, nanoseconds: 5}}))).toMatchObject({same: false, reason: 'd10/web/index.php: modification time'});
		// Whole seconds on one side (a tar copy, a file system without them): rsync compares seconds only.
		expect(compare(platform(), drift({mtime: {seconds: 1_700_000_000, nanoseconds: 0}}))).toEqual({same: true});
	});

	it('modes: of files and of directories, setgid included', () => {
		const dirMode = platform().map(item => (item.path === `${SITE}/files` ? {...item, mode: 0o770} : item));
		expect(compare(platform(), dirMode)).toMatchObject({same: false, reason: `${SITE}/files: mode 2770 here, 770 there`});
		const fileMode = platform().map(item => (item.path === `${SITE}/settings.php` ? {...item, mode: 0o644} : item));
		expect(compare(platform(), fileMode)).toMatchObject({same: false});
	});

	it('owners: not compared for a receiver that is not root (rsync -o needs root), compared for root', () => {
		const rootOwned = platform().map(item => ({...item, owner: 'root', uid: 0}));
		expect(compare(platform(), rootOwned)).toEqual({same: true});
		expect(compare(platform(), rootOwned, {receiverIsRoot: true})).toMatchObject({same: false, reason: 'd10: owner'});
	});

	it('groups: by name where the receiver is in the group; ignored where it is not (rsync cannot set it)', () => {
		const wrongGroup = platform().map(item => (item.path === `${SITE}/settings.php` ? {...item, group: 'aegir', gid: 1500} : item));
		expect(compare(platform(), wrongGroup)).toMatchObject({same: false, reason: `${SITE}/settings.php: group aegir there, www-data here`});
		expect(compare(platform(), wrongGroup, {receiver: {names: ['aegir'], gids: [1500]}})).toEqual({same: true});
		expect(expectedGroup({group: 'www-data', gid: 33}, AEGIR)).toEqual({name: 'www-data'});
		// No name here (a number): rsync sends the number.
		expect(expectedGroup({group: '1500', gid: 1500}, AEGIR)).toEqual({gid: 1500});
		// Group 0 is never mapped by name.
		expect(expectedGroup({group: 'root', gid: 0}, {names: ['root'], gids: [0]})).toEqual({gid: 0});
		// A name the receiver is not in, but whose number it is in: the host's mapping decides, rsync runs.
		expect(expectedGroup({group: 'web', gid: 33}, AEGIR)).toBe('unknown');
	});

	it('links: target compared; mode and the link own time never', () => {
		const withLink = (change: Partial<ManifestEntry> = {}) => [
			...platform(),
			entry('d10/web/current', {type: 'link', target: 'index.php', mode: 0o777, size: 9, ...change}),
		];
		expect(compare(withLink(), withLink({mode: 0o755}))).toEqual({same: true});
		expect(compare(withLink(), withLink({target: '/etc/passwd'}))).toMatchObject({same: false, reason: 'd10/web/current: link target'});
		expect(compare(withLink(), withLink({mtime: {seconds: 1, nanoseconds: 0}}))).toEqual({same: true});
		// A file where the link should be.
		expect(compare(withLink(), [...platform(), entry('d10/web/current', {type: 'file'})])).toMatchObject({same: false});
	});

	it('symlinked directories: a link here is sent as a link; a link there where a directory is sent is left to rsync (--keep-dirlinks)', () => {
		const linkHere = [...platform(), entry('d10/web/libraries', {type: 'link', target: '/srv/libraries'})];
		expect(compare(linkHere, linkHere)).toEqual({same: true});
		expect(compare(linkHere, [...platform(), entry('d10/web/libraries'), entry('d10/web/libraries/a.js')])).toMatchObject({
			same: false,
			reason: 'd10/web/libraries: a directory on the host, a link here',
		});
		const dirHere = [...platform(), entry('d10/web/libraries'), entry('d10/web/libraries/a.js')];
		expect(compare(dirHere, [...platform(), entry('d10/web/libraries', {type: 'link', target: '/elsewhere'})])).toMatchObject({same: false});
	});

	it('deletions: anything synced that only the host has is a difference (with --delete), not without', () => {
		const extra = [...platform(), entry('d10/web/old.php')];
		expect(compare(platform(), extra)).toMatchObject({same: false, reason: 'd10/web/old.php: on the host only (would be deleted)'});
		expect(compare(platform(), extra, {deletes: false})).toEqual({same: true});
		// Missing on the host: sent.
		expect(compare(platform(), platform().filter(item => item.path !== 'd10/web/index.php'))).toMatchObject({same: false, reason: 'd10/web/index.php: missing on the host'});
		// What is not a path of the job is never looked at.
		expect(compare(platform(), [...platform(), entry('d9'), entry('d9/x.php')])).toEqual({same: true});
	});

	it('special files are left to rsync', () => {
		const fifo = [...platform(), entry('d10/web/pipe', {type: 'other'})];
		expect(compare(fifo, fifo)).toMatchObject({same: false});
	});
});

describe('the listing script and parser', () => {
	it('reads names with tabs, newlines and backslashes back exactly; missing and error answers', () => {
		const line = (head: string, path: string, target = '') => `${head}\t${path}\t${target}`;
		const parsed = parseTreeListing(
			['listed', line('f 644 aegir 1500 aegir 1500 3 1700000000.1234567890', './d10/a\\tb\\nc\\\\d'), line('l 777 aegir 1500 aegir 1500 5 1700000000.5', './d10/l', 'x\\ty'), ''].join('\n'),
		);
		expect(parsed).toMatchObject({
			state: 'listed',
			entries: [
				{path: 'd10/a\tb\nc\\d', type: 'file', mode: 0o644, size: 3, mtime: {seconds: 1_700_000_000, nanoseconds: 123_456_789}},
				{path: 'd10/l', type: 'link', target: 'x\ty', mtime: {seconds: 1_700_000_000, nanoseconds: 500_000_000}},
			],
		});
		expect(parseTreeListing('missing\n')).toEqual({state: 'missing'});
		expect(parseTreeListing('listed\nerror\t\t\n')).toMatchObject({state: 'unreadable'});
		expect(parseTreeListing('listed\nf 644 a\t./x\n')).toMatchObject({state: 'unreadable'});
	});
});

// Real trees, listed by the real scripts, against a real rsync with the sync's own filters (local to local, as root or not).
const hasRsync = spawnSync('rsync', ['--version']).status === 0;

describe.skipIf(!hasRsync)('against a real rsync (local to local)', () => {
	let root: string;
	beforeEach(() => {
		root = mkdtempSync(join(tmpdir(), 'aegir-manifest-'));
	});
	afterEach(() => rmSync(root, {recursive: true, force: true}));

	const list = (dir: string, paths: string[]) => {
		const output = execFileSync('sh', ['-c', TREE_LIST_SCRIPT, 'test', dir, ...paths], {encoding: 'utf8'});
		const listing = parseTreeListing(output);
		if (listing.state !== 'listed') throw new Error(`not listed: ${JSON.stringify(listing)}`);
		return listing.entries;
	};
	const localTree = (dir: string) => {
		const listing = parseListing(execFileSync('sh', ['-c', LIST_SCRIPT, 'test', dir], {encoding: 'utf8'}));
		if (listing.state !== 'directory' || listing.tree?.state !== 'listed') throw new Error('no local tree');
		return listing.tree.entries;
	};
	const ids = () => ({
		names: execFileSync('id', ['-Gn'], {encoding: 'utf8'}).trim().split(/\s+/),
		gids: execFileSync('id', ['-G'], {encoding: 'utf8'}).trim().split(/\s+/).map(Number),
	});
	const rsync = (source: string, destination: string, dryRun: boolean) => {
		const filters = CODE_FILTERS.map(filter => `--${filter.rule}=${filter.pattern}`);
		const argv = ['-az', ...filters, '--relative', '--keep-dirlinks', '--omit-dir-times', '--delete', '--itemize-changes', ...(dryRun ? ['--dry-run'] : []), `${source}/./d10`, `${destination}/`];
		return execFileSync('rsync', argv, {encoding: 'utf8'})
			.split('\n')
			.filter(line => line !== '' && !/^\.[dfL] {9,}/.test(line));
	};
	const isRoot = process.getuid?.() === 0;

	it('after rsync: same; drift, an extra file, a changed link: differ, and rsync agrees; uploads on the host: same, and rsync agrees', () => {
		const source = join(root, 'src');
		const destination = join(root, 'dst');
		mkdirSync(join(source, SITE, 'files'), {recursive: true});
		mkdirSync(join(source, SITE, 'private'), {recursive: true});
		mkdirSync(join(source, 'd10/web/sites/all/modules'), {recursive: true});
		mkdirSync(join(source, 'd10/web/sites/default'), {recursive: true});
		mkdirSync(join(source, 'd10/.git'), {recursive: true});
		mkdirSync(destination);
		writeFileSync(join(source, 'd10/web/index.php'), '<?php\n');
		writeFileSync(join(source, 'd10/.git/HEAD'), 'ref\n');
		writeFileSync(join(source, 'd10/web/sites/default/default.settings.php'), 'x');
		writeFileSync(join(source, 'd10/web/sites/all/modules/m.module'), 'm');
		writeFileSync(join(source, SITE, 'settings.php'), 's');
		chmodSync(join(source, SITE, 'settings.php'), 0o440);
		chmodSync(join(source, SITE, 'files'), 0o2770);
		writeFileSync(join(source, SITE, 'files', 'here-only.jpg'), 'u');
		symlinkSync('index.php', join(source, 'd10/web/current'));
		symlinkSync('/nonexistent/libraries', join(source, 'd10/web/libraries'));

		const receiver = ids();
		const check = () =>
			compareManifests({local: localTree(source), remote: list(destination, ['d10']), paths: ['d10'], filters: CODE_FILTERS, receiver, receiverIsRoot: isRoot});

		expect(check()).toMatchObject({same: false, reason: 'd10: missing on the host'});
		rsync(source, destination, false);
		expect(rsync(source, destination, true)).toEqual([]);
		expect(check()).toEqual({same: true});

		// What users uploaded on the host, and a VCS directory there: neither rsync nor the manifest sees them.
		writeFileSync(join(destination, SITE, 'files', 'upload.jpg'), 'up');
		mkdirSync(join(destination, 'd10/.git'));
		expect(rsync(source, destination, true)).toEqual([]);
		expect(check()).toEqual({same: true});

		// Drift: the same size, another time.
		writeFileSync(join(destination, 'd10/web/index.php'), '<?php\n');
		utimesSync(join(destination, 'd10/web/index.php'), 1_000_000_000, 1_000_000_000);
		expect(rsync(source, destination, true)).not.toEqual([]);
		expect(check()).toMatchObject({same: false, reason: 'd10/web/index.php: modification time'});
		rsync(source, destination, false);
		expect(check()).toEqual({same: true});

		// The same second without its nanoseconds there (as a tar copy leaves it): whatever rsync says, the comparison says.
		const stamp = Math.floor(Date.now() / 1000) - 100;
		utimesSync(join(source, 'd10/web/index.php'), stamp + 0.25, stamp + 0.25);
		rsync(source, destination, false);
		utimesSync(join(destination, 'd10/web/index.php'), stamp, stamp);
		expect(check().same).toBe(rsync(source, destination, true).length === 0);
		rsync(source, destination, false);

		// A mode changed on the host.
		chmodSync(join(destination, SITE, 'files'), 0o755);
		expect(rsync(source, destination, true)).not.toEqual([]);
		expect(check()).toMatchObject({same: false});
		rsync(source, destination, false);
		expect(check()).toEqual({same: true});

		// A file only the host has: rsync would delete it.
		writeFileSync(join(destination, 'd10/web/stray.php'), 'x');
		expect(rsync(source, destination, true)).toContain('*deleting   d10/web/stray.php');
		expect(check()).toMatchObject({same: false, reason: 'd10/web/stray.php: on the host only (would be deleted)'});
		rsync(source, destination, false);
		expect(check()).toEqual({same: true});

		// A link retargeted on the host.
		rmSync(join(destination, 'd10/web/current'));
		symlinkSync('/etc/passwd', join(destination, 'd10/web/current'));
		expect(check()).toMatchObject({same: false, reason: 'd10/web/current: link target'});
		rsync(source, destination, false);
		expect(check()).toEqual({same: true});
	});
});
