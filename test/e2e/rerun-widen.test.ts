// Adding a slave whose address the export does not cover. The pack's subnet is
// 127.0.1.0/30 (master .1, web1 .2, web2 .3); web3 is 127.0.1.4. Without
// --widen-export the command refuses, naming the host, its address and the
// subnet, and nothing connects anywhere. With it, the review shows the exports
// drop-in diff, nothing runs until the user agrees (--yes, or Confirm on the
// review in a terminal), and then the NFS server gets exactly that diff
// (+ exportfs -ra) and nothing else.
import fs from 'node:fs';
import {describe, expect, test} from 'vitest';
import {
	EXPORTS_DROP_IN,
	parseRecap,
	runApply,
	SHARE,
	snapshot,
	stepLines,
	type AegirServer,
	useLabAndAegirServer,
} from './helpers/apply-run.js';
import {canRunLab, type Lab} from './helpers/lab.js';
import {spawnCliPty} from './helpers/cli.js';
import {addSlaveArgs, printedDiffs, runAddSlave, savedPack, storeFile, watchSshd} from './helpers/rerun.js';

const HOSTS = ['master', 'web1', 'web2', 'web3'];
const SUBNET = '127.0.1.0/30';
const OPTIONS = 'rw,sync,no_subtree_check';
const WIDENED_LINE = `${SHARE} 127.0.1.4/32(${OPTIONS})`;

