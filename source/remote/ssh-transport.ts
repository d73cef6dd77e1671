// The Transport of one host over one ssh2 connection: every step of the host
// execs through it, at most `maxChannels` at a time, each channel closed
// whatever happens (exit, timeout, abort, connection lost). No pty, so stderr
// stays separate and nothing is echoed — the sudo password included.

import {OutputCollector} from './output-collector.js';
import type {Client, ClientChannel} from 'ssh2';
import type {CommandStream, ExecOptions, ExecResult, PushTreeOptions, PushTreeResult, StreamOptions, Transport} from '../contracts/transport.js';
import type {Prompter} from '../contracts/prompter.js';
import {describeEndpoint, type Endpoint} from './errors.js';
import {runRsync, type RsyncTarget} from './rsync.js';
import {Semaphore} from './semaphore.js';
import {SUDO_PASSWORD_CHECK, SUDO_PROBE, sudoCommand, type SudoAccess} from './sudo.js';

export type SshTransportOptions = {
	client: Client;
	endpoint: Endpoint;
	user: string;
	prompter: Prompter;
	maxChannels: number;
	rsync: RsyncTarget;
};

/** Settles one running command from outside (connection lost, transport closed). */
type Abandon = (why: string) => void;

const SUDO_PROBE_TIMEOUT_MS = 30_000;

export class SshTransport implements Transport {
	readonly hostName: string;
	readonly endpoint: Endpoint;
	readonly user: string;
	private readonly client: Client;
	private readonly prompter: Prompter;
	private readonly channels: Semaphore;
	private readonly rsyncTarget: RsyncTarget;
	private readonly running = new Set<Abandon>();
	private sudo: Promise<SudoAccess> | undefined;
	/** Set once the connection is gone: why, for every later result. */
	private lost: string | undefined;
	private closing: Promise<void> | undefined;

	constructor(options: SshTransportOptions) {
		this.client = options.client;
		this.endpoint = options.endpoint;
		this.hostName = options.endpoint.host;
		this.user = options.user;
		this.prompter = options.prompter;
		this.channels = new Semaphore(options.maxChannels);
		this.rsyncTarget = options.rsync;
		this.client.on('error', error => {
			this.lost ??= `connection to ${describeEndpoint(this.endpoint)} lost: ${error.message}`;
		});
		this.client.on('close', () => {
			this.lost ??= `connection to ${describeEndpoint(this.endpoint)} closed`;
			for (const abandon of [...this.running]) abandon(this.lost);
		});
	}

	/** Exec channels open right now (never above maxChannels). */
	get openChannels(): number {
		return this.channels.inUse;
	}

	/** Why the connection is gone, or undefined while it is up. */
	get connectionLost(): string | undefined {
		return this.lost;
	}

