// Reads what the sync sources look like on this machine, once, before the
// plan is made (the plan itself never touches the local disk). The paths are
// only ever looked at by a child process on our own timer: on a hard network
// mount whose server is gone, a stat blocks in the kernel, and in this process
// it would freeze the screen, Ctrl-C and every host's timers. A child that
// does not answer in time is killed and abandoned (one stuck in the kernel
// cannot even be killed), and the source is "unresponsive".
// /etc/fstab and /proc/self/mountinfo are read here: neither touches the mount.

import {spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import type {TreeEntry} from '../aegir/provision-layout.js';
import {fstabMountPointOf, mountedPoints, type LocalDirectory, type LocalSources} from '../plan/local-sources.js';
import {parseRawTreeListing, rawTreeListCommand} from '../plan/sync-manifest.js';

export type ProbeOptions = {
	/** How long the child may take per source (default 5 s). */
	timeoutMs?: number;
	fstabPath?: string;
	mountinfoPath?: string;
	/** The program that lists a source (tests put a stand-in that hangs). Default /bin/sh. */
	shell?: string;
};

export const PROBE_TIMEOUT_MS = 5000;

/**
 * Prints the state word, then NUL-terminated `type<TAB>path<TAB>link target`
 * records: entries two levels down, then `S<TAB>site` records for site
 * directories holding a regular settings.php up to three levels under a
 * platform (pruned below a site and in code trees, so uploads are never walked);
 * then `TREE` and the whole tree as the sync manifest lists it (what rsync
 * would send, with the same fields the host's listing has, NUL-separated:
 * plan/sync-manifest.ts).
 */
export const LIST_SCRIPT = String.raw`
p=$1
[ -e "$p" ] || { echo missing; exit 0; }
[ -d "$p" ] || { echo not-directory; exit 0; }
[ -r "$p" ] && [ -x "$p" ] && cd -- "$p" || { echo unreadable; exit 0; }
echo directory
find . -mindepth 1 -maxdepth 2 -printf '%y\t%P\t%l\0' || exit 1
find . -mindepth 2 -maxdepth 6 \( -name .git -o -name vendor -o -name node_modules -o -name core -o -name modules -o -name themes -o -name profiles -o -name libraries \) -prune \
	-o -path './*/sites/*/*' -type d -prune \
	-o -type f -name settings.php -path './*/sites/*/settings.php' -printf 'S\t%h\t\0' || exit 1
echo TREE
${rawTreeListCommand('. -mindepth 1')}
`;

function typeOf(letter: string): TreeEntry['type'] {
	if (letter === 'd') return 'directory';
	if (letter === 'f') return 'file';
	if (letter === 'l') return 'link';
	return 'other';
}

/** The child's output as a LocalDirectory (pure). */
export function parseListing(output: string): LocalDirectory {
	const newline = output.indexOf('\n');
	const state = (newline < 0 ? output : output.slice(0, newline)).trim();
	if (state === 'missing' || state === 'not-directory') return {state};
	if (state === 'unreadable') return {state, reason: 'permission denied'};
	if (state !== 'directory') return {state: 'unreadable', reason: `unexpected answer ${JSON.stringify(state.slice(0, 40))}`};
	const entries: TreeEntry[] = [];
	const sites: string[] = [];
	const body = output.slice(newline + 1);
	// The whole tree follows `TREE` (after the last NUL of the records before it).
	const marker = body.startsWith('TREE\n') ? 0 : body.includes('\0TREE\n') ? body.indexOf('\0TREE\n') + 1 : -1;
	const records = marker < 0 ? body : body.slice(0, marker);
	const tree = marker < 0 ? undefined : parseRawTreeListing(body.slice(marker + 'TREE\n'.length));
	for (const record of records.split('\0')) {
		const [letter = '', path = '', target = ''] = record.replace(/^\n+/, '').split('\t');
		if (path === '') continue;
		if (letter === 'S') {
			// %h is the site directory as find reached it, from `.`.
			const relative = path.replace(/^\.\//, '');
			if (!relative.endsWith('/sites/all')) sites.push(relative);
			continue;
		}
		entries.push({path, type: typeOf(letter), ...(letter === 'l' ? {target} : {})});
	}
	if (entries.length === 0) return {state: 'empty'};
	return {state: 'directory', entries, sites: sites.filter(site => site.split('/').length >= 3).sort(), ...(tree ? {tree} : {})};
}

/** List one source in a child process, giving up after `timeoutMs`. */
function listInChild(path: string, options: Required<Pick<ProbeOptions, 'timeoutMs' | 'shell'>>): Promise<LocalDirectory> {
	return new Promise(resolve => {
		let stdout = '';
		let stderr = '';
		let settled = false;
		const finish = (result: LocalDirectory) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			resolve(result);
		};
		// Its own process group, so the kill reaches find too.
		const child = spawn(options.shell, ['-c', LIST_SCRIPT, 'aegir-pack-probe', path], {stdio: ['ignore', 'pipe', 'pipe'], detached: true});
		const timer = setTimeout(() => {
			try {
				if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
			} catch {
				// Already gone.
			}
			// Never wait for it again: a process stuck on a dead mount outlives any kill.
			child.stdout.destroy();
			child.stderr.destroy();
			child.unref();
			finish({state: 'unresponsive', afterMs: options.timeoutMs});
		}, options.timeoutMs);
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		child.on('error', error => finish({state: 'unreadable', reason: error.message}));
		child.on('close', code => {
			if (code !== 0) {
				const reason = stderr.trim().split('\n').at(-1) || `the listing ended with exit code ${String(code)}`;
				finish({state: 'unreadable', reason});
				return;
			}
			finish(parseListing(stdout));
		});
	});
}

function readOrEmpty(path: string): string {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return '';
	}
}

/** Every source, probed in parallel; the same path given twice is probed once. */
export async function probeLocalSources(paths: readonly string[], options: ProbeOptions = {}): Promise<LocalSources> {
	const fstab = readOrEmpty(options.fstabPath ?? '/etc/fstab');
	const mounted = mountedPoints(readOrEmpty(options.mountinfoPath ?? '/proc/self/mountinfo'));
	const child = {timeoutMs: options.timeoutMs ?? PROBE_TIMEOUT_MS, shell: options.shell ?? '/bin/sh'};
	const unique = [...new Set(paths)];
	const results = await Promise.all(
		unique.map(async (path): Promise<LocalDirectory> => {
			const mountPoint = fstabMountPointOf(fstab, path);
			// Checked before the disk is touched: an unmounted mount point may hold stale files.
			if (mountPoint !== undefined && !mounted.has(mountPoint)) return {state: 'not-mounted', mountPoint};
			return listInChild(path, child);
		}),
	);
	return Object.fromEntries(unique.map((path, index) => [path, results[index]!]));
}
