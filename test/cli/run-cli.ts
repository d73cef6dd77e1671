// Runs the built CLI (dist/cli.js) as a child process without a terminal.
import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';

export const CLI = resolve(import.meta.dirname, '../../dist/cli.js');

export function assertBuilt(): void {
	if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
}

export type CliResult = {code: number | null; stdout: string; stderr: string};

/** Environment for the child: no CI marker unless asked, no store or ssh config from the real home. */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {...process.env, ...extra};
	delete env['CI'];
	delete env['CONTINUOUS_INTEGRATION'];
	delete env['AEGIR_PACK_HOME'];
	delete env['AEGIR_PACK_SSH_CONFIG'];
	return {...env, ...extra};
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = cliEnv()): Promise<CliResult> {
	return new Promise((resolvePromise, reject) => {
		const child = spawn(process.execPath, [CLI, ...args], {env, stdio: ['pipe', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += String(chunk)));
		child.stderr.on('data', chunk => (stderr += String(chunk)));
		child.on('error', reject);
		child.on('close', code => resolvePromise({code, stdout, stderr}));
		child.stdin.end();
	});
}

/** A temp dir with an empty ssh config; removed by the returned cleanup. */
export function workspace(): {dir: string; storeDir: string; sshConfig: string; cleanup: () => void} {
	const dir = mkdtempSync(join(tmpdir(), 'aegir-pack-cli-'));
	const sshConfig = join(dir, 'ssh_config');
	writeFileSync(sshConfig, '');
	return {dir, storeDir: join(dir, 'store'), sshConfig, cleanup: () => rmSync(dir, {recursive: true, force: true})};
}
