import {type ChildProcess, execFileSync, spawn} from 'node:child_process';
import {createHmac, randomBytes} from 'node:crypto';
import {access, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {connectHost, sshConnector, type ConnectOptions} from '../../source/remote/connect.js';
import {ConnectError, HostKeyMismatchError, HostKeyRejectedError} from '../../source/remote/errors.js';
import {fingerprintSha256} from '../../source/remote/known-hosts.js';
import type {SshTransport} from '../../source/remote/ssh-transport.js';
import {generateTestKeyPair} from './test-keys.js';
import {answeringPrompter, closedPort, startSilentServer, startTestServer, type TestServer} from './ssh-test-server.js';

let dir: string;
let knownHosts: string;
let server: TestServer;
const transports: SshTransport[] = [];

beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'aegir-pack-connect-'));
	knownHosts = join(dir, 'known_hosts');
	server = await startTestServer();
});
afterEach(async () => {
	await Promise.all(transports.splice(0).map(transport => transport.close()));
	await server.close();
	await rm(dir, {recursive: true, force: true});
});

/** Isolated from the machine: only the files and keys the test names. */
function options(overrides: Partial<ConnectOptions> = {}): ConnectOptions {
	return {
		knownHostsFiles: [knownHosts],
		globalKnownHostsFiles: [],
		prompter: answeringPrompter(),
		sshConfigFile: false,
		agentSocket: false,
		defaultIdentityFiles: [],
		readyTimeoutMs: 5_000,
		...overrides,
	};
}

async function connect(overrides: Partial<ConnectOptions> = {}, host = server.host()): Promise<SshTransport> {
	const transport = await connectHost(host, options(overrides));
	transports.push(transport);
	return transport;
}

const entryFor = (port: number, blob: Buffer, type = 'ssh-ed25519') => `[127.0.0.1]:${port} ${type} ${blob.toString('base64')}\n`;
const otherKey = () => generateTestKeyPair().parsedPublic.getPublicSSH();

