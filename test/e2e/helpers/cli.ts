// Running the built CLI (dist/cli.js) the two ways people do: piped, with no
// terminal (scripts, CI), and in a real pseudo-terminal (node-pty) whose
// screen the test reads as a person would.
import {spawn} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import * as pty from 'node-pty';
import {Screen} from './screen.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CLI_PATH = path.join(REPO, 'dist', 'cli.js');

export type CliResult = {code: number; stdout: string; stderr: string};

/** Run `node dist/cli.js ARGS` without a TTY; stdin is `input` (or empty). Never throws for a non-zero exit. */
export function runCli(args: string[], options: {env?: Record<string, string>; input?: string; timeoutMs?: number} = {}): Promise<CliResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [CLI_PATH, ...args], {
			cwd: REPO,
			env: {...process.env, ...options.env},
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		const timeoutMs = options.timeoutMs ?? 120_000;
		const timer = setTimeout(() => {
			stderr += `\n[runCli] killed after ${timeoutMs} ms`;
			child.kill('SIGKILL');
		}, timeoutMs);
		child.on('error', error => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({code: code ?? (signal === 'SIGINT' ? 130 : 128 + 9), stdout, stderr});
		});
		child.stdin.on('error', () => {});
		child.stdin.end(options.input ?? '');
	});
}

export type PtySession = {
	/** Type into the terminal (e.g. '\r' for Enter, '\u001B[B' for Down, '\u0003' for Ctrl-C). */
	write(data: string): void;
	/** The visible screen right now, as text. */
	screen(): string;
	/** Everything written to the terminal so far, escapes included. */
	output(): string;
	/** Resolves when the screen shows `text`; rejects with the screen after `timeoutMs` (default 15 s). */
	waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
	/** Resolves with the exit code once the program exits. */
	exit: Promise<number>;
	kill(): void;
	/** The program's process id (to send it a signal of one's own choosing). */
	pid: number;
};

/** Any program in a pty of `cols`×`rows` (default 80×24, the users' plain terminal). */
export function spawnPty(
	command: string,
	args: string[],
	options: {cols?: number; rows?: number; env?: Record<string, string | undefined>; cwd?: string} = {},
): PtySession {
	const cols = options.cols ?? 80;
	const rows = options.rows ?? 24;
	const env: Record<string, string> = {};
	// An interactive terminal: no CI flag (Ink would print only the last frame).
	for (const [key, value] of Object.entries({...process.env, TERM: 'xterm-256color', CI: undefined, ...options.env})) {
		if (value !== undefined) env[key] = value;
	}
	const term = pty.spawn(command, args, {name: 'xterm-256color', cols, rows, cwd: options.cwd ?? REPO, env});
	const screen = new Screen(cols, rows);
	let raw = '';
	term.onData(data => {
		raw += data;
		screen.write(data);
	});
	const exit = new Promise<number>(resolve => term.onExit(({exitCode}) => resolve(exitCode)));
	let exited = false;
	void exit.then(() => (exited = true));
	return {
		write: data => term.write(data),
		screen: () => screen.text(),
		output: () => raw,
		async waitFor(text, timeoutMs = 15_000) {
			const deadline = Date.now() + timeoutMs;
			const seen = () => (typeof text === 'string' ? screen.text().includes(text) : text.test(screen.text()));
			while (!seen()) {
				if (Date.now() > deadline || exited) {
					if (seen()) return;
					throw new Error(`${exited ? 'program exited' : `timed out after ${timeoutMs} ms`} waiting for ${String(text)}; screen:\n${screen.text()}`);
				}
				await new Promise(resolve => setTimeout(resolve, 20));
			}
		},
		exit,
		kill: () => {
			if (!exited) term.kill();
		},
		pid: term.pid,
	};
}

/** `node dist/cli.js ARGS` in a pty. */
export function spawnCliPty(args: string[], options: {cols?: number; rows?: number; env?: Record<string, string | undefined>} = {}): PtySession {
	return spawnPty(process.execPath, [CLI_PATH, ...args], options);
}