describe.skipIf(!canRunLab.ok)('add-slave outside the export subnet', () => {
	let lab: Lab;
	let server: AegirServer;

	useLabAndAegirServer({names: HOSTS}, (started, seeded) => {
		lab = started;
		server = seeded;
	});

	test(`the pack (master, web1, web2) is applied with the subnet ${SUBNET} only`, async () => {
		const result = await runApply(lab, server, {subnets: [SUBNET]});
		expect(result.code, result.stdout + result.stderr).toBe(0);
		expect(savedPack(server).subnets).toEqual([SUBNET]);
		expect((await lab.readFile('master', EXPORTS_DROP_IN)) ?? '').toContain(`${SHARE} ${SUBNET}(${OPTIONS})`);
	});

	test('without --widen-export: exit 2, the host, its address and the subnet named; no host connected to, nothing saved', async () => {
		const etc = await snapshot(lab, HOSTS);
		const store = fs.readFileSync(storeFile(server), 'utf8');
		const sshd = await watchSshd(lab, HOSTS);
		const result = await runAddSlave(lab, server, ['web3']);
		expect(result.code, result.stdout + result.stderr).toBe(2);
		expect(result.stderr).toMatch(/web3/);
		expect(result.stderr).toContain('127.0.1.4');
		expect(result.stderr).toContain(SUBNET);
		expect(result.stderr).toContain('--widen-export');
		expect(await sshd.contacted()).toEqual([]);
		expect(await snapshot(lab, HOSTS)).toEqual(etc);
		expect(fs.readFileSync(storeFile(server), 'utf8')).toBe(store);
	});

	test('with --widen-export but not yet agreed (no --yes): the review shows exactly the drop-in diff, exit 2, nothing runs', async () => {
		const sshd = await watchSshd(lab, HOSTS);
		const result = await runAddSlave(lab, server, ['web3'], ['--widen-export']);
		expect(result.code, result.stdout + result.stderr).toBe(2);
		expect(result.stderr).toContain('--yes');
		expect(result.stdout).toContain('web1, web2: untouched');
		expect(printedDiffs(result.stdout, EXPORTS_DROP_IN)).toEqual([{added: [WIDENED_LINE], removed: []}]);
		expect(await sshd.contacted()).toEqual([]);
		expect(savedPack(server).subnets).toEqual([SUBNET]);
	});

	test('in a terminal: the review asks, showing the widening and exactly that diff; Cancel runs nothing (exit 130)', async () => {
		const sshd = await watchSshd(lab, HOSTS);
		// Tall enough that the whole review (lines, agreement, diff) fits without scrolling.
		const session = spawnCliPty(addSlaveArgs(lab, server, ['web3'], []), {cols: 100, rows: 40});
		const key = async (data: string, shows: RegExp) => {
			session.write(data);
			await session.waitFor(shows);
			await new Promise(resolve => setTimeout(resolve, 50));
		};
		try {
			await session.waitFor('Confirm widens the export to 127.0.1.4/32', 30_000);
			const review = session.screen();
			expect(review).toContain('web1, web2: untouched');
			expect(review).toContain(`+${WIDENED_LINE}`);
			expect(review.split('\n').filter(line => /^\W*[+-]\//.test(line))).toHaveLength(1);
			expect(review).toContain('[Confirm]');
			await key('\u001B[C', /\[Back\]/);
			await key('\u001B[C', /\[Cancel\]/);
			session.write('\r');
			expect(await session.exit, session.screen()).toBe(130);
		} finally {
			session.kill();
		}
		expect(await sshd.contacted()).toEqual([]);
		expect(savedPack(server).subnets).toEqual([SUBNET]);
	});

	test('with --widen-export --yes: the NFS server gets only that diff and exportfs -ra; web1/web2 untouched; web3 mounts', async () => {
		const dropInBefore = (await lab.readFile('master', EXPORTS_DROP_IN)) ?? '';
		const masterBefore = await lab.checksumTree('master', '/etc');
		const others = await snapshot(lab, ['web1', 'web2']);
		const sshd = await watchSshd(lab, HOSTS);

		const result = await runAddSlave(lab, server, ['web3'], ['--widen-export', '--yes']);
		expect(result.code, result.stdout + result.stderr).toBe(0);
		// The review agreed to, and what the master's step reports it wrote: the same one line.
		expect(printedDiffs(result.stdout, EXPORTS_DROP_IN)).toEqual([{added: [WIDENED_LINE], removed: []}]);
		expect(printedDiffs(result.stdout, EXPORTS_DROP_IN, 'master')).toEqual([{added: [WIDENED_LINE], removed: []}]);
		expect(Object.keys(parseRecap(result.stdout)).sort()).toEqual(['master', 'web3']);

		// On the master: the drop-in gained that one line; the only other new file under /etc is its backup.
		const dropInAfter = (await lab.readFile('master', EXPORTS_DROP_IN)) ?? '';
		expect(dropInAfter).toBe(`${dropInBefore}${WIDENED_LINE}\n`);
		const masterAfter = await lab.checksumTree('master', '/etc');
		const changed = [...new Set([...Object.keys(masterBefore), ...Object.keys(masterAfter)])].filter(file => masterBefore[file] !== masterAfter[file]);
		const backups = changed.filter(file => file.startsWith(`${EXPORTS_DROP_IN}.aegir-pack-`) && file.endsWith('.bak'));
		expect(changed.filter(file => !backups.includes(file))).toEqual([EXPORTS_DROP_IN]);
		for (const backup of backups) expect(await lab.readFile('master', backup)).toBe(dropInBefore);
		// Its steps: get in, write the drop-in, exportfs -ra. No packages, fstab or code sync.
		const masterSteps = stepLines(result.stdout, 'master').join('\n');
		expect(masterSteps).not.toMatch(/packages|fstab|code/);
		const exportfs = await lab.exec('master', 'exportfs -v');
		expect(exportfs.stdout).toMatch(/127\.0\.1\.4(\/32)?\(/);
		expect(exportfs.stdout).toMatch(/127\.0\.1\.0\/30\(/);

		expect(await sshd.contacted()).toEqual(['master', 'web3']);
		expect(await snapshot(lab, ['web1', 'web2'])).toEqual(others);

		expect((await lab.exec('web3', `findmnt -n -o TARGET ${SHARE}`)).stdout).toBe(`${SHARE}\n`);
		const listed = await lab.exec('web3', `timeout 10 nfs-ls nfs://master${SHARE}`);
		expect(listed.code, listed.stderr).toBe(0);
		expect(listed.stdout).toContain('.aegir-pack-marker');

		const pack = savedPack(server);
		expect(pack.subnets).toEqual([SUBNET, '127.0.1.4/32']);
		expect(pack.slaves.map(slave => slave.name)).toEqual(['web1', 'web2', 'web3']);
	});
});
