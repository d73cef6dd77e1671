// A Transport whose host is this machine (the Aegir server): command lines run
// with /bin/sh, stdin carries file content as over ssh. `sudo` runs as-is when
// we are root, else through `sudo -n` (a run screen has no terminal for a
// password prompt; without NOPASSWD it fails and says so). Used for the Aegir
// server's side of the prerequisites: its aegir user's key and known_hosts.

import {spawn} from 'node:child_process';
import type {CommandStream, ExecOptions, ExecResult, PushTreeOptions, PushTreeResult, StreamOptions, Transport} from '../contracts/transport.js';

export type LocalTransportOptions = {
	/** The name runs and logs show (default `Aegir server`). */
	hostName?: string;
	/** Our uid (tests pretend not to be root). */
	uid?: number;
	env?: NodeJS.ProcessEnv;
};

/** How long a killed command gets to go before its pipes are abandoned. */
const KILL_GRACE_MS = 2000;

export function localCommandLine(command: string, sudo: boolean, uid: number | undefined): {file: string; args: string[]} {
	if (sudo && uid !== 0) return {file: 'sudo', args: ['-n', '--', '/bin/sh', '-c', command]};
	return {file: '/bin/sh', args: ['-c', command]};
}

export class LocalTransport implements Transport {
	readonly hostName: string;
	readonly #options: LocalTransportOptions;

	constructor(options: LocalTransportOptions = {}) {
		this.hostName = options.hostName ?? 'Aegir server';
		this.#options = options;
	}

	async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
		const started = Date.now();
		const uid = this.#options.uid ?? process.getuid?.();
		const {file, args} = localCommandLine(command, options.sudo ?? false, uid);
		return new Promise(resolve => {
			let stdout = '';
			let stderr = '';
			let settled = false;
			const finish = (code: number) => {
				if (settled) return;
				settled = true;
				if (timer) clearTimeout(timer);
				options.signal?.removeEventListener('abort', onAbort);
				resolve({command, code, stdout, stderr, durationMs: Date.now() - started});
			};

			// Its own process group, so a kill reaches what the shell started too
			// (and a terminal's Ctrl-C does not: the runner lets a command finish).
			const child = spawn(file, args, {env: this.#options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true});
			const kill = (why: string) => {
				stderr += `${stderr === '' || stderr.endsWith('\n') ? '' : '\n'}${why}\n`;
				try {
					if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
				} catch {
					child.kill('SIGKILL');
				}

				// A grandchild holding the pipes open must not hold the run.
				setTimeout(() => finish(-1), KILL_GRACE_MS).unref();
			};

			const onAbort = () => kill('aegir-pack: stopped');
			const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => kill(`aegir-pack: timed out after ${options.timeoutMs} ms`), options.timeoutMs);
			if (options.signal?.aborted) onAbort();
			else options.signal?.addEventListener('abort', onAbort, {once: true});

			child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
				stdout += chunk;
				options.onOutput?.(chunk, 'stdout');
			});
			child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
				stderr += chunk;
				options.onOutput?.(chunk, 'stderr');
			});
			child.on('error', error => {
				stderr += `${error.message}\n`;
				finish(-1);
			});
			child.on('close', code => finish(code ?? -1));
			// The command may exit without reading its stdin.
			child.stdin.on('error', () => {});
			child.stdin.end(options.stdin ?? '');
		});
	}

	/** A command with binary stdin/stdout (a tar of this machine's tree, piped to a host). */
	async stream(command: string, options: StreamOptions = {}): Promise<CommandStream> {
		const started = Date.now();
		const uid = this.#options.uid ?? process.getuid?.();
		const {file, args} = localCommandLine(command, options.sudo ?? false, uid);
		const child = spawn(file, args, {env: this.#options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true});
		let stderr = '';
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		child.stdin.on('error', () => {});
		const done = new Promise<ExecResult>(resolve => {
			let settled = false;
			const finish = (code: number, note?: string) => {
				if (settled) return;
				settled = true;
				clearTimeout(timer);
				options.signal?.removeEventListener('abort', onAbort);
				resolve({command, code, stdout: '', stderr: note ? `${stderr}${note}\n` : stderr, durationMs: Date.now() - started});
			};
			const kill = (why: string) => {
				try {
					if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
				} catch {
					child.kill('SIGKILL');
				}
				setTimeout(() => finish(-1, why), KILL_GRACE_MS).unref();
			};
			const onAbort = () => kill('aegir-pack: stopped');
			const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => kill(`aegir-pack: timed out after ${options.timeoutMs} ms`), options.timeoutMs);
			if (options.signal?.aborted) onAbort();
			else options.signal?.addEventListener('abort', onAbort, {once: true});
			child.on('error', error => finish(-1, error.message));
			child.on('close', code => finish(code ?? -1));
		});
		return {stdin: child.stdin, stdout: child.stdout, done};
	}

	async pushTree(options: PushTreeOptions): Promise<PushTreeResult> {
		throw new Error(`the local transport does not rsync (${options.source} -> ${options.destination}): nothing is synced to this machine`);
	}

	async close(): Promise<void> {
		// Nothing to close: every command was its own process.
	}
}

/** This machine as a Transport, for `aegirPrerequisites.connectAegirServer`. */
export async function localTransport(options: LocalTransportOptions = {}): Promise<Transport> {
	return new LocalTransport(options);
}
