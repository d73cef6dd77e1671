// Re-run commands refuse bad input before anything connects: exit 2, the
// reason on stderr, the store untouched. (Every case here stops before SSH.)
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeAll, describe, expect, test, vi} from 'vitest';
import {assertBuilt, cliEnv, runCli, workspace} from './run-cli.js';

vi.setConfig({testTimeout: 60_000});

let space: ReturnType<typeof workspace>;
beforeAll(() => assertBuilt());
afterEach(() => space?.cleanup());

/** A saved pack of master + web1 on 127.0.1.0/30 (saved only: no host contacted). */
async function savedPack() {
	space = workspace();
	const files = ['--store-dir', space.storeDir, '--ssh-config', space.sshConfig];
	const saved = await runCli([
		...files,
		'--name', 'pack.example.com',
		'--host', 'master=root@127.0.1.1',
		'--host', 'web1=root@127.0.1.2',
		'--master', 'master',
		'--slave', 'web1',
		'--subnet', '127.0.1.0/30',
		'--yes', '--save-only',
	], cliEnv());
	expect(saved.code).toBe(0);
	const store = () => readFileSync(join(space.storeDir, 'config.json'), 'utf8');
	return {files, store};
}

describe('re-run commands refuse bad input before connecting (exit 2, store unchanged)', () => {
	test('an unknown command is named', async () => {
		space = workspace();
		const result = await runCli(['frobnicate', '--store-dir', space.storeDir], cliEnv());
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/^Unknown command: frobnicate \(commands: add-slave, remove-slave, status, export;/);
	});

	test('an unknown pack lists the saved ones, for every command', async () => {
		const {files} = await savedPack();
		for (const command of [['add-slave', 'nope', 'web3'], ['remove-slave', 'nope', 'web1'], ['status', 'nope']]) {
			const result = await runCli([...command, ...files], cliEnv());
			expect(result.code).toBe(2);
			expect(result.stderr).toContain('No saved pack named nope (saved packs: pack.example.com).');
		}
	});

	test('add-slave: an unknown host says how to define it', async () => {
		const {files, store} = await savedPack();
		const before = store();
		const result = await runCli(['add-slave', 'pack.example.com', 'ghost', ...files, '--yes'], cliEnv());
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('no host named ghost: define it with --host ghost=user@address:port');
		expect(store()).toBe(before);
	});

	test('add-slave: a host already in the pack is refused', async () => {
		const {files} = await savedPack();
		const result = await runCli(['add-slave', 'pack.example.com', 'web1', ...files, '--yes'], cliEnv());
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('web1 is already in pack pack.example.com');
	});

	test('add-slave: an address outside the subnets is refused naming the subnet, unless --widen-export', async () => {
		const {files, store} = await savedPack();
		const before = store();
		const result = await runCli(['add-slave', 'pack.example.com', 'web9', '--host', 'web9=root@127.0.1.9', ...files, '--yes'], cliEnv());
		expect(result.code).toBe(2);
		expect(result.stderr).toContain("web9 (127.0.1.9) is outside pack pack.example.com's subnets 127.0.1.0/30: nothing was run.");
		expect(result.stderr).toContain('Give --widen-export to export /var/aegir/platforms to 127.0.1.9/32 as well');
		expect(store()).toBe(before);
	});

	test('add-slave without --yes prints the review (untouched hosts named) and runs nothing', async () => {
		const {files, store} = await savedPack();
		const before = store();
		const result = await runCli(['add-slave', 'pack.example.com', 'web3', '--host', 'web3=root@127.0.1.3', ...files], cliEnv());
		expect(result.code).toBe(2);
		expect(result.stdout).toMatch(/master, web1: untouched/);
		expect(result.stderr).toContain('add --yes');
		expect(store()).toBe(before);
	});

	test('remove-slave: the master is not a slave; a second host is refused; no --yes runs nothing', async () => {
		const {files, store} = await savedPack();
		const before = store();
		const master = await runCli(['remove-slave', 'pack.example.com', 'master', ...files, '--yes'], cliEnv());
		expect(master.code).toBe(2);
		expect(master.stderr).toContain('master is the master of pack pack.example.com, not a slave');
		const two = await runCli(['remove-slave', 'pack.example.com', 'web1', 'master', ...files, '--yes'], cliEnv());
		expect(two.code).toBe(2);
		expect(two.stderr).toMatch(/^Remove one slave at a time/);
		const unconfirmed = await runCli(['remove-slave', 'pack.example.com', 'web1', ...files], cliEnv());
		expect(unconfirmed.code).toBe(2);
		expect(unconfirmed.stdout).toContain('web1');
		expect(unconfirmed.stderr).toContain('add --yes');
		expect(store()).toBe(before);
	});

	test('status --watch without a terminal is refused', async () => {
		const {files} = await savedPack();
		const result = await runCli(['status', 'pack.example.com', '--watch', ...files], cliEnv());
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/terminal/);
	});
});
