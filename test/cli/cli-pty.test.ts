import {existsSync, readdirSync} from 'node:fs';
import {afterEach, beforeAll, expect, test} from 'vitest';
import {spawn, type IPty} from 'node-pty';
import {assertBuilt, CLI, cliEnv, workspace} from './run-cli.js';

let space: ReturnType<typeof workspace>;
let child: IPty | undefined;
beforeAll(() => assertBuilt());
afterEach(() => {
	child?.kill();
	child = undefined;
	space?.cleanup();
});

const waitFor = async (check: () => boolean, what: string, timeoutMs = 15_000) => {
	const start = Date.now();
	while (!check()) {
		if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 20));
	}
};

test('Ctrl-C in the terminal wizard exits 130 at once and writes no store file', async () => {
	space = workspace();
	const pty = spawn(process.execPath, [CLI, '--store-dir', space.storeDir, '--ssh-config', space.sshConfig], {
		name: 'xterm-256color',
		cols: 80,
		rows: 24,
		env: cliEnv() as Record<string, string>,
	});
	child = pty;
	let output = '';
	let exit: {exitCode: number} | undefined;
	pty.onData(data => (output += data));
	pty.onExit(event => (exit = event));

	await waitFor(() => output.includes('Name the pack'), 'the first screen');
	pty.write('pack.example.com');
	await waitFor(() => output.includes('server_packexamplecom'), 'the typed name');
	pty.write('\r');
	await waitFor(() => output.includes('Pick the master'), 'the master step');
	pty.write('\u0003');
	await waitFor(() => exit !== undefined, 'the exit', 5000);

	expect(exit?.exitCode).toBe(130);
	expect(output).toContain('Quit: nothing saved.');
	expect(existsSync(space.storeDir) ? readdirSync(space.storeDir) : []).toEqual([]);
}, 30_000);

test.each([
	['SIGTERM', 143],
	['SIGHUP', 129],
] as const)('%s during the terminal wizard exits %i, saying nothing was saved, and writes no store file', async (signal, code) => {
	space = workspace();
	const pty = spawn(process.execPath, [CLI, '--store-dir', space.storeDir, '--ssh-config', space.sshConfig], {
		name: 'xterm-256color',
		cols: 80,
		rows: 24,
		env: cliEnv() as Record<string, string>,
	});
	child = pty;
	let output = '';
	let exit: {exitCode: number; signal?: number} | undefined;
	pty.onData(data => (output += data));
	pty.onExit(event => (exit = event));

	await waitFor(() => output.includes('Name the pack'), 'the first screen');
	process.kill(pty.pid, signal);
	await waitFor(() => exit !== undefined, 'the exit', 5000);

	// Exited on its own with the signal's code, not killed by the signal.
	expect(exit).toMatchObject({exitCode: code, signal: 0});
	if (signal === 'SIGTERM') expect(output).toContain('Stopped by SIGTERM: nothing saved.');
	expect(existsSync(space.storeDir) ? readdirSync(space.storeDir) : []).toEqual([]);
}, 30_000);
