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
	// 192.0.2.0/24 is a public (documentation) network: without a terminal, exporting to it needs the flag.
	'--allow-wide-export',
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

	test('a subnet wider than /24 without --allow-wide-export exits 2 naming it and how many may mount; nothing saved', async () => {
		const args = [...base(), '--name', 'pack.example.com', '--host', 'web1=10.0.5.10', '--host', 'web2=10.0.5.11', '--master', 'web1', '--slave', 'web2'];
		const result = await runCli([...args, '--subnet', '10.0.0.0/16', '--yes', '--save-only']);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/^--subnet 10\.0\.0\.0\/16: 65,536 addresses may mount \/var\/aegir\/platforms \(wider than \/24\).*--allow-wide-export$/m);
		expect(existsSync(join(space.storeDir, 'config.json'))).toBe(false);
		const allowed = await runCli([...args, '--subnet', '10.0.0.0/16', '--allow-wide-export', '--yes', '--save-only']);
		expect(allowed.code).toBe(0);
		expect(allowed.stdout).toContain('Warning: wide export accepted: 10.0.0.0/16 (65,536 addresses)');
	});

	test('an export path inside a system tree exits 2 naming the flag; nothing saved', async () => {
		const flags = allFlags.map(flag => (flag === '/var/aegir/platforms' ? '/usr/local/sbin' : flag));
		const result = await runCli([...base(), ...flags, '--yes', '--save-only']);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/^--export-path \/usr\/local\/sbin: \/usr\/local\/sbin is inside a system directory/m);
		expect(existsSync(join(space.storeDir, 'config.json'))).toBe(false);
	});

	test('a store holding no_root_squash is refused on load (exit 1) and left as it is', async () => {
		const args = base();
		const first = await runCli([...args, ...allFlags, '--yes', '--save-only']);
		expect(first.code).toBe(0);
		const file = join(space.storeDir, 'config.json');
		const edited = readFileSync(file, 'utf8').replace('"rw,sync,no_subtree_check"', '"rw,sync,no_root_squash"');
		writeFileSync(file, edited);
		const result = await runCli([...args, 'status', 'pack.example.com']);
		expect(result.code).toBe(1);
		expect(result.stderr).toContain('packs[0].exportOptions: no_root_squash is refused: any root in the subnets would be root on the share');
		expect(readFileSync(file, 'utf8')).toBe(edited);
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
