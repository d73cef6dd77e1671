// An in-process SSH peer for the remote tests: ssh2's own Server on
// 127.0.0.1, a fresh ed25519 host key, public-key login with a generated
// client key, and exec channels that really run the received command with the
// local /bin/sh in a temp dir. It counts concurrent sessions and can emulate
// sudo (NOPASSWD, or a password read from the first stdin line).

import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {createServer, type Server as NetServer, type Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import ssh2, {type ServerChannel} from 'ssh2';
import type {Host} from '../../source/pack/types.js';
import type {Prompter} from '../../source/contracts/prompter.js';
import {generateTestKeyPair} from './test-keys.js';

export type SudoEmulation = {mode: 'nopasswd'} | {mode: 'password'; password: string};

export type TestServerOptions = {
	/** Login accepted for this user only. Default root. */
	user?: string;
	sudo?: SudoEmulation;
	/** Host keys the server holds, in its order of preference; default one ed25519 key. */
	hostKeyTypes?: Array<'ed25519' | 'ecdsa'>;
};

export type TestServer = {
	port: number;
	/** Raw public key blob of the (first) host key, as known_hosts stores it (base64 of this). */
	hostKeyBlob: Buffer;
	hostKeyType: string;
	/** Every host key: type and blob. */
	hostKeys: Array<{type: string; blob: Buffer}>;
	/** Private key file the client logs in with (0600), and its public blob. */
	clientKeyFile: string;
	clientKeyBlob: Buffer;
	/** Where exec'd commands run. */
	workDir: string;
	/** Sessions open right now, the most ever open at once, and all ever opened. */
	stats: {current: number; max: number; opened: number};
	/** Every command line received, in order (after any sudo unwrapping, the raw line too). */
	commands: string[];
	/** Raw bytes received on stdin per command, in order. */
	stdins: string[];
	/** Authentication requests seen (any method). */
	authAttempts: number;
	/** Public key blobs offered by clients, in order (queries and signed attempts). */
	offeredKeys: Buffer[];
	/** Drop every client connection at once (a host that goes away). */
	dropConnections(): void;
	/** Start a new key exchange on every connection (sshd does this after RekeyLimit). */
	rekey(): Promise<void>;
	close(): Promise<void>;
	/** A pack Host pointing at this server. */
	host(name?: string): Host;
};

const SUDO_NOPASSWD_PREFIX = 'sudo -n -- ';
const SUDO_PASSWORD_PREFIX = `sudo -k -S -p '' -- `;

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
	const user = options.user ?? 'root';
	const workDir = await mkdtemp(join(tmpdir(), 'aegir-pack-ssh-'));
	const hostKeyPairs = (options.hostKeyTypes ?? ['ed25519']).map(type => generateTestKeyPair(type));
	const hostKeys = hostKeyPairs.map(pair => ({type: pair.parsedPublic.type, blob: pair.parsedPublic.getPublicSSH()}));
	const clientKey = generateTestKeyPair();
	const clientKeyFile = join(workDir, 'client_key');
	await writeFile(clientKeyFile, clientKey.private, {mode: 0o600});
	const clientPublic = clientKey.parsedPublic;

	const stats = {current: 0, max: 0, opened: 0};
	const commands: string[] = [];
	const stdins: string[] = [];
	const children = new Set<ChildProcess>();
	const connections = new Set<ssh2.Connection>();
	let authAttempts = 0;
	const offeredKeys: Buffer[] = [];

	const server = new ssh2.Server({hostKeys: hostKeyPairs.map(pair => pair.private)}, connection => {
		connections.add(connection);
		// As sshd does for sessions: no Nagle delay on small packets.
		// (ssh2 has Connection#setNoDelay; @types/ssh2 does not declare it.)
		(connection as unknown as {setNoDelay(noDelay: boolean): void}).setNoDelay(true);
		connection.on('close', () => connections.delete(connection));
		connection.on('error', () => undefined);
		connection.on('authentication', context => {
			authAttempts++;
			if (context.method === 'publickey') offeredKeys.push(context.key.data);
			if (context.method !== 'publickey' || context.username !== user) return context.reject(['publickey']);
			if (context.key.algo !== clientPublic.type || !context.key.data.equals(clientPublic.getPublicSSH())) return context.reject(['publickey']);
			if (context.signature && context.blob && !clientPublic.verify(context.blob, context.signature, context.hashAlgo)) return context.reject(['publickey']);
			context.accept();
		});
		connection.on('ready', () => {
			connection.on('session', accept => {
				const session = accept();
				stats.current++;
				stats.opened++;
				stats.max = Math.max(stats.max, stats.current);
				let closed = false;
				session.once('close', () => {
					if (closed) return;
					closed = true;
					stats.current--;
				});
				let child: ChildProcess | undefined;
				session.on('signal', (_accept, _reject, info) => {
					child?.kill(`SIG${info.name}` as NodeJS.Signals);
				});
				session.on('exec', (acceptExec, _reject, info) => {
					const stream = acceptExec();
					commands.push(info.command);
					const index = stdins.push('') - 1;
					stream.on('data', (chunk: Buffer) => {
						stdins[index] += chunk.toString('utf8');
					});
					runCommand(info.command, stream, options.sudo, workDir, spawned => {
						child = spawned;
						children.add(spawned);
						spawned.once('close', () => children.delete(spawned));
					});
				});
			});
		});
	});

	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as {port: number}).port;

	return {
		port,
		hostKeyBlob: hostKeys[0]!.blob,
		hostKeyType: hostKeys[0]!.type,
		hostKeys,
		get authAttempts() {
			return authAttempts;
		},
		offeredKeys,
		dropConnections() {
			for (const connection of connections) connection.end();
		},
		async rekey() {
			await Promise.all([...connections].map(connection => new Promise<void>(resolve => connection.rekey(() => resolve()))));
		},
		clientKeyFile,
		clientKeyBlob: clientPublic.getPublicSSH(),
		workDir,
		stats,
		commands,
		stdins,
		host: (name = 'web1') => ({name, address: '127.0.0.1', port, user, identityFile: clientKeyFile}),
		async close() {
			for (const child of children) child.kill('SIGKILL');
			for (const connection of connections) connection.end();
			await new Promise<void>(resolve => server.close(() => resolve()));
			await rm(workDir, {recursive: true, force: true});
		},
	};
}

