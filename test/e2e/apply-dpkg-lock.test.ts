// Another apt or dpkg holding the lock on a host: the install waits with a
// visible countdown and carries on when the lock is released, or fails clearly
// at the --lock-wait limit with nothing installed.
import {describe, expect, test} from 'vitest';
import {parseRecap, runApply, startApply, stepLines, type AegirServer, useLabAndAegirServer} from './helpers/apply-run.js';
import {canRunLab, type Lab} from './helpers/lab.js';

const HOSTS = ['master', 'web1'];
// Single quotes keep ${Status} for dpkg-query, not the shell.
const NFS_COMMON_STATUS = "dpkg-query -W -f='${Status}' nfs-common 2>/dev/null || true";

describe.skipIf(!canRunLab.ok)('apply while dpkg is locked on web1', () => {
	let lab: Lab;
	let server: AegirServer;

	useLabAndAegirServer({names: HOSTS}, (started, seeded) => {
		lab = started;
		server = seeded;
	});

	test('at the --lock-wait limit the host fails with a clear message and nothing is installed', async () => {
		const release = await lab.fault.holdDpkgLock('web1');
		try {
			const result = await runApply(lab, server, {slaves: ['web1'], extra: ['--lock-wait', '3']});
			const output = result.stdout + result.stderr;
			expect(result.code, output).toBe(1);
			expect(output).toMatch(/web1 .*holds the dpkg lock; waiting up to 3s/);
			const failed = stepLines(result.stdout, 'web1').find(line => /\sfailed\s/.test(line)) ?? '';
			expect(failed, output).toMatch(/packages/);
			expect(output).toMatch(/still holds the dpkg lock after 3s; nothing was installed/);
			expect(parseRecap(result.stdout)['master']?.failed).toBe(0);
			expect((await lab.exec('web1', NFS_COMMON_STATUS)).stdout).not.toContain('install ok installed');
		} finally {
			await release();
		}
	});

	test('a lock released while waiting: the install goes on and the host completes', async () => {
		const release = await lab.fault.holdDpkgLock('web1');
		const run = startApply(lab, server, {slaves: ['web1'], extra: ['--lock-wait', '60']});
		try {
			await run.waitFor(/web1 .*holds the dpkg lock; waiting up to 60s/);
		} finally {
			await release();
		}
		const result = await run.done;
		expect(result.code, result.stdout + result.stderr).toBe(0);
		expect(parseRecap(result.stdout)['web1']).toMatchObject({failed: 0, skipped: 0});
		expect((await lab.exec('web1', NFS_COMMON_STATUS)).stdout).toContain('install ok installed');
	});

	test('--lock-wait that is not a number of seconds is refused before anything runs', async () => {
		const result = await runApply(lab, server, {slaves: ['web1'], extra: ['--lock-wait', '-5']});
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('--lock-wait');
	});
});