describe('host key verification', () => {
	it('connects without asking when a plain [host]:port entry holds the key', async () => {
		await writeFile(knownHosts, `# mine\nweb9 ssh-ed25519 ${otherKey().toString('base64')}\n${entryFor(server.port, server.hostKeyBlob)}`);
		const prompter = answeringPrompter();
		const transport = await connect({prompter});
		const result = await transport.exec('echo connected');
		expect(result).toMatchObject({code: 0, stdout: 'connected\n'});
		expect(prompter.hostKeyQuestions).toEqual([]);
	});

	it('connects when the entry is hashed (|1|salt|hmac)', async () => {
		const salt = randomBytes(20);
		const name = `[127.0.0.1]:${server.port}`;
		const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
		await writeFile(knownHosts, `${hashed} ssh-ed25519 ${server.hostKeyBlob.toString('base64')}\n`);
		const transport = await connect();
		expect((await transport.exec('true')).code).toBe(0);
	});

	it('refuses a changed key loudly, naming file and line, before logging in or running anything', async () => {
		const recorded = `# one\n# two\n${entryFor(server.port, otherKey())}`;
		await writeFile(knownHosts, recorded);
		const error = await connect({prompter: answeringPrompter({acceptHostKey: true})}).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(HostKeyMismatchError);
		const mismatch = error as HostKeyMismatchError;
		expect(mismatch.message).toContain(`HOST KEY MISMATCH for web1 (127.0.0.1:${server.port}): the key offered does not match ${knownHosts} line 3.`);
		expect(mismatch.message).toContain('Nothing was run on this host.');
		expect(mismatch.message).toContain(`ssh-keygen -f ${knownHosts} -R '[127.0.0.1]:${server.port}'`);
		expect(mismatch.message).toContain(fingerprintSha256(server.hostKeyBlob));
		expect(mismatch).toMatchObject({file: knownHosts, line: 3});
		expect(server.authAttempts).toBe(0);
		expect(server.stats.opened).toBe(0);
		// The file is left alone: no "accept new" for a changed key.
		expect(await readFile(knownHosts, 'utf8')).toBe(recorded);
	});

	it('asks about an unknown key with type and SHA256 fingerprint, and records it when accepted', async () => {
		const prompter = answeringPrompter({acceptHostKey: true});
		const transport = await connect({prompter});
		expect(prompter.hostKeyQuestions).toEqual([
			{host: 'web1', address: '127.0.0.1', port: server.port, keyType: 'ssh-ed25519', fingerprint: fingerprintSha256(server.hostKeyBlob), knownHostsFile: knownHosts},
		]);
		expect(await readFile(knownHosts, 'utf8')).toBe(entryFor(server.port, server.hostKeyBlob));
		expect((await transport.exec('echo ok')).stdout).toBe('ok\n');

		// Next time the key is known: no question, even with a prompter that refuses.
		const refusing = answeringPrompter({acceptHostKey: false});
		await connect({prompter: refusing});
		expect(refusing.hostKeyQuestions).toEqual([]);
	});

	it('does not ask again when the host re-keys the connection later', async () => {
		const prompter = answeringPrompter({acceptHostKey: true});
		const transport = await connect({prompter});
		await server.rekey();
		expect((await transport.exec('echo after rekey')).stdout).toBe('after rekey\n');
		expect(prompter.hostKeyQuestions).toHaveLength(1);
	});

	it('puts every unknown key to the prompter, exactly once: accepting by flag is the prompter\'s policy, so it can be said', async () => {
		const prompter = answeringPrompter({acceptHostKey: true});
		await connect({prompter});
		expect(prompter.hostKeyQuestions.map(question => question.fingerprint)).toEqual([fingerprintSha256(server.hostKeyBlob)]);
		expect(await readFile(knownHosts, 'utf8')).toBe(entryFor(server.port, server.hostKeyBlob));
	});

	it('sshConnector: the prompter given with a host answers for that host', async () => {
		const bound = answeringPrompter({acceptHostKey: false});
		const perHost = answeringPrompter({acceptHostKey: true});
		const transport = await sshConnector(options({prompter: bound}))(server.host(), perHost);
		transports.push(transport);
		expect(bound.hostKeyQuestions).toEqual([]);
		expect(perHost.hostKeyQuestions).toHaveLength(1);
	});

	it('refuses an unknown key when the (non-interactive) prompter says no: nothing recorded, nothing run', async () => {
		const error = await connect({prompter: answeringPrompter({acceptHostKey: false})}).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(HostKeyRejectedError);
		expect((error as Error).message).toContain('Nothing was run on this host');
		expect((error as Error).message).toContain(fingerprintSha256(server.hostKeyBlob));
		await expect(access(knownHosts)).rejects.toThrow();
		expect(server.authAttempts).toBe(0);
		expect(server.stats.opened).toBe(0);
		expect(server.commands).toEqual([]);
	});

	it('does not count the time the user takes to answer against the connect timeout', async () => {
		const readyTimeoutMs = 1_000;
		const prompter = answeringPrompter({acceptHostKey: true});
		const slow = {
			...prompter,
			// The user answers once the connect deadline has passed. Not a guess at a long enough time: Node runs
			// timers of one length in the order they were set, so a deadline still running (set before this
			// question) would fire, and fail the connection, before this timer does.
			acceptHostKey: async (question: Parameters<typeof prompter.acceptHostKey>[0]) => {
				await new Promise(resolve => setTimeout(resolve, readyTimeoutMs));
				return prompter.acceptHostKey(question);
			},
		};
		const transport = await connect({prompter: slow, readyTimeoutMs});
		expect((await transport.exec('true')).code).toBe(0);
	});

	it('asks a host with several keys for the type on record first', async () => {
		const twoKeys = await startTestServer({hostKeyTypes: ['ed25519', 'ecdsa']});
		try {
			const ecdsa = twoKeys.hostKeys[1]!;
			expect(ecdsa.type).toBe('ecdsa-sha2-nistp256');
			await writeFile(knownHosts, entryFor(twoKeys.port, ecdsa.blob, ecdsa.type));
			const transport = await connect({}, twoKeys.host());
			expect((await transport.exec('true')).code).toBe(0);
			await transport.close();
		} finally {
			await twoKeys.close();
		}
	});
});

describe('connection failures', () => {
	it('fails fast with "connection refused" on a closed port', async () => {
		const port = await closedPort();
		const started = Date.now();
		const error = await connect({prompter: answeringPrompter({acceptHostKey: true})}, {...server.host(), port}).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(ConnectError);
		expect(error).toMatchObject({reason: 'refused'});
		expect((error as Error).message).toContain(`web1 (127.0.0.1:${port}): connection refused`);
		expect(Date.now() - started).toBeLessThan(3_000);
	});

	it('gives up on a host that accepts TCP but never speaks SSH, within the ready timeout', async () => {
		const silent = await startSilentServer();
		try {
			const started = Date.now();
			const error = await connect({prompter: answeringPrompter({acceptHostKey: true}), readyTimeoutMs: 800}, {...server.host(), port: silent.port}).catch((caught: unknown) => caught);
			const elapsed = Date.now() - started;
			expect(error).toMatchObject({reason: 'timeout'});
			expect((error as Error).message).toContain('no SSH login within 0.8 s');
			expect(elapsed).toBeGreaterThanOrEqual(700);
			expect(elapsed).toBeLessThan(3_000);
		} finally {
			await silent.close();
		}
	});

	it('reports failed authentication with what was tried', async () => {
		const wrongKey = join(dir, 'wrong_key');
		await writeFile(wrongKey, generateTestKeyPair().private, {mode: 0o600});
		const error = await connect({prompter: answeringPrompter({acceptHostKey: true})}, {...server.host(), identityFile: wrongKey}).catch((caught: unknown) => caught);
		expect(error).toMatchObject({reason: 'auth'});
		expect((error as Error).message).toContain(`Authentication failed for root on web1 (127.0.0.1:${server.port}): tried ${wrongKey}.`);
		expect(server.stats.opened).toBe(0);
	});

	it('explains a passphrase-protected key instead of trying nothing silently', async () => {
		const locked = join(dir, 'locked_key');
		await writeFile(locked, generateTestKeyPair('ed25519', 'pass').private, {mode: 0o600});
		const error = await connect({prompter: answeringPrompter({acceptHostKey: true})}, {...server.host(), identityFile: locked}).catch((caught: unknown) => caught);
		expect(error).toMatchObject({reason: 'auth'});
		expect((error as Error).message).toContain(`${locked} is passphrase-protected: load it into ssh-agent`);
		expect(server.authAttempts).toBe(0);
	});
});

