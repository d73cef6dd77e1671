// The one read-only command that reads everything the checks of a host need.
// It is sent on stdin to `sh -s` (its arguments quoted), runs as root, and
// prints delimited sections; ./facts.ts parses them. One remote process per
// host and per refresh, never one per check: a no-op re-run stays fast.
//
// Anything that touches the shared path goes through `timeout`: with a dead
// NFS server a hard mount would otherwise hang the whole read.

import {commandLine} from '../shell/quote.js';
import {CODE_TARGET_STATE_SCRIPT, WEB_CONFIG_STATE_SCRIPT} from '../shell/web-config-scripts.js';
import {serverStateCommand, serviceProbeCommand} from './nfs-service-state.js';
import {TREE_LIST_SCRIPT} from './sync-manifest.js';

/**
 * Tools the steps call on every host, all in Debian's essential set or
 * util-linux: apt and dpkg, the mount tools, and what the path guard and
 * safe-edit use (runuser, stat, readlink, base64, sha256sum).
 */
export const REQUIRED_HOST_COMMANDS = [
	'apt-get',
	'dpkg',
	'dpkg-query',
	'findmnt',
	'mount',
	'umount',
	'install',
	'mktemp',
	'sha256sum',
	'timeout',
	'runuser',
	'stat',
	'readlink',
	'base64',
];

export type FactsRequest = {
	/** Random token that delimits sections, so no file content can fake one. */
	nonce: string;
	/** Aegir's user and group name. */
	user: string;
	/** The shared path: the export on the NFS server, the mount point on clients. */
	sharedPath: string;
	fstabPath: string;
	dropInPath: string;
	markerPath: string;
	packages: string[];
	/** What some steps of this host read, read here once instead of by each step (absent: they read it live). */
	reads?: FactsReads;
};

/**
 * Read-only state the steps of a host would otherwise each read with a
 * command of their own: read in the same batched command, as root, with the
 * very scripts the steps run live (and the trees as the receiving user).
 */
export type FactsReads = {
	/** The web config dir's state (WEB_CONFIG_STATE_SCRIPT): config sync, reload, stale config. */
	webConfig?: {dir: string; pending: string};
	/** The code destination's state (CODE_TARGET_STATE_SCRIPT): the code sync. */
	codeTarget?: {dir: string; group: string};
	/** The NFS server's unit and listener (its service step). */
	nfsServer?: {address: string};
	/** A client's probe of the server's port 2049 (its wait for the server), only where the share is mounted already. */
	serverAnswers?: {address: string};
	/** Sync manifests: `dir/<path>` for each path, listed as the user (plan/sync-manifest.ts). */
	trees?: Array<{key: string; dir: string; paths: string[]}>;
};

/** Seconds any probe of the shared path may take before it counts as unresponsive. */
export const PROBE_TIMEOUT_SECONDS = 5;

/** A file larger than this is reported, not read (no file the tool edits is near it). */
export const MAX_FILE_BYTES = 1_048_576;

// A link at the shared path is reported with its target, never entered.
const PROBE_DIRECTORY = [
	'if [ -L "$1" ]; then echo link; readlink -- "$1";',
	'elif [ -d "$1" ]; then',
	'echo directory; ls -A -- "$1" | wc -l; ls -A -- "$1" | head -n 10;',
	'elif [ -e "$1" ]; then echo not-directory;',
	'else echo missing; fi',
].join(' ');

// The marker is the aegir user's file in its own directory: a link is reported
// (never read), a regular file read as aegir when aegir owns the directory. Its
// bytes travel as base64. Run under timeout: on a client it is read through the mount.
const PROBE_MARKER = [
	'if [ -L "$1" ]; then echo link; readlink -- "$1";',
	'elif [ -f "$1" ]; then echo file;',
	'if [ "$(stat -c %U -- "$(dirname -- "$1")" 2>/dev/null)" = "$2" ] && [ "$(id -un)" != "$2" ]; then runuser -u "$2" -- base64 -w 0 -- "$1";',
	'else base64 -w 0 -- "$1"; fi;',
	'elif [ -e "$1" ]; then echo notfile; stat -c %F -- "$1";',
	'else echo missing; fi',
].join(' ');

