// Running programs on the lab machine: one small promise wrapper, so every
// failure carries the command and its stderr.
import {spawn} from 'node:child_process';

/**
 * @typedef {{code: number, stdout: string, stderr: string}} RunResult
 * @param {string} command
 * @param {string[]} args
 * @param {{input?: string, allowFail?: boolean, env?: NodeJS.ProcessEnv, timeoutMs?: number, cwd?: string}} [options]
 * @returns {Promise<RunResult>}
 */
export function run(command, args, options = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			stdio: ['pipe', 'pipe', 'pipe'],
			env: options.env ?? process.env,
			cwd: options.cwd,
		});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', chunk => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', chunk => (stderr += chunk));
		const timer = options.timeoutMs
			? setTimeout(() => {
					stderr += `\n[lab] ${command} timed out after ${options.timeoutMs} ms`;
					child.kill('SIGKILL');
				}, options.timeoutMs)
			: undefined;
		child.on('error', error => {
			clearTimeout(timer);
			reject(new Error(`${command}: ${error.message}`));
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			const result = {code: code ?? (signal ? 128 + 9 : -1), stdout, stderr};
			if (result.code !== 0 && !options.allowFail) {
				reject(new Error(`${[command, ...args].join(' ')} failed (${result.code}): ${stderr.trim() || stdout.trim()}`));
			} else resolve(result);
		});
		child.stdin.on('error', () => {});
		child.stdin.end(options.input ?? '');
	});
}

export const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** Poll `check` until it returns a truthy value or `timeoutMs` passes. */
export async function waitUntil(check, timeoutMs, what) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(25);
	}
}