describe('where and how to log in', () => {
	it('follows ~/.ssh/config HostName, Port and IdentityFile for the host address', async () => {
		const config = join(dir, 'config');
		await writeFile(config, `Host web1-alias\n  HostName 127.0.0.1\n  Port ${server.port}\n  IdentityFile ${server.clientKeyFile}\n`);
		await writeFile(knownHosts, entryFor(server.port, server.hostKeyBlob));
		const transport = await connect({sshConfigFile: config}, {name: 'web1', address: 'web1-alias', port: 22, user: 'root'});
		expect(transport.endpoint).toEqual({host: 'web1', address: '127.0.0.1', port: server.port});
		expect((await transport.exec('echo via-config')).stdout).toBe('via-config\n');
	});

	it('falls back to the default key files when the host names none', async () => {
		await writeFile(knownHosts, entryFor(server.port, server.hostKeyBlob));
		const transport = await connect({defaultIdentityFiles: [join(dir, 'id_missing'), server.clientKeyFile]}, {...server.host(), identityFile: undefined});
		expect((await transport.exec('true')).code).toBe(0);
	});

	const hasAgent = (() => {
		try {
			execFileSync('ssh-agent', ['-h'], {stdio: 'ignore'});
			return true;
		} catch (error) {
			return (error as {code?: string}).code !== 'ENOENT';
		}
	})();

	/** An ssh-agent listening on `socket`: it says SSH_AUTH_SOCK=… only once the socket is bound. */
	async function startAgent(socket: string): Promise<ChildProcess> {
		const agent = spawn('ssh-agent', ['-D', '-a', socket], {stdio: ['ignore', 'pipe', 'ignore']});
		let said = '';
		await new Promise<void>((resolve, reject) => {
			agent.stdout!.on('data', (chunk: Buffer) => {
				said += chunk.toString('utf8');
				if (said.includes('SSH_AUTH_SOCK=')) resolve();
			});
			agent.once('error', reject);
			agent.once('exit', code => reject(new Error(`ssh-agent exited (${code}) before listening on ${socket}`)));
		});
		return agent;
	}

	it.skipIf(!hasAgent)('logs in with the ssh-agent given explicitly', async () => {
		const socket = join(dir, 'agent.sock');
		const agent = await startAgent(socket);
		try {
			execFileSync('ssh-add', [server.clientKeyFile], {env: {...process.env, SSH_AUTH_SOCK: socket}, stdio: 'ignore'});
			await writeFile(knownHosts, entryFor(server.port, server.hostKeyBlob));
			const {identityFile: _unused, ...withoutKey} = server.host();
			const transport = await connect({agentSocket: socket}, withoutKey);
			expect((await transport.exec('echo agent')).stdout).toBe('agent\n');
		} finally {
			agent.kill();
		}
	});

	it.skipIf(!hasAgent)('with the host\'s own key set, offers only that key from a crowded agent (IdentitiesOnly)', async () => {
		const socket = join(dir, 'agent.sock');
		const agent = await startAgent(socket);
		try {
			const env = {...process.env, SSH_AUTH_SOCK: socket};
			const others = Array.from({length: 3}, (_, index) => join(dir, `other_${index}`));
			for (const file of others) {
				await writeFile(file, generateTestKeyPair().private, {mode: 0o600});
				execFileSync('ssh-add', [file], {env, stdio: 'ignore'});
			}
			execFileSync('ssh-add', [server.clientKeyFile], {env, stdio: 'ignore'});
			await writeFile(knownHosts, entryFor(server.port, server.hostKeyBlob));
			const transport = await connect({agentSocket: socket});
			expect((await transport.exec('true')).code).toBe(0);
			// The three other agent keys were never shown to the host.
			expect(new Set(server.offeredKeys.map(key => key.toString('base64')))).toEqual(new Set([server.clientKeyBlob.toString('base64')]));
		} finally {
			agent.kill();
		}
	});
});
