import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeAll, describe, expect, test, vi} from 'vitest';
import {assertBuilt, cliEnv, runCli, workspace} from './run-cli.js';

// Each test starts Node once or twice: slow when the machine is busy.
vi.setConfig({testTimeout: 30_000});

let space: ReturnType<typeof workspace>;
beforeAll(() => assertBuilt());
afterEach(() => space?.cleanup());

const base = () => {
	space = workspace();
	return ['--store-dir', space.storeDir, '--ssh-config', space.sshConfig];
};

const allFlags = [
	'--name', 'pack.example.com',
	'--host', 'web1=root@192.0.2.11',
	'--host', 'web2=deploy@192.0.2.12:2222',
	'--master', 'web1',
	'--slave', 'web2',
	'--nfs-server', 'master',
	'--export-path', '/var/aegir/platforms',
	'--subnet', '192.0.2.0/24',
];

describe('the built CLI without a terminal', () => {
	test('a missing flag exits 2 naming it, and saves nothing', async () => {
		const args = base();
		const result = await runCli([...args, '--name', 'pack.example.com']);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/^--master is required/m);
		expect(existsSync(space.storeDir)).toBe(false);
	});

	test('a bad flag value exits 2 naming the flag and the value', async () => {
		const result = await runCli([...base(), ...allFlags, '--subnet', '10.1', '--yes', '--save-only']);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/^--subnet 10\.1: /m);
	});

	test('every flag and --yes prints the review plain, saves the pack and exits 0', async () => {
		const result = await runCli([...base(), ...allFlags, '--yes', '--save-only']);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('Pack pack.example.com (Aegir context server_packexamplecom)');
		expect(result.stdout).toMatch(/^master \+ NFS\s+web1\s+192\.0\.2\.11/m);
		expect(result.stdout).toContain('  /var/aegir/platforms 192.0.2.0/24(rw,sync,no_subtree_check)');
		expect(result.stdout).toContain('  192.0.2.11:/var/aegir/platforms /var/aegir/platforms nfs rw,hard,_netdev,nofail,nosuid,nodev 0 0');
		expect(result.stdout).not.toMatch(/\u001b\[/);
		const file = join(space.storeDir, 'config.json');
		expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(`Pack pack.example.com saved to ${file}.`);

		const store = JSON.parse(readFileSync(file, 'utf8')) as {packs: unknown[]; hosts: unknown[]};
		expect(store.packs).toEqual([
			{
				name: 'pack.example.com',
				master: {name: 'web1', address: '192.0.2.11', port: 22, user: 'root'},
				slaves: [{name: 'web2', address: '192.0.2.12', port: 2222, user: 'deploy'}],
				nfsServer: {name: 'web1', address: '192.0.2.11', port: 22, user: 'root'},
				exportPath: '/var/aegir/platforms',
				subnets: ['192.0.2.0/24'],
				exportOptions: 'rw,sync,no_subtree_check',
				mountOptions: 'rw,hard,_netdev,nofail',
			},
		]);
		expect(store.hosts).toHaveLength(2);
	});

	test('without --yes the review is printed and it exits 2 naming --yes, saving nothing', async () => {
		const result = await runCli([...base(), ...allFlags]);
		expect(result.code).toBe(2);
		expect(result.stdout).toContain('Pack pack.example.com');
		expect(result.stderr).toMatch(/^--yes is required/m);
		expect(existsSync(join(space.storeDir, 'config.json'))).toBe(false);
	});

	test('CI set with a terminal-less run behaves the same; hosts come from --ssh-config', async () => {
		const args = base();
		writeFileSync(space.sshConfig, 'Host web1\n  HostName 192.0.2.11\nHost web2\n  HostName 192.0.2.12\n');
		const result = await runCli(
			[...args, '--name', 'pack.example.com', '--master', 'web1', '--slave', 'web2', '--yes', '--save-only'],
			cliEnv({CI: 'true'}),
		);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('192.0.2.12/32(rw,sync,no_subtree_check)');
	});

	test('AEGIR_PACK_HOME and AEGIR_PACK_SSH_CONFIG stand in for the flags', async () => {
		base();
		writeFileSync(space.sshConfig, 'Host web1\n  HostName 192.0.2.11\n');
		const result = await runCli(
			['--name', 'solo.example.com', '--master', 'web1', '--yes', '--save-only'],
			cliEnv({AEGIR_PACK_HOME: space.storeDir, AEGIR_PACK_SSH_CONFIG: space.sshConfig}),
		);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('No slaves');
		expect(existsSync(join(space.storeDir, 'config.json'))).toBe(true);
	});

	test('an unknown flag or a stray argument exits 2', async () => {
		expect((await runCli([...base(), '--nmae', 'x'])).code).toBe(2);
		const stray = await runCli([...base(), 'pack.example.com']);
		expect(stray.code).toBe(2);
		expect(stray.stderr).toMatch(/Unknown command: pack\.example\.com/);
	});

	test('a corrupted store is reported and left untouched (exit 1)', async () => {
		const args = base();
		const file = join(space.storeDir, 'config.json');
		await runCli([...args, ...allFlags, '--yes', '--save-only']);
		writeFileSync(file, '{"schemaVersion": 1, "hosts": [');
		const result = await runCli([...args, ...allFlags, '--yes', '--save-only']);
		expect(result.code).toBe(1);
		expect(result.stderr).toContain(file);
		expect(readFileSync(file, 'utf8')).toBe('{"schemaVersion": 1, "hosts": [');
	});
});
