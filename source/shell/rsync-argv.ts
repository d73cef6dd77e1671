// The rsync command line of a sync, built from data (no spawning here: that is
// source/remote/rsync.ts). Provision's options (drush's -az, its VCS excludes,
// --relative --keep-dirlinks --omit-dir-times --delete), the receiving rsync
// run as the aegir user on the host, and an ssh that checks host keys against
// the same known_hosts and logs in with the same credential as the tool's own
// connection. Itemized output is parsed back into changed and deleted paths.

import {resolve as resolvePath} from 'node:path';
import type {PushTreeOptions, RsyncFilter} from '../contracts/transport.js';

/** Everything rsync's ssh needs to reach and trust the host, and to log in as the tool did. */
export type RsyncTarget = {
	address: string;
	port: number;
	user: string;
	/** `-i` files; with identitiesOnly, the only keys ssh offers. */
	identityFiles: readonly string[];
	identitiesOnly: boolean;
	/** Same files as the ssh2 connection; the first is where accepted keys were appended. */
	knownHostsFiles: readonly string[];
	/** System-wide files; empty: leave ssh's own default. */
	globalKnownHostsFiles: readonly string[];
	/** The ssh config the tool evaluated (`-F path`); false: `-F none`. Never left to ssh's own ~ (the passwd home). */
	sshConfigFile: string | false;
	/** Agent for the spawned ssh; false: none. undefined: inherit the environment. */
	agentSocket?: string | false;
	connectTimeoutSeconds: number;
	serverAliveIntervalSeconds: number;
	serverAliveCountMax: number;
};

/**
 * drush 8's `drush_version_control_reserved_files()`: what `drush rsync` (and so
 * provision) never sends unless asked to.
 */
export const DRUSH_VCS_EXCLUDES = ['.git', '.gitignore', '.hg', '.hgignore', '.hgrags', '.bzr', '.bzrignore', '.bzrtags', '.svn'] as const;

/** Every filter rule of a job, in rsync's order: drush's VCS excludes, then the job's own (the first match wins). */
export function syncFilterRules(filters: readonly RsyncFilter[] = []): RsyncFilter[] {
	return [...DRUSH_VCS_EXCLUDES.map(name => ({rule: 'exclude' as const, pattern: name})), ...filters];
}

/**
 * drush's `-akz` without `k` (--copy-dirlinks): the local rsync runs as this
 * tool's user (root), and following a link planted in a tree the aegir user
 * writes would let root read, and send to the heads, whatever it points to.
 * Links are sent as links.
 */
export const RSYNC_MODE = '-az';

/** Characters that need no quoting anywhere on the way (rsync -e split, ssh, remote shell). */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;
const USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

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
	const words = ['ssh', '-F', target.sshConfigFile === false ? 'none' : target.sshConfigFile];
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

/**
 * The program the host runs as rsync's receiver: rsync itself, as the aegir
 * user. A root login switches user with runuser (no PAM, no password, works
 * with a nologin shell); another login needs passwordless sudo to that user
 * (`-n`: the rsync channel carries the protocol, a prompt could never be answered).
 */
export function receiverCommand(loginUser: string, runAs: string): string {
	return loginUser === 'root' ? `runuser -u ${runAs} -- rsync` : `sudo -n -u ${runAs} -- rsync`;
}

/** Why these values cannot be handed to rsync, or undefined when they are fine. */
export function unsafePushValue(target: RsyncTarget, options: PushTreeOptions): string | undefined {
	// A host starting with '-' would be read by ssh as an option (-oProxyCommand=…).
	if (!/^[A-Za-z0-9:][A-Za-z0-9:._%-]*$/.test(target.address)) return `unsafe host address ${JSON.stringify(target.address)}`;
	if (!USER_NAME.test(target.user)) return `unsafe user name ${JSON.stringify(target.user)}`;
	if (!USER_NAME.test(options.runAs) || options.runAs === 'root') return `unsafe user to receive as ${JSON.stringify(options.runAs)} (never root)`;
	// The remote path crosses the remote shell: keep it plain.
	if (!options.destination.startsWith('/') || !PLAIN.test(options.destination)) {
		return `unsafe destination path ${JSON.stringify(options.destination)} (absolute, letters, digits and _@%+=:,./- only)`;
	}
	if (!options.source.startsWith('/') || /[\n\r\0]/.test(options.source) || options.source.includes('/./')) {
		return `unsafe source directory ${JSON.stringify(options.source)}`;
	}
	if (options.paths.length === 0) return 'nothing to send';
	for (const path of options.paths) {
		if (path === '' || path.startsWith('/') || /[\n\r\0]/.test(path) || path.split('/').some(part => part === '..' || part === '.' || part === '')) {
			return `unsafe path to send ${JSON.stringify(path)} (relative, no . or .. parts)`;
		}
	}
	if ((options.filters ?? []).some(filter => filter.pattern === '' || /[\n\r\0]/.test(filter.pattern))) {
		return 'a filter pattern is empty or holds a line break or NUL';
	}
	if (options.maxDelete !== undefined && !(Number.isInteger(options.maxDelete) && options.maxDelete >= 0)) {
		return `unsafe --max-delete ${String(options.maxDelete)}`;
	}
	return undefined;
}

/** The full rsync argv (without `rsync` itself). Throws on values that are not safe to pass. */
export function rsyncArgv(target: RsyncTarget, options: PushTreeOptions): string[] {
	const problem = unsafePushValue(target, options);
	if (problem) throw new Error(problem);
	const argv: string[] = [RSYNC_MODE];
	for (const filter of syncFilterRules(options.filters)) argv.push(`--${filter.rule}=${filter.pattern}`);
	argv.push('--relative', '--keep-dirlinks', '--omit-dir-times');
	if (options.delete) argv.push('--delete');
	argv.push('--itemize-changes');
	if (options.dryRun) argv.push('--dry-run');
	else if (options.delete && options.maxDelete !== undefined) argv.push(`--max-delete=${options.maxDelete}`);
	// The receiver is never root in a tree another user can change (links, --delete).
	argv.push(`--rsync-path=${receiverCommand(target.user, options.runAs)}`);
	argv.push('-e', rsyncRemoteShell(target));
	// `/./` marks where the relative part starts: only that part is created on the host.
	const root = resolvePath(options.source).replace(/\/+$/, '');
	const host = target.address.includes(':') ? `[${target.address}]` : target.address;
	const destination = options.destination.endsWith('/') ? options.destination : `${options.destination}/`;
	argv.push('--', ...options.paths.map(path => `${root}/./${path}`), `${host}:${destination}`);
	return argv;
}

export type ItemizedChanges = {
	/** Created or updated paths (relative to the destination), in rsync's order. */
	changed: string[];
	/** Paths rsync deletes (or would delete) on the host, relative to the destination. */
	deleted: string[];
};

/**
 * Paths from `--itemize-changes` output (`%i %n%L`). Lines of items whose
 * attributes are all unchanged and anything that is not an itemized line are
 * ignored.
 */
export function parseItemizedChanges(output: string): ItemizedChanges {
	const changed: string[] = [];
	const deleted: string[] = [];
	for (const line of output.split('\n')) {
		const deleting = /^\*deleting +(.+)$/.exec(line);
		if (deleting) {
			deleted.push(deleting[1]!);
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
	return {changed, deleted};
}
