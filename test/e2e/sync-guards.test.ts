// Issue 10, point 3 on the lab: a sync never starts from a source that only
// looks empty (an empty directory, or a mount point fstab names that is not
// mounted), every path it would delete is listed first, and more deletions
// than the limit stop it with the flag that raises the limit named.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {applyArgs, parseRecap, prepareHeads, removeAegirServer, runApply, seedAegirServer, SHARE, stepLines, type AegirServer} from './helpers/apply-run.js';
import {makeAegirServerHost, hostFileFlags, type AegirServerHost} from './helpers/aegir-server-host.js';
import {runCli} from './helpers/cli.js';
import {canRunLab, startLab, type Lab} from './helpers/lab.js';

const PACK = ['master', 'web1'];
const WEB = `${SHARE}/drupal-10/web`;

if (!canRunLab.ok) console.warn(`[e2e] skipping the sync guard tests: ${canRunLab.reason}`);

describe.skipIf(!canRunLab.ok)('sync guards: sources that only look empty, deletions listed and limited', () => {
	let lab: Lab;
	let server: AegirServer;
	let cliHost: AegirServerHost;

	beforeAll(async () => {
		lab = await startLab({names: [...PACK, 'ctl']});
		await prepareHeads(lab);
		server = seedAegirServer(PACK);
		const first = await runApply(lab, server, {slaves: ['web1']});
		expect(first.code, first.stdout + first.stderr).toBe(0);
	});
	afterAll(async () => {
		try {
			await lab?.down();
		} finally {
			removeAegirServer(server);
		}
	});

	test('an empty platforms dir is refused: nothing is synced from it, the share is untouched', async () => {
		const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'aegir-pack-empty-'));
		try {
			const before = await lab.checksumTree('master', SHARE);
			const args = applyArgs(lab, server, {slaves: ['web1']}).map(arg => (arg === server.platformsDir ? empty : arg));
			const result = await runCli(args, {env: {CI: 'true'}, timeoutMs: 120_000});
			expect(result.code, result.stdout + result.stderr).toBe(1);
			expect(stepLines(result.stdout, 'master').find(line => line.includes('platform and site code'))).toContain(
				`${empty} is empty on this machine: refusing to sync from it`,
			);
			expect(await lab.checksumTree('master', SHARE)).toEqual(before);
		} finally {
			fs.rmSync(empty, {recursive: true, force: true});
		}
	});

	test('a source under an fstab mount point that is not mounted is refused, naming the mount', async () => {
		// The CLI runs on ctl (this machine's /etc/fstab is never touched): as an Aegir server without drush,
		// whose platforms live on a disk /etc/fstab names but that is not mounted, with stale files under it.
		cliHost = await makeAegirServerHost(lab, 'ctl', PACK);
		const setup = await lab.exec(
			'ctl',
			`set -e
rm -f /usr/local/bin/drush && rm -rf /var/aegir/.drush
echo 'tmpfs /srv/aegir tmpfs defaults 0 0' >> /etc/fstab
mkdir -p /srv/aegir/platforms/drupal-10/web /srv/aegir-config/server_master
echo '<?php // stale, under the mount point' > /srv/aegir/platforms/drupal-10/web/index.php`,
		);
		expect(setup.code, setup.stderr).toBe(0);
		const before = await lab.checksumTree('master', SHARE);
		const result = await cliHost.cli([
			...hostFileFlags(),
			...['--name', 'pack.example.com', '--master', 'master', '--slave', 'web1', '--subnet', '127.0.1.0/24', '--yes'],
			...['--config-dir', '/srv/aegir-config', '--platforms-dir', '/srv/aegir/platforms'],
		]);
		expect(result.code, result.stdout + result.stderr).toBe(1);
		expect(result.stdout).toContain(
			'/srv/aegir/platforms is under /srv/aegir, an /etc/fstab mount point that is not mounted: an unmounted disk looks empty (or holds stale files), ' +
				'and syncing from it would empty the copies. Mount it (mount /srv/aegir), then run again.',
		);
		expect(await lab.checksumTree('master', SHARE)).toEqual(before);
	});

	test('--dry-run lists every path a sync would delete, and deletes nothing', async () => {
		await lab.exec('master', `for n in 1 2 3; do runuser -u aegir -- sh -c "echo old > ${WEB}/old-$n.php"; done`);
		const result = await runApply(lab, server, {slaves: ['web1'], extra: ['--dry-run']});
		expect(result.code, result.stdout + result.stderr).toBe(0);
		const listed = result.stdout.split('\n').filter(line => line.includes('would delete on master:'));
		expect(listed).toEqual([1, 2, 3].map(n => `master    | would delete on master: ${WEB}/old-${n}.php`));
		for (const n of [1, 2, 3]) expect(await lab.readFile('master', `${WEB}/old-${n}.php`)).toBe('old\n');
	});

	test('more deletions than --max-delete stop the sync, naming the flag; a higher limit lets it through; uploads stay', async () => {
		await lab.exec('master', `runuser -u aegir -- sh -c 'mkdir -p ${WEB}/stale && for n in $(seq 1 120); do echo x > ${WEB}/stale/$n.txt; done'`);
		await lab.exec('master', `runuser -u www-data -- sh -c 'echo up > ${WEB}/sites/site1.example.com/files/upload.txt'`);
		const stopped = await runApply(lab, server, {slaves: ['web1']});
		expect(stopped.code, stopped.stdout + stopped.stderr).toBe(1);
		const line = stepLines(stopped.stdout, 'master').find(step => step.includes('platform and site code')) ?? '';
		expect(line).toMatch(/\sfailed\s/);
		// 120 files, their directory and the three old files.
		expect(line).toContain('would delete 124 path(s) on master (listed), more than --max-delete 100');
		expect(line).toContain('run again with --max-delete 124');
		expect(stopped.stdout).toContain(`would delete on master: ${WEB}/stale/120.txt`);
		expect((await lab.exec('master', `ls ${WEB}/stale | wc -l`)).stdout.trim()).toBe('120');
		expect(parseRecap(stopped.stdout)['web1']).toMatchObject({failed: 0});

		const through = await runApply(lab, server, {slaves: ['web1'], extra: ['--max-delete', '200']});
		expect(through.code, through.stdout + through.stderr).toBe(0);
		expect((await lab.exec('master', `test -e ${WEB}/stale`)).code).not.toBe(0);
		expect((await lab.exec('master', `test -e ${WEB}/old-1.php`)).code).not.toBe(0);
		expect(await lab.readFile('master', `${WEB}/sites/site1.example.com/files/upload.txt`)).toBe('up\n');
	});
});
