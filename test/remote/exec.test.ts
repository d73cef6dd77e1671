import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {connectHost} from '../../source/remote/connect.js';
import type {SshTransport} from '../../source/remote/ssh-transport.js';
import {answeringPrompter, startTestServer, type TestServer} from './ssh-test-server.js';

let dir: string;
let server: TestServer;
let transport: SshTransport;

async function open(maxChannels?: number): Promise<SshTransport> {
	const knownHosts = join(dir, 'known_hosts');
	await writeFile(knownHosts, `[127.0.0.1]:${server.port} ssh-ed25519 ${server.hostKeyBlob.toString('base64')}\n`);
	return connectHost(server.host(), {
		knownHostsFiles: [knownHosts],
		globalKnownHostsFiles: [],
		prompter: answeringPrompter(),
		sshConfigFile: false,
		agentSocket: false,
		defaultIdentityFiles: [],
		...(maxChannels ? {maxChannels} : {}),
	});
}

/** The server learns of a channel close a moment after the client does. */
async function until(condition: () => boolean, ms = 2_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not reached in time');
		await new Promise(resolve => setTimeout(resolve, 10));
	}
}

beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'aegir-pack-exec-'));
	server = await startTestServer();
	transport = await open();
});
afterEach(async () => {
	await transport.close();
	await server.close();
	await rm(dir, {recursive: true, force: true});
});

describe('exec', () => {
	it('returns exit code, stdout and stderr apart, and the command as given', async () => {
		const result = await transport.exec('echo out; echo err >&2; exit 3');
		expect(result).toMatchObject({command: 'echo out; echo err >&2; exit 3', code: 3, stdout: 'out\n', stderr: 'err\n'});
		expect(result.durationMs).toBeGreaterThanOrEqual(0);
		expect(transport.hostName).toBe('web1');
	});

	it('feeds stdin, and gives a command without stdin an immediate end of file', async () => {
		expect((await transport.exec('cat', {stdin: 'line one\nline two\n'})).stdout).toBe('line one\nline two\n');
		expect((await transport.exec('cat; echo eof')).stdout).toBe('eof\n');
	});

	it('feeds stdin bytes exactly as given, whatever their encoding', async () => {
		const bytes = Buffer.from('# disque syst\xe8me \xff\x00end\n', 'latin1');
		const result = await transport.exec('od -An -tx1 -v', {stdin: bytes});
		expect(result.stdout.replace(/\s+/g, '')).toBe(bytes.toString('hex'));
	});

	it('streams output as it arrives and never splits a UTF-8 character', async () => {
		const chunks: Array<[string, string]> = [];
		// é is \303\251: the two bytes arrive in separate packets.
		const result = await transport.exec(`printf '\\303'; sleep 0.2; printf '\\251\\n'; printf 'x\\342\\202' >&2; sleep 0.2; printf '\\254\\n' >&2`, {
			onOutput: (chunk, stream) => chunks.push([stream, chunk]),
		});
		expect(result.stdout).toBe('é\n');
		expect(result.stderr).toBe('x€\n');
		expect(chunks.every(([, chunk]) => !chunk.includes('\uFFFD'))).toBe(true);
		expect(chunks.filter(([stream]) => stream === 'stdout').map(([, chunk]) => chunk).join('')).toBe('é\n');
		expect(chunks.filter(([stream]) => stream === 'stderr').map(([, chunk]) => chunk).join('')).toBe('x€\n');
	});

	it('keeps at most maxChannels channels open: 20 parallel execs never exceed the cap', async () => {
		await transport.close();
		transport = await open(4);
		let highest = 0;
		const watch = setInterval(() => {
			highest = Math.max(highest, transport.openChannels);
		}, 5);
		const results = await Promise.all(Array.from({length: 20}, (_, index) => transport.exec(`sleep 0.1; echo ${index}`)));
		clearInterval(watch);
		expect(results.map(result => result.code)).toEqual(Array.from({length: 20}, () => 0));
		expect(results.map(result => result.stdout)).toEqual(Array.from({length: 20}, (_, index) => `${index}\n`));
		expect(server.stats.opened).toBe(20);
		expect(server.stats.max).toBe(4);
		expect(highest).toBeLessThanOrEqual(4);
	});

	it('closes every channel it opens', async () => {
		await Promise.all([transport.exec('true'), transport.exec('false'), transport.exec('exit 7'), transport.exec('echo x >&2')]);
		await until(() => server.stats.current === 0);
		expect(server.stats.opened).toBe(4);
		expect(transport.openChannels).toBe(0);
	});

	it('resolves -1 on timeout, closes the channel, and the connection stays usable', async () => {
		const started = Date.now();
		const result = await transport.exec('sleep 30', {timeoutMs: 300});
		expect(result.code).toBe(-1);
		expect(result.stderr).toContain('no result after 300 ms; channel closed');
		expect(Date.now() - started).toBeLessThan(2_000);
		await until(() => server.stats.current === 0);
		expect((await transport.exec('echo still here')).stdout).toBe('still here\n');
	});

	it('a timeout frees its channel slot only once the channel is really closed', async () => {
		await transport.close();
		transport = await open(1);
		const [first, second] = await Promise.all([transport.exec('sleep 30', {timeoutMs: 200}), transport.exec('echo next')]);
		expect(first.code).toBe(-1);
		expect(second).toMatchObject({code: 0, stdout: 'next\n'});
		expect(server.stats.max).toBe(1);
	});

	it('resolves -1 and closes the channel when aborted', async () => {
		const controller = new AbortController();
		const running = transport.exec('sleep 30', {signal: controller.signal});
		// Abort once the host is running the command.
		await until(() => server.commands.includes('sleep 30'));
		controller.abort();
		const result = await running;
		expect(result.code).toBe(-1);
		expect(result.stderr).toContain('aborted');
		await until(() => server.stats.current === 0);
		const early = await transport.exec('echo never', {signal: controller.signal});
		expect(early.code).toBe(-1);
		expect(server.commands).not.toContain('echo never');
	});

	it('resolves -1 with the reason when the connection drops mid-command, and for every later exec', async () => {
		const running = transport.exec('sleep 30');
		await until(() => server.stats.current === 1);
		server.dropConnections();
		const result = await running;
		expect(result.code).toBe(-1);
		expect(result.stderr).toMatch(/connection to web1 \(127\.0\.0\.1:\d+\) (lost|closed)/);
		const later = await transport.exec('echo late');
		expect(later.code).toBe(-1);
		expect(transport.connectionLost).toBeDefined();
	});

	it('runs nothing after close()', async () => {
		await transport.close();
		const result = await transport.exec('echo after');
		expect(result.code).toBe(-1);
		expect(server.commands).not.toContain('echo after');
	});
});
