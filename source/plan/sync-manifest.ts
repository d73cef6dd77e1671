// Is a sync already done? Without running rsync: a manifest of what rsync
// would send (every path under the job's paths that its filters let through,
// with what rsync -a and its quick check compare: type, mode, group, size,
// mtime, link target), listed on this machine before planning, against the
// same listing read on the host in the one batched facts command. Equal: the
// rsync would change nothing and delete nothing, and no rsync (no ssh
// handshake) runs. Anything else, or anything this model cannot vouch for
// (a special file, a link where a directory is sent, a group it cannot map),
// is "differ": the real rsync --dry-run then says what would change and lists
// every deletion, as before. So the model may err only towards running rsync.
//
// Both listings come from GNU find (TREE_LIST_SCRIPT), pruned only of what the
// filters certainly exclude (VCS names, what users uploaded into a site's
// files/ and private/); the filters themselves are applied here, with rsync's
// rules, to both sides (an excluded path on the host is neither compared nor
// deleted: no --delete-excluded).

import type {RsyncFilter} from '../contracts/transport.js';
import {DRUSH_VCS_EXCLUDES} from '../shell/rsync-argv.js';

export type ManifestEntry = {
	/** Relative to the transfer root: `drupal-10/web/index.php` (the job's path first). */
	path: string;
	type: 'directory' | 'file' | 'link' | 'other';
	/** Permission bits with setuid/setgid/sticky (rsync -p compares all of them). */
	mode: number;
	owner: string;
	uid: number;
	/** Group name, or the number when it has none. */
	group: string;
	gid: number;
	size: number;
	/** Modification time: whole seconds and nanoseconds (see sameTime). */
	mtime: {seconds: number; nanoseconds: number};
	/** A link's target, as readlink gives it. */
	target?: string;
};

/** A tree as one listing found it. */
export type TreeListing = {state: 'listed'; entries: ManifestEntry[]} | {state: 'missing'} | {state: 'unreadable'; reason: string};

/** The receiving user's groups on the host (rsync run as a user sets only groups it is in). */
export type ReceiverGroups = {names: string[]; gids: number[]};

/**
 * find's expression after its starting points: names rsync never sends
 * (drush's VCS excludes) and site uploads are pruned, everything else printed
 * as three NUL-terminated fields (`type mode owner uid group gid size mtime`,
 * `./path`, link target). Each pruned path is excluded by the job's filters
 * (see codeFilters): content of a `files/` or `private/` under
 * `<x>/sites/<y>/`, `<y>` not `all`, is either under a site (its `files/*`
 * rules) or under a `sites/<y>` that exclude-sites drops whole. Nothing under
 * a `sites/all/` is pruned. The filters themselves are applied by
 * syncedEntries, on both sides.
 */
const TREE_FIND_EXPRESSION = [
	`\\( ${DRUSH_VCS_EXCLUDES.map(name => `-name '${name}'`).join(' -o ')} \\) -prune`,
	`-o \\( -path './*/sites/*/files/*' -o -path './*/sites/*/private/*' \\) ! -path '*/sites/all/*' -prune`,
	`-o -printf '%y %m %u %U %g %G %s %T@\\0%p\\0%l\\0'`,
].join(' ');

/**
 * The listing of the given starting points (shell words) as text lines, one
 * per entry: `type mode owner uid group gid size mtime<TAB>path<TAB>target`,
 * with backslash, newline and tab escaped in path and target (so any name
 * reads back exactly, and the host log stays text). A find that fails adds
 * an `error` line.
 */
export function treeListCommand(startingPoints: string): string {
	return `${rawTreeListCommand(startingPoints)} | sed -z 's/\\\\/\\\\\\\\/g; s/\\n/\\\\n/g; s/\\t/\\\\t/g' | paste -z -d '\\t' - - - | tr '\\0' '\\n'`;
}

/** The same listing as NUL-terminated fields, three per entry (read on this machine: no log to keep text, three processes fewer). */
export function rawTreeListCommand(startingPoints: string): string {
	return `{ find -P ${startingPoints} ${TREE_FIND_EXPRESSION} || printf 'error\\0\\0\\0'; }`;
}

