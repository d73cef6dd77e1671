// SIGTERM and SIGHUP stop a run as Ctrl-C does, on the lab: each host finishes
// the command it is running and stops; every file the run edits is still valid
// (fstab verifies, no temporary file left beside it); the exit code is 143 or
// 129; the next run finishes the job. In a terminal, SIGHUP (the terminal is
// gone) takes the screen down and the run still ends the same way, its host logs complete.
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {applyArgs, parseRecap, runApply, startApply, type AegirServer, useLabAndAegirServer} from './helpers/apply-run.js';
import {spawnCliPty} from './helpers/cli.js';
import {canRunLab, type Lab} from './helpers/lab.js';

const HOSTS = ['master', 'web1', 'web2'];

/** Files the run's safe edits leave behind if cut short: `.NAME.aegir-pack.XXXXXX` temporaries. */
async function leftovers(lab: Lab, host: string): Promise<string> {
	const result = await lab.exec(host, "find /etc /var/aegir -xdev -name '.*.aegir-pack.*' -print");
	return result.stdout.trim();
}

async function expectHostsValid(lab: Lab): Promise<void> {
	for (const host of HOSTS) {
		const verify = await lab.exec(host, 'findmnt --verify --tab-file /etc/fstab');
		expect(verify.code, `${host}: ${verify.stdout}${verify.stderr}`).toBe(0);
		expect(await leftovers(lab, host), host).toBe('');
	}
}

/** The newest run's log directory under the store. */
function newestLogDir(server: AegirServer): string {
	const logs = path.join(server.storeDir, 'logs');
	const runs = fs.readdirSync(logs).sort();
	return path.join(logs, runs.at(-1)!);
}

describe.skipIf(!canRunLab.ok)('stopped by a signal', () => {
	let lab: Lab;
	let server: AegirServer;

	useLabAndAegirServer({names: HOSTS}, (started, seeded) => {
		lab = started;
		server = seeded;
	});

	test('SIGTERM mid-run (a fresh pack: packages, exports, mounts): each host stops after its current command, exit 143, files valid; the next run finishes', async () => {
		const run = startApply(lab, server);
		await run.waitFor(/^web1\s+\d+\/\d+ /m);
		run.kill('SIGTERM');
		const result = await run.done;
		expect(result.code, result.stdout + result.stderr).toBe(143);
		expect(result.stderr).toContain('Terminated (SIGTERM): each host stops after its current command');
		expect(result.stdout).toContain('interrupted');
		expect(result.stdout).toMatch(/^exit 143: terminated \(SIGTERM\)/m);
		await expectHostsValid(lab);

		const again = await runApply(lab, server);
		expect(again.code, again.stdout + again.stderr).toBe(0);
		expect(Object.values(parseRecap(again.stdout)).every(row => row.failed === 0 && row.skipped === 0)).toBe(true);
		await expectHostsValid(lab);
	});

	// web2 does not answer (its packets dropped): the run cannot be over when the signal comes.
	test('SIGHUP while a host is still being connected to: the run stops the same way, exit 129, files valid', async () => {
		await lab.fault.unreachable('web2', 'drop');
		try {
			const run = startApply(lab, server);
			await run.waitFor(/^aegir-pack: applying to 3 hosts/m);
			run.kill('SIGHUP');
			const result = await run.done;
			expect(result.code, result.stdout + result.stderr).toBe(129);
			expect(result.stderr).toContain('Hung up (SIGHUP): each host stops after its current command');
			expect(result.stdout).toMatch(/^exit 129: the terminal hung up \(SIGHUP\)/m);
		} finally {
			await lab.fault.reachable('web2');
		}
		await expectHostsValid(lab);
	});

	test('SIGHUP to a run in a terminal: the screen is taken down, the run stops the same way, exit 129, host logs complete', async () => {
		await lab.fault.unreachable('web2', 'drop');
		try {
			const session = spawnCliPty(applyArgs(lab, server));
			try {
				// The run screen is up (its title line offers Ctrl-C).
				await session.waitFor('Ctrl-C stops', 60_000);
				process.kill(session.pid, 'SIGHUP');
				expect(await session.exit).toBe(129);
			} finally {
				session.kill();
			}
		} finally {
			await lab.fault.reachable('web2');
		}
		const logDir = newestLogDir(server);
		for (const host of HOSTS) {
			const log = fs.readFileSync(path.join(logDir, `${host}.log`), 'utf8');
			expect(log.trimEnd().split('\n').at(-1), host).toMatch(/\] finished: (ok|failed);/);
		}
		await expectHostsValid(lab);
	});
});
