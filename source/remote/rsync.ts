// Pushing a local tree to a host with the real rsync, as Aegir's provision
// does (-a -z --keep-dirlinks --omit-dir-times --delete, VCS dirs excluded),
// over the system ssh with host keys checked against the same known_hosts
// files the ssh2 connection used. Spawned with an argv: no local shell.

import {spawn} from 'node:child_process';
import {resolve as resolvePath} from 'node:path';
import {OutputCollector} from './output-collector.js';
import type {PushTreeOptions, PushTreeResult} from '../contracts/transport.js';
import {commandLine} from '../shell/quote.js';

/** Everything rsync's ssh needs to reach and trust the host. */
export type RsyncTarget = {
	address: string;
	port: number;
	user: string;
	identityFiles: readonly string[];
	identitiesOnly: boolean;
	/** Same files as the ssh2 connection; the first is where accepted keys were appended. */
	knownHostsFiles: readonly string[];
	/** System-wide files; empty: leave ssh's own default. */
	globalKnownHostsFiles: readonly string[];
	/** undefined: ssh reads ~/.ssh/config itself; false: read no config; a path: `-F path`. */
	sshConfigFile?: string | false;
	/** Agent for the spawned ssh; false: none. undefined: inherit the environment. */
	agentSocket?: string | false;
	connectTimeoutSeconds: number;
	serverAliveIntervalSeconds: number;
	serverAliveCountMax: number;
};

export const RSYNC_BASE_FLAGS = [
	'-a',
	'-z',
	'--keep-dirlinks',
	'--omit-dir-times',
	'--delete',
	'--exclude=.git',
	'--exclude=.svn',
	'--exclude=.hg',
	'--exclude=.bzr',
	'--itemize-changes',
] as const;

/** Characters that need no quoting anywhere on the way (rsync -e split, ssh, remote shell). */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * One word of rsync's `-e` command: rsync splits that string on spaces and
 * honours '…' / "…" quoting, where a doubled quote stands for itself
 * (no backslash escapes).
 */
export function rsyncShellWord(value: string): string {
	if (value !== '' && PLAIN.test(value)) return value;
	return `'${value.replaceAll("'", "''")}'`;
}

/** A path inside an ssh option value (ssh splits those on spaces and honours "…"). */
function sshOptionPath(path: string): string {
	if (/["'\\\n\r\0]/.test(path)) throw new Error(`cannot pass this path to ssh safely: ${JSON.stringify(path)}`);
	return /\s/.test(path) ? `"${path}"` : path;
}

/** The ssh command rsync runs (`-e`): strict host key checking, never a prompt. */
export function rsyncRemoteShell(target: RsyncTarget): string {
	if (target.knownHostsFiles.length === 0) throw new Error('rsync needs at least one known_hosts file');
	const words = ['ssh'];
	if (target.sshConfigFile === false) words.push('-F', 'none');
	else if (target.sshConfigFile !== undefined) words.push('-F', target.sshConfigFile);
	words.push('-p', String(target.port), '-l', target.user);
	for (const file of target.identityFiles) words.push('-i', file);
	words.push('-o', `UserKnownHostsFile=${target.knownHostsFiles.map(sshOptionPath).join(' ')}`);
	if (target.globalKnownHostsFiles.length > 0) {
		words.push('-o', `GlobalKnownHostsFile=${target.globalKnownHostsFiles.map(sshOptionPath).join(' ')}`);
	}
	words.push(
		'-o',
		'StrictHostKeyChecking=yes',
		'-o',
		'BatchMode=yes',
		'-o',
		`IdentitiesOnly=${target.identitiesOnly ? 'yes' : 'no'}`,
		'-o',
		`ConnectTimeout=${target.connectTimeoutSeconds}`,
		'-o',
		`ServerAliveInterval=${target.serverAliveIntervalSeconds}`,
		'-o',
		`ServerAliveCountMax=${target.serverAliveCountMax}`,
	);
	return words.map(rsyncShellWord).join(' ');
}

/** Why these values cannot be handed to rsync, or undefined when they are fine. */
export function unsafePushValue(target: RsyncTarget, options: PushTreeOptions): string | undefined {
	// A host starting with '-' would be read by ssh as an option (-oProxyCommand=…).
	if (!/^[A-Za-z0-9:][A-Za-z0-9:._%-]*$/.test(target.address)) return `unsafe host address ${JSON.stringify(target.address)}`;
	if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(target.user)) return `unsafe user name ${JSON.stringify(target.user)}`;
	// The remote path crosses the remote shell with older rsync: keep it plain.
	if (!options.destination.startsWith('/') || !PLAIN.test(options.destination)) {
		return `unsafe destination path ${JSON.stringify(options.destination)} (absolute, letters, digits and _@%+=:,./- only)`;
	}
	if (options.chown !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9._-]*(:[A-Za-z0-9_][A-Za-z0-9._-]*)?$/.test(options.chown)) {
		return `unsafe owner ${JSON.stringify(options.chown)}`;
	}
	if (/[\n\r\0]/.test(options.source) || (options.exclude ?? []).some(pattern => /[\n\r\0]/.test(pattern) || pattern === '')) {
		return 'source path or exclude pattern holds a line break or NUL';
	}
	return undefined;
}