/**
 * Lists `$1/<path>` for each further argument (from inside `$1`, links never
 * followed): `missing` when `$1` is not there, else `listed` and the lines.
 * Run on the host as the receiving user, in the facts command.
 */
export const TREE_LIST_SCRIPT = `
d=$1
shift
[ -e "$d" ] || { echo missing; exit 0; }
cd -- "$d" || exit 1
echo listed
for p; do
	[ -e "./$p" ] || [ -L "./$p" ] || continue
	${treeListCommand('"./$p"')}
done
exit 0
`;

const TYPES: Record<string, ManifestEntry['type']> = {d: 'directory', f: 'file', l: 'link'};

function mtimeOf(text: string): ManifestEntry['mtime'] | undefined {
	const match = /^(-?\d+)(?:\.(\d+))?$/.exec(text);
	if (!match) return undefined;
	const fraction = (match[2] ?? '').slice(0, 9).padEnd(9, '0');
	return {seconds: Number(match[1]), nanoseconds: Number(fraction)};
}

const unescape = (text: string) => text.replace(/\\([\\nt])/g, (_, char: string) => (char === 'n' ? '\n' : char === 't' ? '\t' : '\\'));

/** The output of TREE_LIST_SCRIPT (`listed`, then one line per entry; `missing`). */
export function parseTreeListing(output: string): TreeListing {
	const newline = output.indexOf('\n');
	const state = (newline < 0 ? output : output.slice(0, newline)).trim();
	if (state === 'missing') return {state: 'missing'};
	if (state !== 'listed') return {state: 'unreadable', reason: `unexpected answer ${JSON.stringify(state.slice(0, 40))}`};
	const lines = output.slice(newline + 1).split('\n').filter(line => line !== '');
	const triples: Array<[string, string, string]> = [];
	for (const line of lines) {
		const parts = line.split('\t');
		if (parts.length !== 3) return {state: 'unreadable', reason: `a listing line has ${parts.length} parts`};
		triples.push([parts[0]!, unescape(parts[1]!), unescape(parts[2]!)]);
	}
	return entriesOf(triples);
}

/** The output of rawTreeListCommand: NUL-terminated fields, three per entry. */
export function parseRawTreeListing(output: string): TreeListing {
	const fields = output.split('\0');
	if (fields.length % 3 !== 1 || fields.at(-1) !== '') return {state: 'unreadable', reason: 'the listing is cut short'};
	const triples: Array<[string, string, string]> = [];
	for (let index = 0; index + 2 < fields.length; index += 3) triples.push([fields[index]!, fields[index + 1]!, fields[index + 2]!]);
	return entriesOf(triples);
}

