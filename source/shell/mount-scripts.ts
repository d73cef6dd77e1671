// The scripts that create, empty, mount and unmount the shared directory: on
// the NFS server the export, on a client the mount point, both in the aegir
// user's home. Each starts with the path guard and checks the path in the
// same script that acts on it: a symbolic link there fails, naming its target.
//
// The mount goes through a pinned directory: mount.nfs resolves its mount
// point itself and then talks to the server for a while, so a name the aegir
// user can change is never handed to it. The share is mounted on a root-only
// staging directory (with nosuid,nodev), then bind-mounted onto the directory
// opened and checked before, through its descriptor (mount -c: no resolving).
// A mount point cannot be renamed while mounted, so unmounting needs no pin.

import {guardedCommand} from './path-guard.js';
import {commandLine} from './quote.js';

/** Flags every client mount gets: nothing on the share runs setuid or opens a device. */
export const REQUIRED_MOUNT_FLAGS = ['nosuid', 'nodev'] as const;

/** Where the staging mount is made: root's own, never the aegir user's. */
export const MOUNT_STAGING_DIRECTORY = '/run';

const MAKE_DIRECTORY = 'ap_mkdir_p "$1" "$2" 0755';

/** Create a missing directory owned by `owner`, as whoever may act in its parent; a link there fails. */
export function makeDirectoryCommand(path: string, owner: string): string {
	return guardedCommand(MAKE_DIRECTORY, 'aegir-pack-mkdir', [path, owner]);
}

export function describeMakeDirectory(path: string, owner: string): string {
	return `${commandLine(['mkdir', '-m', '0755', '--', path])} (owned by ${owner}; a symbolic link there is refused)`;
}

const MOVE_ASIDE = `
a=$(ap_audit "$(dirname -- "$1")" "$3") || exit 1
ap_no_link "$1" "the mount point (a directory)"
if [ -e "$2" ] || [ -L "$2" ]; then ap_fail "$2 already exists"; fi
ap_as "$a" mv -T -- "$1" "$2" || ap_fail "cannot move $1 to $2"
ap_mkdir "$1" "$3" 0755 || ap_fail "moved $1 to $2 but cannot create the empty mount point"
printf 'aegir-pack: moved what was in %s to %s\\n' "$1" "$2" 2>/dev/null
exit 0
`;

/** Move a non-empty mount point aside (as whoever may act in its parent) and put an empty one in its place. */
export function moveAsideCommand(path: string, movedTo: string, owner: string): string {
	return guardedCommand(MOVE_ASIDE, 'aegir-pack-move-aside', [path, movedTo, owner]);
}

export function describeMoveAside(path: string, movedTo: string, owner: string): string[] {
	return [`${commandLine(['mv', '-T', '--', path, movedTo])} (a symbolic link there is refused)`, describeMakeDirectory(path, owner)];
}

const MOUNT = `
set -u
P=$1 SRC=$2 OPTS=$3 U=$4 STAGES=$5
stage=
finish() {
	if [ -n "$stage" ]; then umount -- "$stage" 2>/dev/null; rmdir -- "$stage" 2>/dev/null; fi
}
trap finish EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
ap_audit "$(dirname -- "$P")" "$U" >/dev/null || exit 1
ap_no_link "$P" "the mount point (a directory)"
[ -d "$P" ] || ap_fail "$P is not a directory; nothing was mounted"
exec 3<"$P" || ap_fail "cannot open $P; nothing was mounted"
if [ -L "$P" ] || [ "$(stat -L -c '%d:%i' -- /proc/$$/fd/3)" != "$(stat -c '%d:%i' -- "$P" 2>/dev/null)" ]; then
	ap_fail "$P changed while being checked; nothing was mounted"
fi
stage=$(mktemp -d -- "$STAGES/aegir-pack-mount.XXXXXX") || { stage=; ap_fail "cannot create a staging directory in $STAGES"; }
mount -t nfs -o "$OPTS" -- "$SRC" "$stage" || ap_fail "mounting $SRC failed"
mount -o remount,bind,nosuid,nodev -- "$stage" || ap_fail "cannot set nosuid,nodev on the share"
mount -c --bind -- "$stage" "/proc/$$/fd/3" || ap_fail "cannot put the share on $P; nothing was mounted"
umount -- "$stage" && rmdir -- "$stage" && stage=
if [ "$(findmnt -n -o TARGET --mountpoint "$P" 2>/dev/null | tail -n 1)" != "$P" ]; then
	umount -c -- "/proc/$$/fd/3" 2>/dev/null
	if [ -L "$P" ]; then now="a symbolic link to $(readlink -- "$P")"; else now="something else"; fi
	ap_fail "$P was replaced while it was being mounted (it is now $now); nothing is mounted there"
fi
printf 'aegir-pack: mounted %s on %s\\n' "$SRC" "$P" 2>/dev/null
exit 0
`;

export type MountRequest = {path: string; source: string; options: string; owner: string; stagingDirectory?: string};

/** Mount the share on the checked, pinned mount point. */
export function mountCommand(request: MountRequest): string {
	return guardedCommand(MOUNT, 'aegir-pack-mount', [
		request.path,
		request.source,
		request.options,
		request.owner,
		request.stagingDirectory ?? MOUNT_STAGING_DIRECTORY,
	]);
}

export function describeMount(request: MountRequest): string {
	return `${commandLine(['mount', '-t', 'nfs', '-o', request.options, '--', request.source, request.path])} (onto the checked directory itself: a symbolic link there is refused)`;
}

const UNMOUNT = `
P=$1
ap_no_link "$P" "the mount point (a directory)"
[ "$(findmnt -n -o TARGET --mountpoint "$P" 2>/dev/null | tail -n 1)" = "$P" ] || ap_fail "$P is not a mount point now; nothing was unmounted"
# A mount point cannot be renamed or removed while mounted: the name is safe until the umount.
if [ "$2" = yes ]; then umount -l -- "$P"; else umount -- "$P"; fi
`;

/** Unmount the share, only if the path itself is still a mount point (lazy: `umount -l`). */
export function unmountCommand(path: string, lazy = false): string {
	return guardedCommand(UNMOUNT, 'aegir-pack-umount', [path, lazy ? 'yes' : 'no']);
}

export function describeUnmount(path: string, lazy = false): string {
	return commandLine(['umount', ...(lazy ? ['-l'] : []), '--', path]);
}