	async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
		const started = Date.now();
		let remote = command;
		let stdin = stdinBytes(options.stdin);
		if (options.sudo && this.user !== 'root') {
			const access = await this.sudoAccess();
			if (access.mode === 'unavailable') return failed(command, started, access.reason);
			remote = sudoCommand(command, access.mode);
			if (access.mode === 'password') stdin = Buffer.concat([Buffer.from(`${access.password}\n`, 'utf8'), stdin]);
		}
		return this.run(command, remote, stdin, options, started);
	}

	pushTree(options: PushTreeOptions): Promise<PushTreeResult> {
		return runRsync(this.rsyncTarget, options);
	}

	/**
	 * One exec channel as binary streams (stdin: the channel's writable side,
	 * stdout: its readable side). The caller writes and ends stdin and reads
	 * stdout; `done` settles when the channel closes, whatever happens.
	 */
	async stream(command: string, options: StreamOptions = {}): Promise<CommandStream> {
		const started = Date.now();
		let remote = command;
		let password: string | undefined;
		if (options.sudo && this.user !== 'root') {
			const access = await this.sudoAccess();
			if (access.mode === 'unavailable') throw new Error(access.reason);
			remote = sudoCommand(command, access.mode);
			if (access.mode === 'password') password = access.password;
		}

		const release = await this.channels.acquire();
		if (this.lost) {
			release();
			throw new Error(this.lost);
		}

		return new Promise((resolve, reject) => {
			this.client.exec(remote, (error, channel) => {
				if (error) {
					release();
					reject(new Error(`could not open a channel on ${this.hostName}: ${error.message}`));
					return;
				}

				channel.on('close', release);
				channel.on('error', () => undefined);
				let stderr = '';
				let exitCode: number | undefined;
				channel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
				channel.on('exit', (code: number | null) => {
					if (typeof code === 'number') exitCode = code;
				});
				const done = new Promise<ExecResult>(settle => {
					let settled = false;
					let timer: NodeJS.Timeout | undefined;
					const finish = (code: number, note?: string) => {
						if (settled) return;
						settled = true;
						clearTimeout(timer);
						options.signal?.removeEventListener('abort', onAbort);
						this.running.delete(abandon);
						settle({command, code, stdout: '', stderr: note ? `${stderr}${stderr === '' || stderr.endsWith('\n') ? '' : '\n'}aegir-pack: ${note}\n` : stderr, durationMs: Date.now() - started});
					};
					const stop = (why: string) => {
						try {
							channel.signal('TERM');
						} catch {
							// Half-closed already; closing is what matters.
						}
						channel.close();
						finish(-1, why);
					};
					const abandon: Abandon = why => finish(-1, why);
					const onAbort = () => stop('stopped (aborted); channel closed');
					this.running.add(abandon);
					options.signal?.addEventListener('abort', onAbort, {once: true});
					if (options.timeoutMs !== undefined) timer = setTimeout(() => stop(`no result after ${formatSeconds(options.timeoutMs!)}; channel closed`), options.timeoutMs);
					channel.on('close', () => finish(exitCode ?? -1, exitCode === undefined ? 'the command ended without an exit code' : undefined));
				});
				// sudo -S reads the password from the first line, before the command's own bytes.
				if (password !== undefined) channel.write(`${password}\n`);
				resolve({stdin: channel, stdout: channel, done});
			});
		});
	}

	close(): Promise<void> {
		this.closing ??= new Promise(resolve => {
			this.lost ??= `connection to ${describeEndpoint(this.endpoint)} closed by aegir-pack`;
			for (const abandon of [...this.running]) abandon(this.lost);
			const done = () => {
				clearTimeout(force);
				resolve();
			};
			// A peer that never answers the disconnect must not hold the run open.
			const force = setTimeout(() => {
				this.client.destroy();
				resolve();
			}, 2_000);
			this.client.once('close', done);
			this.client.end();
			if (!isOpen(this.client)) done();
		});
		return this.closing;
	}

	/** Settle how sudo works on this host once; concurrent callers share the answer. */
	private sudoAccess(): Promise<SudoAccess> {
		this.sudo ??= this.findSudo().then(access => {
			// A dropped connection is not an answer about sudo: ask again next time.
			if (access.mode === 'unavailable' && this.lost) this.sudo = undefined;
			return access;
		});
		return this.sudo;
	}

	private async findSudo(): Promise<SudoAccess> {
		const who = `${this.user} on ${this.hostName}`;
		const probe = await this.run(SUDO_PROBE, SUDO_PROBE, Buffer.alloc(0), {timeoutMs: SUDO_PROBE_TIMEOUT_MS}, Date.now());
		if (probe.code === 0) return {mode: 'nopasswd'};
		if (probe.code === -1) return {mode: 'unavailable', reason: `could not check sudo for ${who}: ${tail(probe.stderr)}`};
		if (probe.code === 127 || /not found/i.test(probe.stderr)) {
			return {mode: 'unavailable', reason: `sudo is not installed on ${this.hostName}: log in as root or install sudo`};
		}
		let password: string | undefined;
		try {
			password = await this.prompter.sudoPassword(this.hostName, this.user);
		} catch (error) {
			return {mode: 'unavailable', reason: `no sudo password for ${who}: ${(error as Error).message}`};
		}
		if (password === undefined) return {mode: 'unavailable', reason: `sudo needs a password for ${who} and none was given`};
		if (/[\n\r\0]/.test(password)) return {mode: 'unavailable', reason: `the sudo password for ${who} cannot contain a line break`};
		const check = await this.run(SUDO_PASSWORD_CHECK, SUDO_PASSWORD_CHECK, Buffer.from(`${password}\n`, 'utf8'), {timeoutMs: SUDO_PROBE_TIMEOUT_MS}, Date.now());
		if (check.code === 0) return {mode: 'password', password};
		return {mode: 'unavailable', reason: `sudo refused the password for ${who}${check.stderr.trim() ? `: ${tail(check.stderr)}` : ''}`};
	}

	/**
	 * One exec channel, from open to close. Resolves, never rejects. The result
	 * may come before the channel is closed (timeout, abort); the channel slot
	 * is only freed once the channel really is, so the cap always holds.
	 */
	private async run(command: string, remote: string, stdin: Buffer, options: ExecOptions, started: number): Promise<ExecResult> {
		const release = await this.channels.acquire();
		if (this.lost) {
			release();
			return failed(command, started, this.lost);
		}
		if (options.signal?.aborted) {
			release();
			return failed(command, started, 'stopped before it started');
		}

		return new Promise(resolve => {
			const output = new OutputCollector(options.onOutput);
			let exitCode: number | undefined;
			let channel: ClientChannel | undefined;
			let settled = false;
			let timer: NodeJS.Timeout | undefined;
			const finish = (code: number, note?: string) => {
				if (settled) return;
				settled = true;
				clearTimeout(timer);
				options.signal?.removeEventListener('abort', onAbort);
				this.running.delete(abandon);
				output.end(note);
				resolve({command, code, stdout: output.stdout, stderr: output.stderr, durationMs: Date.now() - started});
			};
			/** Stop the remote command and free the channel now; the result is -1. */
			const stop = (why: string) => {
				if (channel) {
					try {
						channel.signal('TERM');
					} catch {
						// The channel may already be half-closed; closing below is what matters.
					}
					channel.close();
				}
				finish(-1, why);
			};
			// The connection is gone: its channels are gone with it.
			const abandon: Abandon = why => {
				release();
				finish(-1, why);
			};
			const onAbort = () => stop('stopped (aborted); channel closed');

			this.running.add(abandon);
			options.signal?.addEventListener('abort', onAbort, {once: true});
			if (options.timeoutMs !== undefined) {
				timer = setTimeout(() => stop(`no result after ${formatSeconds(options.timeoutMs!)}; channel closed`), options.timeoutMs);
			}

			try {
				this.client.exec(remote, (error, opened) => {
					if (error) {
						release();
						finish(-1, `could not open a channel on ${this.hostName}: ${error.message}`);
						return;
					}
					channel = opened;
					opened.on('close', release);
					if (settled) {
						// Timed out or aborted while the channel was being opened.
						opened.close();
						return;
					}
					opened.on('data', (chunk: Buffer) => output.write('stdout', chunk));
					opened.stderr.on('data', (chunk: Buffer) => output.write('stderr', chunk));
					opened.on('exit', (code: number | null) => {
						if (typeof code === 'number') exitCode = code;
					});
					opened.on('close', () => finish(exitCode ?? -1, exitCode === undefined ? 'the command ended without an exit code' : undefined));
					// The remote end may close stdin early; that is its business, not an error here.
					opened.on('error', () => undefined);
					if (stdin.length === 0) opened.end();
					else opened.end(stdin);
				});
			} catch (error) {
				release();
				finish(-1, `could not open a channel on ${this.hostName}: ${(error as Error).message}`);
			}
		});
	}
}

/** Text goes as UTF-8; bytes as they are (a file that is not UTF-8 arrives intact). */
function stdinBytes(stdin: string | Uint8Array | undefined): Buffer {
	if (stdin === undefined) return Buffer.alloc(0);
	return typeof stdin === 'string' ? Buffer.from(stdin, 'utf8') : Buffer.from(stdin.buffer, stdin.byteOffset, stdin.byteLength);
}

function failed(command: string, started: number, why: string): ExecResult {
	return {command, code: -1, stdout: '', stderr: `aegir-pack: ${why}\n`, durationMs: Date.now() - started};
}

function tail(text: string): string {
	return text.trim().split('\n').slice(-3).join(' / ');
}

function formatSeconds(ms: number): string {
	return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

/** ssh2 keeps the socket private; a client whose socket is gone will never emit 'close' again. */
function isOpen(client: Client): boolean {
	const socket = (client as unknown as {_sock?: {destroyed?: boolean}})._sock;
	return socket !== undefined && socket.destroyed !== true;
}
