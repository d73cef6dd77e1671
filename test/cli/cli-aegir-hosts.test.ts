// Aegir's own web servers (its drush alias files under --aegir-home) can be
// named on the command line as they appear in the pickers; nothing connects.
import {readFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {afterEach, beforeAll, expect, test, vi} from 'vitest';
import {assertBuilt, cliEnv, runCli, workspace} from './run-cli.js';

vi.setConfig({testTimeout: 60_000});

const AEGIR_HOME = resolve(import.meta.dirname, '../aegir/fixtures/aegir-home');
let space: ReturnType<typeof workspace>;
beforeAll(() => assertBuilt());
afterEach(() => space?.cleanup());

test('a server Aegir knows is a host: --master names it, its remote_host is the address, it is saved with the pack', async () => {
	space = workspace();
	const result = await runCli(
		['--store-dir', space.storeDir, '--ssh-config', space.sshConfig, '--aegir-home', AEGIR_HOME,
			'--name', 'pack2.example.com', '--master', 'web1.example.com', '--subnet', '192.0.2.0/24', '--allow-wide-export', '--yes', '--save-only'],
		cliEnv(),
	);
	expect(result.code).toBe(0);
	// The fixtures hold unreadable alias files on purpose: each is named, none guessed at.
	expect(result.stderr).toMatch(/^Warning: Aegir alias file skipped: \S+server_garbage\.alias\.drushrc\.php: /m);
	expect(result.stderr.split('\n').filter(line => line !== '' && !line.startsWith('Warning: Aegir alias file skipped: '))).toEqual([]);
	const store = JSON.parse(readFileSync(join(space.storeDir, 'config.json'), 'utf8')) as {packs: Array<{master: unknown}>; hosts: unknown[]};
	expect(store.packs[0]?.master).toEqual({name: 'web1.example.com', address: 'web1.example.com', port: 22, user: 'root'});
	expect(store.hosts).toContainEqual({name: 'web1.example.com', address: 'web1.example.com', port: 22, user: 'root'});
});

test('without --aegir-home pointing at Aegir, the same name is unknown (exit 2)', async () => {
	space = workspace();
	const result = await runCli(
		['--store-dir', space.storeDir, '--ssh-config', space.sshConfig, '--aegir-home', join(space.dir, 'no-aegir'),
			'--name', 'pack2.example.com', '--master', 'web1.example.com', '--yes', '--save-only'],
		cliEnv(),
	);
	expect(result.code).toBe(2);
	expect(result.stderr).toContain('no host named web1.example.com');
});
