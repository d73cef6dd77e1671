// One writer at a time: saves from processes started together are all kept
// (each read-change-write of the store happens under its lock).
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeAll, expect, test, vi} from 'vitest';
import {assertBuilt, runCli, workspace} from './run-cli.js';

// Eight Node processes at once, three times, on a busy 2-core machine.
vi.setConfig({testTimeout: 120_000});

let space: ReturnType<typeof workspace>;
beforeAll(() => assertBuilt());
afterEach(() => space?.cleanup());

const saveOnly = (storeDir: string, sshConfig: string, n: number) =>
	runCli([
		'--store-dir', storeDir, '--ssh-config', sshConfig,
		'--host', `web${n}.example.com=root@10.0.2.${n}`,
		'--name', `pack${n}.example.com`, '--master', `web${n}.example.com`,
		'--subnet', `10.0.2.${n}/32`, '--yes', '--save-only',
	]);

test('eight --save-only runs at once keep eight packs and eight hosts (three rounds)', async () => {
	for (let round = 0; round < 3; round++) {
		space = workspace();
		const {storeDir, sshConfig} = space;
		const results = await Promise.all(Array.from({length: 8}, (_, index) => saveOnly(storeDir, sshConfig, index + 1)));
		for (const result of results) {
			expect(result.stderr).toBe('');
			expect(result.code).toBe(0);
			expect(result.stdout).toMatch(/saved to /);
		}
		const store = JSON.parse(readFileSync(join(storeDir, 'config.json'), 'utf8')) as {packs: Array<{name: string}>; hosts: unknown[]};
		expect(store.packs.map(pack => pack.name).sort()).toEqual(Array.from({length: 8}, (_, index) => `pack${index + 1}.example.com`).sort());
		expect(store.hosts).toHaveLength(8);
		expect(existsSync(join(storeDir, 'config.json.lock'))).toBe(false);
		space.cleanup();
	}
});
