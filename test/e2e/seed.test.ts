// Issue 10 point 6 on the lab: the host that serves NFS (nfs1) is not the one
// that holds the platforms today (the master web0 does, uploads included).
// The plan seeds the share first, through this machine (no keys between the
// hosts), shown in the review; the master's copy is moved aside (kept, never
// deleted) only after, and every head then reads the platforms through the
// share. With the master empty, this machine's platforms arrive by the master's code sync; with
// both holding different trees, nothing is chosen and nothing changes.
import {describe, expect, test} from 'vitest';
import {runApply, stepLines, useLabAndAegirServer, type AegirServer} from './helpers/apply-run.js';
import {canRunLab, type Lab} from './helpers/lab.js';

if (!canRunLab.ok) console.warn(`[e2e] skipping the seed tests: ${canRunLab.reason}`);

const SHARE = '/var/aegir/platforms';
// web0's own platform: one this machine does not hold, so the master's code sync (which runs after the
// seed, into the share) leaves it as the seed brought it.
const PLATFORM = `${SHARE}/drupal-10-web0`;
const SITE = `${PLATFORM}/web/sites/site1.example.com`;

/** The master's platforms before the pack: code, settings.php as provision leaves it, a user's upload and a private file. */
const PLATFORMS_ON_WEB0 = `set -e
mkdir -p ${SITE}/files ${SITE}/private
printf '<?php // drupal-10\\n' > ${PLATFORM}/web/index.php
printf '<?php // settings\\n' > ${SITE}/settings.php
chown -R aegir:aegir ${PLATFORM}
chown aegir:www-data ${SITE}/settings.php && chmod 0440 ${SITE}/settings.php
chown aegir:www-data ${SITE}/files ${SITE}/private && chmod 2770 ${SITE}/files ${SITE}/private
printf 'uploaded\\n' > ${SITE}/files/upload.txt && chown www-data:www-data ${SITE}/files/upload.txt
printf 'secret\\n' > ${SITE}/private/x && chown www-data:www-data ${SITE}/private/x && chmod 0660 ${SITE}/private/x
ln -s site1.example.com ${PLATFORM}/web/sites/alias.example.com
`;

/** The same listing the seed compares (path, type, size, mode, owner, group, link), hashed. */
const LISTING = (path: string) =>
	`cd ${path} && find . -xdev -mindepth 1 \\( -path ./.aegir-pack-marker -prune \\) -o -type d -printf '%P d %m %U %G\\n' -o -printf '%P %y %s %m %U %G %l\\n' | LC_ALL=C sort | sha256sum`;

const movedAside = async (lab: Lab) => (await lab.exec('web0', `ls -d ${SHARE}.aegir-pack-moved-* 2>/dev/null`)).stdout.trim();
const seedLine = (stdout: string) => stepLines(stdout, 'nfs1').find(line => line.includes('seed /var/aegir/platforms'));