/** The full rsync argv (without `rsync` itself). Throws on values that are not safe to pass. */
export function rsyncArgv(target: RsyncTarget, options: PushTreeOptions): string[] {
	const problem = unsafePushValue(target, options);
	if (problem) throw new Error(problem);
	const argv: string[] = [...RSYNC_BASE_FLAGS];
	for (const pattern of options.exclude ?? []) argv.push(`--exclude=${pattern}`);
	if (options.chown !== undefined) argv.push(`--chown=${options.chown}`);
	if (options.dryRun) argv.push('--dry-run');
	// A non-root login writes as root through passwordless sudo (-n: fail, never hang on a prompt).
	if (target.user !== 'root') argv.push('--rsync-path=sudo -n rsync');
	argv.push('-e', rsyncRemoteShell(target));
	// Trailing slash: copy the directory's contents into the destination, as the contract says.
	const source = resolvePath(options.source);
	const host = target.address.includes(':') ? `[${target.address}]` : target.address;
	argv.push('--', source.endsWith('/') ? source : `${source}/`, `${host}:${options.destination}`);
	return argv;
}

/**
 * Paths from `--itemize-changes` output (`%i %n%L`) that rsync created,
 * updated or deleted. Lines of attributes-only-unchanged items (all dots)
 * and anything that is not an itemized line are ignored.
 */
export function parseItemizedChanges(output: string): string[] {
	const changed: string[] = [];
	for (const line of output.split('\n')) {
		const deleted = /^\*deleting +(.+)$/.exec(line);
		if (deleted) {
			changed.push(deleted[1]!);
			continue;
		}
		const item = /^([<>ch.])([fdLDS])(\S{7,9}) (.+)$/.exec(line);
		if (!item) continue;
		const [, update, type, attributes, rest] = item as unknown as [string, string, string, string, string];
		if (update === '.' && /^[. ]*$/.test(attributes)) continue;
		let name = rest;
		if (type === 'L') name = name.replace(/ -> .*$/, '');
		if (update === 'h') name = name.replace(/ => .*$/, '');
		changed.push(name);
	}
	return changed;
}

/** Explain the failures a sysadmin can fix, after rsync's own words. */
export function rsyncHint(target: RsyncTarget, code: number, stderr: string): string | undefined {
	if (code === 0) return undefined;
	if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(stderr)) {
		return `ssh refused the host key of ${target.address}:${target.port} (checked against ${target.knownHostsFiles.join(', ')}); host key checking is never turned off.`;
	}
	if (target.user !== 'root' && /sudo|password is required|terminal is required/i.test(stderr)) {
		return (
			`rsync runs as root through \`sudo -n rsync\` for ${target.user}: that needs passwordless sudo for rsync on the host ` +
			`(e.g. \`${target.user} ALL=(root) NOPASSWD: /usr/bin/rsync\` in /etc/sudoers.d/aegir-pack), or log in as root.`
		);
	}
	if (/rsync: (command )?not found|rsync: No such file/i.test(stderr) || code === 127) {
		return `rsync is missing on ${target.address}: install it there (apt-get install rsync).`;
	}
	if (/Permission denied \(publickey/i.test(stderr)) {
		return `ssh could not log in as ${target.user} with the agent or the key files (BatchMode: no password prompts).`;
	}
	return undefined;
}

/** Run rsync; resolves (never rejects) with code -1 when it could not run or was aborted. */
export function runRsync(target: RsyncTarget, options: PushTreeOptions): Promise<PushTreeResult> {
	const started = Date.now();
	let argv: string[];
	try {
		argv = rsyncArgv(target, options);
	} catch (error) {
		const message = `aegir-pack: refusing to run rsync: ${(error as Error).message}\n`;
		return Promise.resolve({command: 'rsync', code: -1, stdout: '', stderr: message, durationMs: 0, changed: []});
	}
	const command = commandLine(['rsync', ...argv]);
	const env = {...process.env};
	if (target.agentSocket === false) delete env['SSH_AUTH_SOCK'];
	else if (target.agentSocket !== undefined) env['SSH_AUTH_SOCK'] = target.agentSocket;

	return new Promise(resolve => {
		const output = new OutputCollector(options.onOutput);
		let settled = false;
		const finish = (code: number, note?: string) => {
			if (settled) return;
			settled = true;
			output.end(); // flush first: the hint reads the whole of stderr
			output.end(note ?? rsyncHint(target, code, output.stderr));
			const {stdout, stderr} = output;
			resolve({command, code, stdout, stderr, durationMs: Date.now() - started, changed: code === 0 ? parseItemizedChanges(stdout) : []});
		};

		if (options.signal?.aborted) {
			finish(-1, 'stopped before rsync started');
			return;
		}
		const child = spawn('rsync', argv, {stdio: ['ignore', 'pipe', 'pipe'], env, ...(options.signal ? {signal: options.signal} : {})});
		child.stdout.on('data', (chunk: Buffer) => output.write('stdout', chunk));
		child.stderr.on('data', (chunk: Buffer) => output.write('stderr', chunk));
		child.on('error', error => {
			const code = (error as NodeJS.ErrnoException).code;
			if (code === 'ENOENT') finish(-1, 'rsync is not installed on this machine (apt-get install rsync).');
			else if (error.name === 'AbortError') finish(-1, 'rsync was stopped.');
			else finish(-1, `rsync could not run: ${error.message}`);
		});
		child.on('close', (code, signal) => {
			finish(code ?? -1, code === null ? `rsync ended by signal ${signal ?? 'unknown'}.` : undefined);
		});
	});
}
