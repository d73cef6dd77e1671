// Re-runs of a saved pack on the lab, as a sysadmin types them without a
// terminal: add-slave, remove-slave and status, with the same files the apply
// used (store, ssh config, known_hosts, the local Aegir server's trees).
import fs from 'node:fs';
import path from 'node:path';
import {PACK_NAME, startCli, type AegirServer, type StreamingRun} from './apply-run.js';
import {runCli, type CliResult} from './cli.js';
import type {Lab} from './lab.js';

/** The file and connection flags every re-run command takes, pointed at the lab and the local Aegir server. */
export function rerunFileFlags(lab: Lab, server: AegirServer): string[] {
	return [
		...['--store-dir', server.storeDir, '--ssh-config', lab.sshConfigFile, '--known-hosts', lab.knownHostsFile],
		...['--config-dir', server.configDir, '--platforms-dir', server.platformsDir],
	];
}

export function addSlaveArgs(lab: Lab, server: AegirServer, hosts: string[], extra: string[] = ['--yes']): string[] {
	return ['add-slave', PACK_NAME, ...hosts, ...rerunFileFlags(lab, server), ...extra];
}

export function runAddSlave(lab: Lab, server: AegirServer, hosts: string[], extra?: string[]): Promise<CliResult> {
	return runCli(addSlaveArgs(lab, server, hosts, extra), {env: {CI: 'true'}, timeoutMs: 120_000});
}

/** add-slave with its output readable while it runs (to kill a host's sshd mid-way). */
export function startAddSlave(lab: Lab, server: AegirServer, hosts: string[], extra?: string[]): StreamingRun {
	return startCli(addSlaveArgs(lab, server, hosts, extra));
}

export function runRemoveSlave(lab: Lab, server: AegirServer, host: string, extra: string[] = ['--yes']): Promise<CliResult> {
	return runCli(['remove-slave', PACK_NAME, host, ...rerunFileFlags(lab, server), ...extra], {env: {CI: 'true'}, timeoutMs: 120_000});
}

export type TimedResult = CliResult & {seconds: number};

/** `status` (status takes no config/platforms dirs), timed: it must return within a bounded time. */
export async function runStatus(lab: Lab, server: AegirServer, extra: string[] = [], pack = PACK_NAME): Promise<TimedResult> {
	const started = performance.now();
	const result = await runCli(
		['status', pack, '--store-dir', server.storeDir, '--ssh-config', lab.sshConfigFile, '--known-hosts', lab.knownHostsFile, ...extra],
		{env: {CI: 'true'}, timeoutMs: 90_000},
	);
	return {...result, seconds: (performance.now() - started) / 1000};
}

/** The `status --json` report, as the contract gives it. */
export type StatusReport = {
	pack: string;
	checkedAt: string;
	lastAppliedAt?: string;
	healthy: boolean;
	rows: Array<{
		host: string;
		address: string;
		roles: string[];
		reachable: boolean;
		aegir?: {uid?: number; gid?: number};
		checks: Array<{id: string; label: string; ok: boolean | null; detail: string; fix?: string}>;
		problems: string[];
	}>;
};

export function parseStatus(result: CliResult): StatusReport {
	try {
		return JSON.parse(result.stdout) as StatusReport;
	} catch (error) {
		throw new Error(`status --json printed no JSON (${String(error)}):\n${result.stdout}${result.stderr}`);
	}
}

/** Hosts whose row shows a problem (a failed check, a problem line, or unreachable). */
export function redRows(report: StatusReport): string[] {
	return report.rows.filter(row => !row.reachable || row.problems.length > 0 || row.checks.some(check => check.ok === false)).map(row => row.host);
}

/** The store file (conf's config.json): its bytes prove a failed run left the saved pack alone. */
export function storeFile(server: AegirServer): string {
	return path.join(server.storeDir, 'config.json');
}

export type SavedPack = {name: string; slaves: Array<{name: string; address: string}>; subnets: string[]; record?: {lastAppliedAt?: string}};

export function savedPack(server: AegirServer, name = PACK_NAME): SavedPack {
	const data = JSON.parse(fs.readFileSync(storeFile(server), 'utf8')) as {packs: SavedPack[]};
	const pack = data.packs.find(candidate => candidate.name === name);
	if (!pack) throw new Error(`no pack ${name} in ${storeFile(server)}`);
	return pack;
}

export type SshdWatch = {
	/** Log lines each watched host's sshd wrote since the watch began, by host. */
	since(): Promise<Record<string, string[]>>;
	/** Hosts whose sshd saw at least one connection since the watch began. */
	contacted(): Promise<string[]>;
};

/**
 * Marks where each host's sshd log ends now, so a test can prove a run never
 * connected to a host (no `Connection from` line), not merely never changed it.
 */
export async function watchSshd(lab: Lab, hosts: string[]): Promise<SshdWatch> {
	const offsets = Object.fromEntries(await Promise.all(hosts.map(async host => [host, (await lab.sshdLog(host)).length] as const)));
	const since = async () =>
		Object.fromEntries(
			await Promise.all(
				hosts.map(async host => [host, (await lab.sshdLog(host)).slice(offsets[host]).split('\n').filter(Boolean)] as const),
			),
		);
	return {
		since,
		async contacted() {
			const lines = await since();
			return hosts.filter(host => lines[host]!.some(line => line.startsWith('Connection from ')));
		},
	};
}

export type PrintedDiff = {added: string[]; removed: string[]};

/**
 * The `+`/`-` lines of each unified diff of `file` in the output (headers
 * excluded): the review prints them bare, the run prints them under a step as
 * `host  | …` lines. `host` undefined: the review's; else that host's.
 */
export function printedDiffs(stdout: string, file: string, host?: string): PrintedDiff[] {
	const prefix = host === undefined ? undefined : new RegExp(`^${host}\\s+\\| `);
	const lines = prefix === undefined ? stdout.split('\n') : stdout.split('\n').filter(line => prefix.test(line)).map(line => line.replace(prefix, ''));
	const diffs: PrintedDiff[] = [];
	let current: PrintedDiff | undefined;
	for (const [index, line] of lines.entries()) {
		if (line.startsWith('--- ') && lines[index + 1]?.startsWith('+++ ')) {
			current = line.slice(4).split(' ')[0] === file ? {added: [], removed: []} : undefined;
			if (current) diffs.push(current);
			continue;
		}
		if (!current || line.startsWith('+++ ') || line.startsWith('@@')) continue;
		if (line.startsWith('+')) current.added.push(line.slice(1));
		else if (line.startsWith('-')) current.removed.push(line.slice(1));
		else if (!line.startsWith(' ')) current = undefined;
	}
	return diffs;
}