export const FACTS_SCRIPT = `
N=$1 U=$2 P=$3 FSTAB=$4 DROPIN=$5 MARKER=$6
shift 6
LC_ALL=C
export LC_ALL
T="timeout -k 1 ${PROBE_TIMEOUT_SECONDS}"
sec() { printf '\\n@@%s@@ %s\\n' "$N" "$1"; }
rc() { sec "$1.rc"; printf '%s' "$2"; }
# file NAME PATH: a system file (root's directory, so a link there is root's own)
# as base64: its exact bytes, whatever their encoding.
file() {
	if [ -f "$2" ]; then
		size=$(stat -L -c %s -- "$2" 2>/dev/null) || size=0
		if [ "$size" -gt ${MAX_FILE_BYTES} ]; then sec "$1.toolarge"; printf '%s' "$size"; return; fi
		sec "$1.b64"; base64 -w 0 -- "$2" 2>/dev/null; rc "$1" $?
	elif [ -e "$2" ]; then sec "$1.notfile"; stat -L -c %F -- "$2" 2>/dev/null
	else sec "$1.missing"; fi
}
sec hostname; uname -n
sec uid; id -u
sec os-release; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null
sec commands
for c in ${[...REQUIRED_HOST_COMMANDS, 'exportfs'].join(' ')}; do
	command -v "$c" >/dev/null 2>&1 && echo "$c"
done
sec packages; dpkg-query -W -f='\${Package}\\t\${db:Status-Abbrev}\\t\${Version}\\n' "$@" 2>/dev/null
sec passwd; getent passwd "$U"
sec group; getent group "$U"
sec df; df -Pk / /var 2>/dev/null
file fstab "$FSTAB"
file dropin "$DROPIN"
if command -v exportfs >/dev/null 2>&1; then sec exportfs; exportfs -v 2>&1; fi
sec mount; $T findmnt -J -o TARGET,SOURCE,FSTYPE,OPTIONS --mountpoint "$P" 2>/dev/null; rc mount $?
sec dir; $T sh -c '${PROBE_DIRECTORY}' probe "$P" 2>/dev/null; rc dir $?
sec marker; $T sh -c '${PROBE_MARKER}' probe "$MARKER" "$U" 2>/dev/null; rc marker $?
sec end
exit 0
`;

/** Seconds a tree listing may take (a large platform, or one read through a mount) before the sync asks rsync instead. */
export const TREE_TIMEOUT_SECONDS = 30;

/** A section name part: keys are the steps' own words, never data. */
const KEY = /^[a-z][a-z0-9-]*$/;

/**
 * FACTS_SCRIPT with the reads asked for, before its end. Every value is a
 * quoted word of the script; stdin is closed for each (the script itself
 * arrives on it).
 */
export function factsScript(reads: FactsReads = {}, user = 'aegir'): string {
	const lines: string[] = [];
	if (reads.webConfig) {
		const command = commandLine(['sh', '-c', WEB_CONFIG_STATE_SCRIPT, 'aegir-pack', reads.webConfig.dir, user, reads.webConfig.pending]);
		lines.push(`sec webconfig; ${command} </dev/null 2>/dev/null; rc webconfig $?`);
	}
	if (reads.codeTarget) {
		const command = commandLine(['sh', '-c', CODE_TARGET_STATE_SCRIPT, 'aegir-pack', reads.codeTarget.dir, user, reads.codeTarget.group]);
		lines.push(`sec codetarget; ${command} </dev/null 2>/dev/null; rc codetarget $?`);
	}
	if (reads.nfsServer) lines.push(`sec nfsserver; ${serverStateCommand(reads.nfsServer.address)} </dev/null 2>&1; rc nfsserver $?`);
	// Not on a client that does not mount the share yet: its server may not be up, and the probe would wait for it.
	if (reads.serverAnswers) {
		lines.push(
			`if $T findmnt --mountpoint "$P" >/dev/null 2>&1; then sec serveranswers; ${serviceProbeCommand('client', reads.serverAnswers.address)} </dev/null 2>&1; rc serveranswers $?; fi`,
		);
	}
	if (reads.trees && reads.trees.length > 0) {
		lines.push('sec receiver; id -G -- "$U" 2>/dev/null; id -Gn -- "$U" 2>/dev/null');
		for (const tree of reads.trees) {
			if (!KEY.test(tree.key)) throw new Error(`unsafe tree key ${JSON.stringify(tree.key)}`);
			const list = commandLine(['sh', '-c', TREE_LIST_SCRIPT, 'aegir-pack-tree', tree.dir, ...tree.paths]);
			lines.push(`sec tree.${tree.key}; timeout -k 1 ${TREE_TIMEOUT_SECONDS} runuser -u "$U" -- ${list} </dev/null 2>/dev/null; rc tree.${tree.key} $?`);
		}
	}
	if (lines.length === 0) return FACTS_SCRIPT;
	return FACTS_SCRIPT.replace('\nsec end\n', `\n${lines.join('\n')}\nsec end\n`);
}

/** The command line that runs FACTS_SCRIPT (sent on stdin) with its arguments quoted. */
export function factsCommand(request: FactsRequest): string {
	return `sh -s -- ${commandLine([
		request.nonce,
		request.user,
		request.sharedPath,
		request.fstabPath,
		request.dropInPath,
		request.markerPath,
		...request.packages,
	])}`;
}
