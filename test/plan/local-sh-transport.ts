// A Transport whose "host" is this machine: commands run with the local
// /bin/sh. It fakes the host, not the scripts under test: the real safe-edit,
// facts and apt scripts run unchanged against temp dirs. `sudo` is ignored
// (tests never need root); `user` runs commands as another uid when the tests
// run as root, so permission failures are real.

import {spawn} from 'node:child_process';
import type {ExecOptions, ExecResult, PushTreeOptions, PushTreeResult, Transport} from '../../source/contracts/transport.js';

export type LocalShOptions = {
	hostName?: string;
	/** Run as this uid/gid (only possible when the tests run as root). */
	user?: {uid: number; gid: number};
	env?: Record<string, string>;
	cwd?: string;
};

/** `nobody`, to drop root's permission bypass in tests that need a real EACCES. */
export const NOBODY = {uid: 65_534, gid: 65_534};

export const runningAsRoot = () => process.getuid?.() === 0;

export class LocalShTransport implements Transport {
	readonly hostName: string;
	readonly commands: string[] = [];
	closed = false;

	constructor(readonly options: LocalShOptions = {}) {
		this.hostName = options.hostName ?? 'local';
	}

	async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
		this.commands.push(command);
		const started = Date.now();
		const user = this.options.user && runningAsRoot() ? this.options.user : undefined;
		return new Promise(resolve => {
			const child = spawn('/bin/sh', ['-c', command], {
				cwd: this.options.cwd,
				env: {...process.env, LC_ALL: 'C', ...this.options.env},
				uid: user?.uid,
				gid: user?.gid,
				stdio: ['pipe', 'pipe', 'pipe'],
			});
			let stdout = '';
			let stderr = '';
			child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
				stdout += chunk;
				options.onOutput?.(chunk, 'stdout');
			});
			child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
				stderr += chunk;
				options.onOutput?.(chunk, 'stderr');
			});
			const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
			child.on('error', error => {
				stderr += String(error);
			});
			child.on('close', code => {
				if (timer) clearTimeout(timer);
				resolve({command, code: code ?? -1, stdout, stderr, durationMs: Date.now() - started});
			});
			child.stdin.on('error', () => {});
			child.stdin.end(options.stdin ?? '');
		});
	}

	async pushTree(options: PushTreeOptions): Promise<PushTreeResult> {
		throw new Error(`LocalShTransport cannot rsync (${options.source} -> ${options.destination})`);
	}

	async close(): Promise<void> {
		this.closed = true;
	}
}
