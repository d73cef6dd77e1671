// Exports no wider than the pack, on the lab: a wide subnet is refused without
// consent (exit 2, the subnet and how many addresses named) and asked about in
// a terminal; a system directory as the export path and a store holding
// no_root_squash are refused before any host is contacted.
import fs from 'node:fs';
import {stripVTControlCharacters} from 'node:util';
import {describe, expect, test} from 'vitest';
import {applyArgs, EXPORTS_DROP_IN, PACK_NAME, runApply, snapshot, type AegirServer, useLabAndAegirServer} from './helpers/apply-run.js';
import {runCli, spawnCliPty} from './helpers/cli.js';
import {canRunLab, type Lab} from './helpers/lab.js';
import {runAddSlave, runStatus, storeFile, watchSshd} from './helpers/rerun.js';

const HOSTS = ['master', 'web1', 'web2'];
const WIDE = '127.0.0.0/16';

describe.skipIf(!canRunLab.ok)('exports no wider than the pack', () => {
	let lab: Lab;
	let server: AegirServer;

	useLabAndAegirServer({names: HOSTS}, (started, seeded) => {
		lab = started;
		server = seeded;
	});

	test(`--subnet ${WIDE} without --allow-wide-export: exit 2 naming it and its 65,536 addresses; no host contacted, nothing saved`, async () => {
		const sshd = await watchSshd(lab, HOSTS);
		const result = await runApply(lab, server, {subnets: [WIDE]});
		expect(result.code, result.stdout + result.stderr).toBe(2);
		expect(result.stderr).toMatch(/^--subnet 127\.0\.0\.0\/16: 65,536 addresses may mount \/var\/aegir\/platforms \(wider than \/24\);.*--allow-wide-export$/m);
		expect(await sshd.contacted()).toEqual([]);
		expect(fs.existsSync(storeFile(server))).toBe(false);
	});

	test('with --allow-wide-export the same run goes ahead (a dry run here), the review saying the wide export was accepted', async () => {
		const result = await runApply(lab, server, {subnets: [WIDE], extra: ['--allow-wide-export', '--dry-run']});
		expect(result.code, result.stdout + result.stderr).toBe(0);
		expect(result.stdout).toContain(`Warning: wide export accepted: ${WIDE} (65,536 addresses)`);
	});

	test('in a terminal the wizard asks, saying how many addresses may mount the share; n goes back, and nothing is saved', async () => {
		const args = [...applyArgs(lab, server, {subnets: [WIDE]}).filter(arg => arg !== '--yes'), '--nfs-server', 'master'];
		const storeBefore = fs.existsSync(storeFile(server)) ? fs.readFileSync(storeFile(server), 'utf8') : undefined;
		const sshd = await watchSshd(lab, HOSTS);
		const session = spawnCliPty(args);
		try {
			await session.waitFor(`Review pack ${PACK_NAME}`, 30_000);
			session.write('\r');
			await session.waitFor('65,536 addresses');
			expect(stripVTControlCharacters(session.screen()).replaceAll(/\s+/g, ' ')).toContain(`${WIDE} lets 65,536 addresses mount /var/aegir/platforms read-write`);
			session.write('n');
			await session.waitFor('[Confirm]');
			// Back on the export step, Enter twice: asked again.
			session.write('\u001B');
			await session.waitFor('Export path and subnets');
			session.write('\r');
			await session.waitFor('> NFS subnets');
			session.write('\r');
			await session.waitFor('Export that wide?');
			session.write('n');
			await session.waitFor('Enter next');
			session.write('\u0003');
			expect(await session.exit).toBe(130);
		} finally {
			session.kill();
		}
		expect(await sshd.contacted()).toEqual([]);
		expect(fs.existsSync(storeFile(server)) ? fs.readFileSync(storeFile(server), 'utf8') : undefined).toBe(storeBefore);
	});

	test('an export path inside a system tree exits 2 naming the flag; no host contacted', async () => {
		const sshd = await watchSshd(lab, HOSTS);
		const result = await runCli([...applyArgs(lab, server), '--export-path', '/usr/local/sbin'], {env: {CI: 'true'}});
		expect(result.code, result.stdout + result.stderr).toBe(2);
		expect(result.stderr).toMatch(/^--export-path \/usr\/local\/sbin: \/usr\/local\/sbin is inside a system directory/m);
		expect(await sshd.contacted()).toEqual([]);
	});

	test('a store holding no_root_squash is refused on load (exit 1, named); no host contacted, the drop-in and the file unchanged', async () => {
		const applied = await runApply(lab, server, {slaves: ['web1']});
		expect(applied.code, applied.stdout + applied.stderr).toBe(0);
		const dropIn = await lab.readFile('master', EXPORTS_DROP_IN);
		expect(dropIn).toContain('(rw,sync,no_subtree_check)');
		const edited = fs.readFileSync(storeFile(server), 'utf8').replace('"rw,sync,no_subtree_check"', '"rw,sync,no_subtree_check,no_root_squash"');
		fs.writeFileSync(storeFile(server), edited);
		const etc = await snapshot(lab, HOSTS);
		const sshd = await watchSshd(lab, HOSTS);

		const add = await runAddSlave(lab, server, ['web2']);
		expect(add.code, add.stdout + add.stderr).toBe(1);
		expect(add.stderr).toContain('packs[0].exportOptions: no_root_squash is refused: any root in the subnets would be root on the share');
		const status = await runStatus(lab, server);
		expect(status.code).toBe(1);
		expect(status.stderr).toContain('no_root_squash is refused');

		expect(await sshd.contacted()).toEqual([]);
		expect(await snapshot(lab, HOSTS)).toEqual(etc);
		expect(await lab.readFile('master', EXPORTS_DROP_IN)).toBe(dropIn);
		expect(fs.readFileSync(storeFile(server), 'utf8')).toBe(edited);
	});
});