function entriesOf(triples: ReadonlyArray<[string, string, string]>): TreeListing {
	const entries: ManifestEntry[] = [];
	for (const [head, rawPath, target] of triples) {
		const fields = head.split(' ');
		if (fields[0] === 'error') return {state: 'unreadable', reason: 'find failed on part of the tree'};
		const [letter = '', mode = '', owner = '', uid = '', group = '', gid = '', size = '', mtime = ''] = fields;
		const path = rawPath.replace(/^\.\//, '');
		const time = mtimeOf(mtime);
		if (fields.length !== 8 || path === '' || path === '.' || time === undefined || !/^[0-7]+$/.test(mode)) {
			return {state: 'unreadable', reason: `cannot read the listing line of ${JSON.stringify(path)}`};
		}
		const type = TYPES[letter] ?? 'other';
		entries.push({
			path,
			type,
			mode: Number.parseInt(mode, 8),
			owner,
			uid: Number(uid),
			group,
			gid: Number(gid),
			size: Number(size),
			mtime: time,
			...(type === 'link' ? {target} : {}),
		});
	}
	return {state: 'listed', entries};
}

// ---- rsync's filter rules (the subset this tool writes: * ** ? [..], anchored or not, include/exclude) ----

type CompiledRule = {include: boolean; regex: RegExp; directoryOnly: boolean; wholePath: boolean};

function globToRegex(glob: string): string {
	let out = '';
	for (let index = 0; index < glob.length; index++) {
		const char = glob[index]!;
		if (char === '*') {
			if (glob[index + 1] === '*') {
				out += '.*';
				index++;
				while (glob[index + 1] === '*') index++;
			} else out += '[^/]*';
		} else if (char === '?') out += '[^/]';
		else if (char === '[') {
			const close = glob.indexOf(']', index + 2);
			if (close < 0) out += '\\[';
			else {
				let body = glob.slice(index + 1, close);
				if (body.startsWith('!')) body = `^${body.slice(1)}`;
				out += `[${body.replaceAll('\\', '\\\\')}]`;
				index = close;
			}
		} else out += char.replace(/[.+^${}()|\\]/g, '\\$&');
	}
	return out;
}

/** One rule as rsync reads it: `/` anchors to the transfer root, a trailing `/` only matches directories. */
export function compileRule(filter: RsyncFilter): CompiledRule {
	let pattern = filter.pattern;
	const directoryOnly = pattern.endsWith('/');
	if (directoryOnly) pattern = pattern.replace(/\/+$/, '');
	const anchored = pattern.startsWith('/');
	if (anchored) pattern = pattern.slice(1);
	// `dir/***` matches the directory and everything in it.
	const tripleStar = pattern.endsWith('/***');
	const body = globToRegex(tripleStar ? pattern.slice(0, -4) : pattern) + (tripleStar ? '(/.*)?' : '');
	// A pattern with a slash or ** is matched against the whole path (its end, unless anchored); else the last name only.
	const wholePath = anchored || pattern.includes('/') || pattern.includes('**');
	const regex = new RegExp(anchored ? `^${body}$` : wholePath ? `(^|/)${body}$` : `^${body}$`);
	return {include: filter.rule === 'include', regex, directoryOnly, wholePath};
}

/** The first rule that matches decides; none: the path is included. */
export function excludedBy(rules: readonly CompiledRule[], path: string, isDirectory: boolean): boolean {
	const name = path.slice(path.lastIndexOf('/') + 1);
	for (const rule of rules) {
		if (rule.directoryOnly && !isDirectory) continue;
		if (rule.regex.test(rule.wholePath ? path : name)) return !rule.include;
	}
	return false;
}

/**
 * What of a listing takes part in the sync: entries at or under one of `paths`
 * whose own path and every directory above it (up to the path) pass the
 * filters. The same on both sides: on the host an excluded path is protected.
 */
export function syncedEntries(entries: readonly ManifestEntry[], paths: readonly string[], filters: readonly RsyncFilter[]): Map<string, ManifestEntry> {
	const rules = filters.map(compileRule);
	const kept = new Map<string, ManifestEntry>();
	const excludedDirs = new Set<string>();
	// Parents before children: sort by path depth, then name.
	const sorted = [...entries].sort((a, b) => a.path.split('/').length - b.path.split('/').length || (a.path < b.path ? -1 : 1));
	for (const entry of sorted) {
		const top = paths.find(path => entry.path === path || entry.path.startsWith(`${path}/`));
		if (top === undefined) continue;
		const parent = entry.path.slice(0, Math.max(0, entry.path.lastIndexOf('/')));
		if (entry.path !== top && (excludedDirs.has(parent) || !kept.has(parent))) {
			if (entry.type === 'directory') excludedDirs.add(entry.path);
			continue;
		}
		if (excludedBy(rules, entry.path, entry.type === 'directory')) {
			if (entry.type === 'directory') excludedDirs.add(entry.path);
			continue;
		}
		kept.set(entry.path, entry);
	}
	return kept;
}

// ---- the comparison ----

export type ManifestComparison = {same: true} | {same: false; reason: string};

/**
 * The group rsync would leave on the host for a local entry, or undefined when
 * rsync would not set it. rsync maps a group by its name (not group 0, nor a
 * group without a name: by number), and a receiver that is not root sets only
 * a group it is in. `'unknown'`: the mapping cannot be told from here.
 */
export function expectedGroup(local: Pick<ManifestEntry, 'group' | 'gid'>, receiver: ReceiverGroups): {name: string} | {gid: number} | 'unknown' | undefined {
	const named = local.gid !== 0 && local.group !== String(local.gid) && local.group !== '';
	if (named) {
		if (receiver.names.includes(local.group)) return {name: local.group};
		// A name the host may not know falls back to the number, which the receiver may be in.
		return receiver.gids.includes(local.gid) ? 'unknown' : undefined;
	}
	return receiver.gids.includes(local.gid) ? {gid: local.gid} : undefined;
}

/**
 * rsync's quick check of times: the same second, and the same nanoseconds
 * unless one side has none (a file system, archive or older rsync that kept
 * whole seconds): rsync then compares whole seconds, and so does this.
 */
export function sameTime(a: ManifestEntry['mtime'], b: ManifestEntry['mtime']): boolean {
	return a.seconds === b.seconds && (a.nanoseconds === 0 || b.nanoseconds === 0 || a.nanoseconds === b.nanoseconds);
}

/** Why rsync -a (as a user that is not root, --omit-dir-times, --keep-dirlinks) would touch `remote`, or undefined. */
export function entryDifference(local: ManifestEntry, remote: ManifestEntry, receiver: ReceiverGroups, receiverIsRoot = false): string | undefined {
	if (local.type === 'other' || remote.type === 'other') return 'a special file (rsync decides)';
	if (local.type !== remote.type) {
		// --keep-dirlinks: a link on the host where a directory is sent is followed there; rsync decides.
		return `a ${remote.type} on the host, a ${local.type} here`;
	}
	if (local.type === 'link' && local.target !== remote.target) return 'link target';
	if (local.type === 'file' && local.size !== remote.size) return 'size';
	// Directories keep their times (--omit-dir-times). A link's own time is not compared: rsync builds
	// differ in whether they set it, and one that does not would otherwise be run on every no-op.
	if (local.type === 'file' && !sameTime(local.mtime, remote.mtime)) return 'modification time';
	// Links have no mode of their own on Linux.
	if (local.type !== 'link' && local.mode !== remote.mode) return `mode ${local.mode.toString(8)} here, ${remote.mode.toString(8)} there`;
	// -o takes effect only for a receiver running as root.
	if (receiverIsRoot && local.owner !== remote.owner) return 'owner';
	const group = expectedGroup(local, receiver);
	if (group === 'unknown') return `group ${local.group} (${local.gid}): cannot tell how the host maps it`;
	if (group !== undefined && ('name' in group ? remote.group !== group.name : remote.gid !== group.gid)) return `group ${remote.group} there, ${local.group} here`;
	return undefined;
}

/**
 * Would `rsync -a --relative --delete` of `paths` with these filters change
 * or delete anything on the host? `same` only when every synced entry here has
 * its equal there and nothing synced is there that is not here.
 */
export function compareManifests(input: {
	local: readonly ManifestEntry[];
	remote: readonly ManifestEntry[];
	paths: readonly string[];
	filters: readonly RsyncFilter[];
	receiver: ReceiverGroups;
	receiverIsRoot?: boolean;
	/** --delete (default): what only the host has is a difference. */
	deletes?: boolean;
}): ManifestComparison {
	const here = syncedEntries(input.local, input.paths, input.filters);
	const there = syncedEntries(input.remote, input.paths, input.filters);
	for (const path of input.paths) if (!here.has(path)) return {same: false, reason: `${path} is not in the listing here`};
	for (const [path, local] of here) {
		const remote = there.get(path);
		if (!remote) return {same: false, reason: `${path}: missing on the host`};
		const difference = entryDifference(local, remote, input.receiver, input.receiverIsRoot);
		if (difference) return {same: false, reason: `${path}: ${difference}`};
	}
	if (input.deletes === false) return {same: true};
	for (const path of there.keys()) if (!here.has(path)) return {same: false, reason: `${path}: on the host only (would be deleted)`};
	return {same: true};
}
