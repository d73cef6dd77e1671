import {describe, expect, test} from 'vitest';
import {LocalTransport, localCommandLine, localTransport} from '../../source/aegir-run/local-transport.js';

describe('the local transport (this machine as the Aegir server)', () => {
	test('runs a shell command line with stdin and reports stdout, stderr and the exit code', async () => {
		const transport = await localTransport();
		const chunks: string[] = [];
		const result = await transport.exec('cat; echo oops >&2; exit 3', {stdin: 'file content\n', onOutput: chunk => chunks.push(chunk)});
		expect(result).toMatchObject({command: 'cat; echo oops >&2; exit 3', code: 3, stdout: 'file content\n', stderr: 'oops\n'});
		expect(chunks.join('')).toContain('file content');
		expect(transport.hostName).toBe('Aegir server');
	});

	test('feeds stdin bytes exactly as given (a file that is not UTF-8)', async () => {
		const bytes = Buffer.from('# syst\xe8me \xff\n', 'latin1');
		const result = await new LocalTransport().exec('od -An -tx1 -v', {stdin: bytes});
		expect(result.stdout.replace(/\s+/g, '')).toBe(bytes.toString('hex'));
	});

	test('as root, sudo runs the command as it is; otherwise through sudo -n, which never asks for a password', () => {
		expect(localCommandLine('id -u', true, 0)).toEqual({file: '/bin/sh', args: ['-c', 'id -u']});
		expect(localCommandLine('id -u', false, 1000)).toEqual({file: '/bin/sh', args: ['-c', 'id -u']});
		expect(localCommandLine('id -u', true, 1000)).toEqual({file: 'sudo', args: ['-n', '--', '/bin/sh', '-c', 'id -u']});
	});

	test('a command that outlives its timeout is killed and reported with code -1', async () => {
		const result = await new LocalTransport().exec('sleep 5', {timeoutMs: 100});
		expect(result.code).toBe(-1);
		expect(result.stderr).toContain('timed out after 100 ms');
		// The whole process group goes: sleep, started by the shell, does not keep the pipes open.
		expect(result.durationMs).toBeLessThan(1500);
	});

	test('an abort stops the running command', async () => {
		const controller = new AbortController();
		// Abort once the command has started: it says so first.
		const running = new LocalTransport().exec('echo started; sleep 5', {
			signal: controller.signal,
			onOutput: chunk => {
				if (chunk.includes('started')) controller.abort();
			},
		});
		const result = await running;
		expect(result.code).toBe(-1);
		expect(result.stderr).toContain('stopped');
	});

	test('does not rsync: nothing is synced to this machine', async () => {
		await expect(new LocalTransport().pushTree({source: '/tmp/x', paths: ['a'], destination: '/tmp/y', runAs: 'aegir'})).rejects.toThrow('does not rsync');
	});
});
