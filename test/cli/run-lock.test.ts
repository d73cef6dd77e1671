// One run per pack: a save or a run on a pack another aegir-pack process is
// working on fails at once, naming that process; a lock of a process that is
// gone is taken over.
import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {hostname} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeAll, describe, expect, test, vi} from 'vitest';
import {processStart} from '../../source/pack/lock-file.js';
import {assertBuilt, runCli, workspace} from './run-cli.js';

vi.setConfig({testTimeout: 60_000});

let space: ReturnType<typeof workspace>;
beforeAll(() => assertBuilt());
afterEach(() => space?.cleanup());

const PACK = 'pack.example.com';
const packFlags = ['--name', PACK, '--host', 'web1=root@10.0.5.10', '--host', 'web2=root@10.0.5.11', '--master', 'web1', '--slave', 'web2', '--yes'];
const lockFile = (storeDir: string) => join(storeDir, 'locks', `${PACK}.lock`);

function holdLock(storeDir: string, pid: number, purpose: string): void {
	mkdirSync(join(storeDir, 'locks'), {recursive: true});
	const start = processStart(pid);
	const owner = {pid, host: hostname(), startedAt: '2026-12-02T04:31:10.000Z', ...(start ? {processStart: start} : {}), purpose};
	writeFileSync(lockFile(storeDir), JSON.stringify(owner));
}

describe('the run lock of a pack', () => {
	test('--save-only of a pack another run holds exits 1 naming its pid and start time; the store is left as it was', async () => {
		space = workspace();
		const args = ['--store-dir', space.storeDir, '--ssh-config', space.sshConfig];
		holdLock(space.storeDir, process.pid, `add-slave ${PACK} web3`);
		const result = await runCli([...args, ...packFlags, '--save-only']);
		expect(result.code).toBe(1);
		expect(result.stderr).toContain(
			`pack ${PACK} is in use by another aegir-pack run: pid ${process.pid} on ${hostname()}, started 2026-12-02 04:31:10Z (add-slave ${PACK} web3)`,
		);
		expect(existsSync(join(space.storeDir, 'config.json')) ? JSON.parse(readFileSync(join(space.storeDir, 'config.json'), 'utf8')).packs : []).toEqual([]);
	});

	test('add-slave and remove-slave on a held pack exit 1 before connecting to anything', async () => {
		space = workspace();
		const args = ['--store-dir', space.storeDir, '--ssh-config', space.sshConfig];
		expect((await runCli([...args, ...packFlags, '--save-only'])).code).toBe(0);
		holdLock(space.storeDir, process.pid, 'apply');
		// Port 1 on loopback: nothing listens; the lock must refuse before any connection is tried.
		const add = await runCli([...args, 'add-slave', PACK, 'web9', '--host', 'web9=root@127.0.0.1:1', '--widen-export', '--yes']);
		expect(add.code).toBe(1);
		expect(add.stderr).toContain(`is in use by another aegir-pack run: pid ${process.pid}`);
		expect(add.stdout + add.stderr).not.toMatch(/Cannot connect|connection refused/i);
		const remove = await runCli([...args, 'remove-slave', PACK, 'web2', '--yes']);
		expect(remove.code).toBe(1);
		expect(remove.stderr).toContain(`is in use by another aegir-pack run: pid ${process.pid}`);
	});

	test('a lock left by a process that is gone is taken over, and released when the command ends', async () => {
		space = workspace();
		const args = ['--store-dir', space.storeDir, '--ssh-config', space.sshConfig];
		const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
		holdLock(space.storeDir, dead, 'killed run');
		const result = await runCli([...args, ...packFlags, '--save-only']);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(existsSync(lockFile(space.storeDir))).toBe(false);
	});
});