describe.skipIf(!canRunLab.ok)('seeding the share from the master, which held the platforms', () => {
	let lab: Lab;
	let server: AegirServer;
	useLabAndAegirServer({names: ['web0', 'nfs1', 'web1']}, (started, seeded) => {
		lab = started;
		server = seeded;
	});
	const apply = (extra: string[] = []) => runApply(lab, server, {master: 'web0', slaves: ['web1'], extra: ['--nfs-server', 'nfs1', '--move-aside', ...extra]});

	test('--dry-run shows the seed (from web0, through this machine, nothing deleted) and changes nothing', async () => {
		expect((await lab.exec('web0', PLATFORMS_ON_WEB0)).code).toBe(0);
		const before = await lab.checksumTree('web0', SHARE);
		const run = await apply(['--dry-run']);
		expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
		expect(seedLine(run.stdout)).toMatch(
			/changed .*would seed \/var\/aegir\/platforms \(empty\) from web0:\/var\/aegir\/platforms \(1 entries, with the sites' files\/ and private\/\), streamed through this machine \(no keys between hosts\), nothing deleted/,
		);
		expect(await lab.checksumTree('web0', SHARE)).toEqual(before);
		expect((await lab.exec('nfs1', `ls -A ${SHARE} 2>/dev/null`)).stdout).toBe('');
	}, 300_000);

	test('the apply seeds nfs1 with the same tree, then moves web0\'s copy aside (kept, as it was); every head reads the upload through the share', async () => {
		const before = await lab.checksumTree('web0', SHARE);
		const listing = (await lab.exec('web0', LISTING(PLATFORM))).stdout;
		const run = await apply();
		expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
		expect(seedLine(run.stdout)).toMatch(/\schanged\s.*seeded from web0: \d+ entries, listings equal/);
		expect((await lab.exec('nfs1', LISTING(PLATFORM))).stdout).toBe(listing);
		expect((await lab.exec('nfs1', `stat -c '%U:%G %a' ${SITE}/settings.php`)).stdout.trim()).toBe('aegir:www-data 440');
		const aside = await movedAside(lab);
		expect(aside).toMatch(/^\/var\/aegir\/platforms\.aegir-pack-moved-\d{8}-\d{6}$/);
		const kept = await lab.checksumTree('web0', aside);
		expect(Object.keys(kept).map(path => path.replace(aside, SHARE)).sort()).toEqual(Object.keys(before).sort());
		for (const head of ['web0', 'web1']) {
			expect((await lab.exec(head, `cat ${SITE}/files/upload.txt`)).stdout, head).toBe('uploaded\n');
			expect((await lab.exec(head, `findmnt -n -o TARGET ${SHARE}`)).stdout.trim(), head).toBe(SHARE);
		}
	}, 300_000);

	test('a second run: the share already holds the platforms; the moved-aside copy is left as it is', async () => {
		const aside = await movedAside(lab);
		const kept = await lab.checksumTree('web0', aside);
		const run = await apply();
		expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
		expect(seedLine(run.stdout)).toMatch(/\sok\s.*already holds the platforms/);
		expect(await lab.checksumTree('web0', aside)).toEqual(kept);
	}, 300_000);
});

describe.skipIf(!canRunLab.ok)("refusing to choose between two different trees; this machine's platforms come by the code sync", () => {
	let lab: Lab;
	let server: AegirServer;
	useLabAndAegirServer({names: ['web0', 'nfs1', 'web1']}, (started, seeded) => {
		lab = started;
		server = seeded;
	});
	const apply = () => runApply(lab, server, {master: 'web0', slaves: ['web1'], extra: ['--nfs-server', 'nfs1', '--move-aside']});

	test('web0 and nfs1 both hold platforms and they differ: the run stops there, neither is changed', async () => {
		expect((await lab.exec('web0', `mkdir -p ${SHARE}/p && echo a > ${SHARE}/p/a.txt`)).code).toBe(0);
		expect((await lab.exec('nfs1', `mkdir -p ${SHARE}/q && echo b > ${SHARE}/q/b.txt && chown -R aegir: ${SHARE}`)).code).toBe(0);
		const [web0, nfs1] = [await lab.checksumTree('web0', SHARE), await lab.checksumTree('nfs1', SHARE)];
		const run = await apply();
		expect(run.code).toBe(1);
		expect(run.stdout).toContain('web0:/var/aegir/platforms and nfs1:/var/aegir/platforms both hold platforms and differ: not choosing between them. Move one aside, then run again.');
		expect(await lab.checksumTree('web0', SHARE)).toEqual(web0);
		expect(await lab.checksumTree('nfs1', SHARE)).toEqual(nfs1);
	}, 300_000);

	test("with nothing on web0, nfs1's empty export gets this machine's platforms by web0's code sync (no seed: provision's filters apply)", async () => {
		expect((await lab.exec('web0', `rm -rf ${SHARE}/p`)).code).toBe(0);
		expect((await lab.exec('nfs1', `rm -rf ${SHARE}/q`)).code).toBe(0);
		const run = await apply();
		expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
		expect(seedLine(run.stdout)).toMatch(/\sok\s.*nothing to seed/);
		expect(await lab.readFile('nfs1', `${SHARE}/drupal-10/web/index.php`)).toBe('<?php\n// Drupal 10 platform (aegir-pack lab)\n');
		expect((await lab.exec('web1', `cat ${SHARE}/drupal-10/web/index.php`)).stdout).toBe('<?php\n// Drupal 10 platform (aegir-pack lab)\n');
	}, 300_000);
});