/**
 * Run one received command line with /bin/sh -c, as sshd would, unwrapping
 * the sudo forms the transport sends when sudo is emulated.
 */
function runCommand(line: string, stream: ServerChannel, sudo: SudoEmulation | undefined, cwd: string, track: (child: ChildProcess) => void): void {
	const exit = (code: number, stderr: string) => {
		if (stderr) stream.stderr.write(stderr);
		stream.exit(code);
		stream.end();
	};
	let command = line;
	let passwordLine: string | undefined;
	if (line.startsWith(SUDO_NOPASSWD_PREFIX)) {
		if (sudo?.mode !== 'nopasswd') return exit(1, 'sudo: a password is required\n');
		command = line.slice(SUDO_NOPASSWD_PREFIX.length);
	} else if (line.startsWith(SUDO_PASSWORD_PREFIX)) {
		if (!sudo) return exit(1, 'sudo: not emulated\n');
		command = line.slice(SUDO_PASSWORD_PREFIX.length);
		passwordLine = sudo.mode === 'password' ? sudo.password : '';
	}

	const start = (initialStdin: Buffer) => {
		const child = spawn('/bin/sh', ['-c', command], {cwd, stdio: ['pipe', 'pipe', 'pipe']});
		track(child);
		child.stdout.on('data', (chunk: Buffer) => stream.write(chunk));
		child.stderr.on('data', (chunk: Buffer) => stream.stderr.write(chunk));
		child.stdin.on('error', () => undefined);
		if (initialStdin.length) child.stdin.write(initialStdin);
		stream.on('data', (chunk: Buffer) => child.stdin.write(chunk));
		stream.on('end', () => child.stdin.end());
		stream.on('close', () => child.kill('SIGKILL'));
		child.on('close', code => {
			try {
				stream.exit(code ?? 255);
				stream.end();
			} catch {
				// The client already closed the channel (timeout, abort).
			}
		});
	};

	if (passwordLine === undefined) {
		start(Buffer.alloc(0));
		return;
	}
	// Like sudo -S: the first stdin line is the password; the rest is the command's.
	let buffered = Buffer.alloc(0);
	const onData = (chunk: Buffer) => {
		buffered = Buffer.concat([buffered, chunk]);
		const newline = buffered.indexOf(0x0a);
		if (newline === -1) return;
		stream.off('data', onData);
		stream.off('end', onEnd);
		const given = buffered.subarray(0, newline).toString('utf8');
		if (given !== passwordLine || passwordLine === '') return exit(1, 'Sorry, try again.\nsudo: 1 incorrect password attempt\n');
		start(buffered.subarray(newline + 1));
	};
	const onEnd = () => exit(1, 'sudo: no password was provided\n');
	stream.on('data', onData);
	stream.on('end', onEnd);
}

/** A TCP listener on loopback that accepts and then never says a word (a hung sshd). */
export async function startSilentServer(): Promise<{port: number; close(): Promise<void>}> {
	const sockets = new Set<Socket>();
	const server: NetServer = createServer(socket => {
		sockets.add(socket);
		socket.on('error', () => undefined);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	return {
		port: (server.address() as {port: number}).port,
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>(resolve => server.close(() => resolve()));
		},
	};
}

/** A port on loopback that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as {port: number}).port;
	await new Promise<void>(resolve => server.close(() => resolve()));
	return port;
}

export type RecordingPrompter = Prompter & {
	hostKeyQuestions: Parameters<Prompter['acceptHostKey']>[0][];
	passwordQuestions: Array<{host: string; user: string}>;
};

/** A Prompter with fixed answers that records what it was asked. */
export function answeringPrompter(answers: {acceptHostKey?: boolean; sudoPassword?: string} = {}): RecordingPrompter {
	const hostKeyQuestions: RecordingPrompter['hostKeyQuestions'] = [];
	const passwordQuestions: RecordingPrompter['passwordQuestions'] = [];
	return {
		hostKeyQuestions,
		passwordQuestions,
		async acceptHostKey(question) {
			hostKeyQuestions.push(question);
			return answers.acceptHostKey ?? false;
		},
		async sudoPassword(host, user) {
			passwordQuestions.push({host, user});
			return answers.sudoPassword;
		},
		async confirm() {
			return false;
		},
	};
}
