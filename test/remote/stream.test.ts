// A streamed command over a real ssh2 connection (to the in-process test
// server, which runs commands with the local shell): binary bytes in and out
// untouched, exit code and stderr in the result, the channel freed.
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

beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'aegir-pack-stream-'));
	server = await startTestServer();
	const knownHosts = join(dir, 'known_hosts');
	await writeFile(knownHosts, `[127.0.0.1]:${server.port} ssh-ed25519 ${server.hostKeyBlob.toString('base64')}\n`);
	transport = await connectHost(server.host(), {
		knownHostsFiles: [knownHosts],
		globalKnownHostsFiles: [],
		prompter: answeringPrompter(),
		sshConfigFile: false,
		agentSocket: false,
		defaultIdentityFiles: [],
	});
});
afterEach(async () => {
	await transport.close();
	await server.close();
	await rm(dir, {recursive: true, force: true});
});

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
	return Buffer.concat(chunks);
}

describe('stream', () => {
	it('carries every byte value both ways, and reports the exit code and stderr', async () => {
		const bytes = Buffer.from(Array.from({length: 256 * 64}, (_, index) => index % 256));
		const running = await transport.stream('cat; echo done >&2; exit 4');
		const output = collect(running.stdout);
		running.stdin.end(bytes);
		expect((await output).equals(bytes)).toBe(true);
		expect(await running.done).toMatchObject({code: 4, stdout: '', stderr: 'done\n'});
		expect(transport.openChannels).toBe(0);
	});

	it('two streams piped into each other carry a tree as tar', async () => {
		const from = await mkdtemp(join(tmpdir(), 'aegir-pack-stream-from-'));
		const to = await mkdtemp(join(tmpdir(), 'aegir-pack-stream-to-'));
		try {
			await writeFile(join(from, 'a file'), 'content\n');
			const reading = await transport.stream(`tar -C '${from}' -cf - .`);
			const writing = await transport.stream(`tar -C '${to}' -xf -`);
			reading.stdin.end();
			writing.stdout.resume();
			reading.stdout.pipe(writing.stdin);
			const [read, written] = await Promise.all([reading.done, writing.done]);
			expect([read.code, written.code]).toEqual([0, 0]);
			expect((await transport.exec(`cat '${join(to, 'a file')}'`)).stdout).toBe('content\n');
		} finally {
			await rm(from, {recursive: true, force: true});
			await rm(to, {recursive: true, force: true});
		}
	});

	it('an abort stops the command and settles with -1', async () => {
		const stop = new AbortController();
		const running = await transport.stream('sleep 30', {signal: stop.signal});
		running.stdin.end();
		stop.abort();
		expect((await running.done).code).toBe(-1);
	});
});
