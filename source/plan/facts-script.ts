// The one read-only command that reads everything the checks of a host need.
// It is sent on stdin to `sh -s` (its arguments quoted), runs as root, and
// prints delimited sections; ./facts.ts parses them. One remote process per
// host and per refresh, never one per check: a no-op re-run stays fast.
//
// Anything that touches the shared path goes through `timeout`: with a dead
// NFS server a hard mount would otherwise hang the whole read.

import {commandLine} from '../shell/quote.js';

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
