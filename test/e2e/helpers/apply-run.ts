// Running `aegir-pack` apply against the lab the way the brief's sysadmin
// does without a terminal: this machine plays the Aegir server (its
// /var/aegir as provision lays it, in a temp dir: test/lab/aegir-tree.mjs),
// the lab hosts are the pack.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {CLI_PATH, runCli, type CliResult} from './cli.js';
import {afterAll, beforeAll} from 'vitest';
import {startLab, type Lab, type StartLabOptions} from './lab.js';
import {HEAD_SETUP, makeAegirTree} from '../../lab/aegir-tree.mjs';

export const PACK_NAME = 'pack.example.com';
export const SHARE = '/var/aegir/platforms';
export const EXPORTS_DROP_IN = `/etc/exports.d/aegir-pack-${PACK_NAME}.exports`;

export type AegirServer = {dir: string; storeDir: string; configDir: string; platformsDir: string};

/**
 * A fresh local "Aegir server": config and one Drupal platform with a site, as
 * provision lays them out, plus an empty store. `heads`: the pack host names
 * that get a server_<name> directory (default master, web1 … web3).
 */
export function seedAegirServer(heads?: string[]): AegirServer {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aegir-pack-apply-'));
	const {configDir, platformsDir} = makeAegirTree(path.join(dir, 'aegir'), heads ? {heads} : {});
	return {dir, storeDir: path.join(dir, 'store'), configDir, platformsDir};
}

/** What Aegir's remote server setup gives every lab head that has an aegir user: aegir in www-data. */
export async function prepareHeads(lab: Lab): Promise<void> {
	for (const host of lab.hosts) {
		if (host.aegir === 'absent') continue;
		const result = await lab.exec(host.name, HEAD_SETUP);
		if (result.code !== 0) throw new Error(`${host.name}: ${HEAD_SETUP} failed: ${result.stderr}`);
	}
}

export function removeAegirServer(server: AegirServer | undefined): void {
	if (server) fs.rmSync(server.dir, {recursive: true, force: true});
}

/** The full non-interactive command line for a master + slaves pack on the lab. */
export function applyArgs(
	lab: Lab,
	server: AegirServer,
	options: {master?: string; slaves?: string[]; knownHosts?: string; subnets?: string[]; extra?: string[]} = {},
): string[] {
	const slaves = options.slaves ?? ['web1', 'web2'];
	const subnets = options.subnets ?? ['127.0.1.0/24'];
	return [
		...['--store-dir', server.storeDir, '--ssh-config', lab.sshConfigFile, '--known-hosts', options.knownHosts ?? lab.knownHostsFile],
		...['--name', PACK_NAME, '--master', options.master ?? 'master', ...slaves.flatMap(slave => ['--slave', slave])],
		...subnets.flatMap(subnet => ['--subnet', subnet]),
		...['--config-dir', server.configDir, '--platforms-dir', server.platformsDir, '--yes'],
		...(options.extra ?? []),
	];
}

export function runApply(lab: Lab, server: AegirServer, options: Parameters<typeof applyArgs>[2] = {}): Promise<CliResult> {
	return runCli(applyArgs(lab, server, options), {env: {CI: 'true'}, timeoutMs: 120_000});
}

export type RecapRow = {ok: number; changed: number; failed: number; skipped: number};

/** The RECAP table of the plain output, by host. Throws when there is none (a crash, not a recap). */
export function parseRecap(stdout: string): Record<string, RecapRow> {
	const lines = stdout.split('\n');
	const start = lines.findIndex(line => /^RECAP\s+ok\s+changed\s+failed\s+skipped/.test(line));
	if (start < 0) throw new Error(`no RECAP in the output:\n${stdout}`);
	const rows: Record<string, RecapRow> = {};
	for (const line of lines.slice(start + 1)) {
		const match = /^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(line);
		if (!match) break;
		const [, host, ok, changed, failed, skipped] = match;
		rows[host!] = {ok: Number(ok), changed: Number(changed), failed: Number(failed), skipped: Number(skipped)};
	}
	return rows;
}

/** The plain step lines of one host (`web1  6/10 packages …  changed  3.5s  (…)`). */
export function stepLines(stdout: string, host: string): string[] {
	return stdout.split('\n').filter(line => new RegExp(`^${host}\\s+\\d+/\\d+ `).test(line));
}

/** Checksums of the given trees on every given host, to prove a run changed nothing. */
export async function snapshot(lab: Lab, hosts: string[], dirs: string[] = ['/etc']): Promise<Record<string, Record<string, string>>> {
	const result: Record<string, Record<string, string>> = {};
	for (const host of hosts) {
		for (const dir of dirs) result[`${host}:${dir}`] = await lab.checksumTree(host, dir);
	}
	return result;
}

/** The run's log directory, from the `logs: DIR` line of the plain output. */
export function logDirOf(stdout: string): string {
	const match = /^logs: (\S+)$/m.exec(stdout);
	if (!match) throw new Error(`no "logs:" line in the output:\n${stdout}`);
	return match[1]!;
}

export type StreamingRun = {
	output(): string;
	/** Resolves when stdout shows `pattern`; rejects if the program exits first or after `timeoutMs`. */
	waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
	done: Promise<CliResult>;
	/** Send the running CLI a signal (SIGTERM, SIGHUP…), as a supervisor or a closing terminal does. */
	kill(signal: NodeJS.Signals): void;
};

/** The CLI without a terminal, its output readable while it runs (to apply a fault mid-run). */
export function startApply(lab: Lab, server: AegirServer, options: Parameters<typeof applyArgs>[2] = {}): StreamingRun {
	return startCli(applyArgs(lab, server, options));
}

/** Any CLI command line without a terminal (CI set), its output readable while it runs. */
export function startCli(args: string[]): StreamingRun {
	const child = spawn(process.execPath, [CLI_PATH, ...args], {
		env: {...process.env, CI: 'true'},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	let exited = false;
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
	const done = new Promise<CliResult>(resolve => {
		child.on('close', code => {
			clearTimeout(timer);
			exited = true;
			resolve({code: code ?? -1, stdout, stderr});
		});
	});
	return {
		output: () => stdout,
		async waitFor(pattern, timeoutMs = 60_000) {
			const deadline = Date.now() + timeoutMs;
			while (!pattern.test(stdout)) {
				if (exited || Date.now() > deadline) {
					if (pattern.test(stdout)) return;
					throw new Error(`${exited ? 'the run exited' : 'timed out'} before ${String(pattern)}:\n${stdout}${stderr}`);
				}
				await new Promise(resolve => setTimeout(resolve, 10));
			}
		},
		done,
		kill: signal => {
			if (!exited) child.kill(signal);
		},
	};
}

/**
 * For one describe block: a fresh lab and a fresh local "Aegir server" before
 * its tests, both removed after (`down` itself fails if anything of the lab is left).
 */
export function useLabAndAegirServer(options: StartLabOptions & {heads?: string[]}, use: (lab: Lab, server: AegirServer) => void): void {
	let lab: Lab | undefined;
	let server: AegirServer | undefined;
	beforeAll(async () => {
		const {heads, ...labOptions} = options;
		lab = await startLab(labOptions);
		await prepareHeads(lab);
		server = seedAegirServer(heads);
		use(lab, server);
	});
	afterAll(async () => {
		try {
			await lab?.down();
		} finally {
			removeAegirServer(server);
		}
	});
}
