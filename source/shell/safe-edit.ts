// The one way this tool changes a file on a host: new content arrives on stdin,
// goes to a temp file in the same directory (so the final `mv` is an atomic
// rename), takes the owner and mode of the original, is checked to be exactly
// the bytes sent (sha256), is validated, the original is backed up, and only
// then replaces it. On any failure — a closed connection included — the temp
// file and this run's backup are removed and the original is left as it was.
//
// Who writes: in a directory only root can change, root; in one the file's
// user (aegir) can change, that user (runuser), so a link planted there leads
// nowhere the user could not write anyway. A link where the user's file should
// be is refused, naming its target; a system file is followed only through a
// link root alone could have made. Content is bytes, never decoded.

import {createHash} from 'node:crypto';
import {PATH_GUARD} from './path-guard.js';
import {commandLine} from './quote.js';

export type SafeEditOptions = {
	/** Absolute path of the file to write. */
	target: string;
	/** `YYYYmmdd-HHMMSS`: the backup is `<target>.aegir-pack-<stamp>.bak`. */
	stamp: string;
	/**
	 * Shell command run on the temp file before it replaces the target: `$1` is
	 * the temp file, `$2` the target. A non-zero exit aborts the edit.
	 */
	validate?: string;
	/** How a dry run names the validation, e.g. `findmnt --verify --tab-file <temp>`. */
	validateLabel?: string;
	/**
	 * What the target held when it was read: the sha256 of its bytes, or
	 * 'absent'. If it changed since, the edit aborts rather than overwrite
	 * someone else's change.
	 */
	expected?: string | 'absent';
	/** Mode of a file that does not exist yet (owner: whoever writes it). */
	newFileMode?: string;
	/** Keep a backup of the original (default true). */
	backup?: boolean;
	/** Create the parent directory (mode 0755) when missing. */
	createParent?: boolean;
	/**
	 * Whose file this is: `root` (system files, the default) or the aegir user
	 * (its .ssh, its files in the export). With the user's name, the user
	 * writes it wherever the user can change the directory.
	 */
	user?: string;
};

/** sha256 as sha256sum prints it: of bytes, or of text as UTF-8. */
export function sha256(content: Uint8Array | string): string {
	return createHash('sha256').update(typeof content === 'string' ? Buffer.from(content, 'utf8') : content).digest('hex');
}

/** The expected-state argument for what the facts read (undefined: the file did not exist). */
export function expectedFrom(content: Uint8Array | string | undefined): string {
	return content === undefined ? 'absent' : sha256(content);
}

export const SAFE_EDIT_SCRIPT = `
set -u
# A closed stdout (the tool killed, the connection gone) is an error to handle, not a death.
trap '' PIPE
target=$1 stamp=$2 expected=$3 validate=$4 mode=$5 backup=$6 mkparent=$7 newsha=$8 newsize=$9
shift 9
user=$1
actor=root tmp= copy= done=no
${PATH_GUARD}
say() { printf '%s\\n' "$*" 2>/dev/null; }
fail() { printf 'aegir-pack: %s; %s was not changed\\n' "$*" "$target" >&2 2>/dev/null; exit 1; }
as() { ap_as "$actor" "$@"; }
gone() { fail "the caller is gone (its end of the connection closed)"; }
cleanup() {
	[ -z "$tmp" ] || as rm -f -- "$tmp"
	# A backup of an edit that did not happen (or that failed half-written) goes too.
	[ "$done" = yes ] || [ -z "$copy" ] || as rm -f -- "$copy"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
dir=$(dirname -- "$target")
base=$(basename -- "$target")
if [ ! -d "$dir" ] && [ ! -L "$dir" ]; then
	[ "$mkparent" = yes ] || fail "the directory $dir does not exist"
	ap_mkdir_p "$dir" "$user" 0755 || exit 1
fi
actor=$(ap_audit "$dir" "$user") || exit 1
if [ -L "$target" ]; then
	# The user's file is never reached through a link; a system file only through
	# a link in a directory root alone can change (made by root), to where root audits.
	{ [ "$user" = root ] && [ "$actor" = root ]; } || ap_no_link "$target" "a regular file"
	resolved=$(readlink -f -- "$target") || fail "cannot resolve the symlink $target"
	target=$resolved
	dir=$(dirname -- "$target")
	base=$(basename -- "$target")
	actor=$(ap_audit "$dir" "$user") || exit 1
fi
if [ -e "$target" ] || [ -L "$target" ]; then
	ap_no_link "$target" "a regular file"
	[ -f "$target" ] || fail "$target is not a regular file"
fi
tmp=$(as mktemp -- "$dir/.$base.aegir-pack.XXXXXX" 2>/dev/null) || { tmp=; fail "cannot create a temporary file in $dir (read-only or full?)"; }
as sh -c 'exec cat > "$1"' aegir-pack-receive "$tmp" || fail "cannot write the new content to $tmp (disk full?)"
got=$(as sh -c 'exec sha256sum < "$1"' aegir-pack-sha "$tmp") || fail "cannot read back $tmp"
if [ "\${got%% *}" != "$newsha" ]; then
	fail "received $(as sh -c 'exec wc -c < "$1"' aegir-pack-size "$tmp") bytes that are not the $newsize bytes sent (the connection broke?)"
fi
if [ -e "$target" ]; then
	[ "$expected" != absent ] || fail "$target appeared since it was read; run again"
	if [ -n "$expected" ]; then
		actual=$(as sh -c 'exec sha256sum < "$1"' aegir-pack-sha "$target") || fail "cannot read $target"
		[ "\${actual%% *}" = "$expected" ] || fail "$target changed since it was read; run again"
	fi
	# The user's own new file is simply the user's; only root hands on the old owner.
	if [ "$actor" = root ]; then chown --reference="$target" -- "$tmp" || fail "cannot give the new file the owner of $target"; fi
	as chmod --reference="$target" -- "$tmp" || fail "cannot give the new file the mode of $target"
else
	if [ -n "$expected" ] && [ "$expected" != absent ]; then fail "$target disappeared since it was read; run again"; fi
	as chmod "$mode" -- "$tmp" || fail "cannot set mode $mode on the new file"
fi
if [ -n "$validate" ]; then
	as sh -c "$validate" aegir-pack-validate "$tmp" "$target" >&2 || fail "the new content did not validate"
fi
as sync -- "$tmp" 2>/dev/null || true
if [ "$backup" = yes ] && [ -e "$target" ]; then
	copy="$target.aegir-pack-$stamp.bak"
	if [ -e "$copy" ] || [ -L "$copy" ]; then copy="$copy.$$"; fi
	if [ -e "$copy" ] || [ -L "$copy" ]; then copy=; fail "cannot keep a backup: $target.aegir-pack-$stamp.bak and its .$$ twin exist"; fi
	as cp -p -- "$target" "$copy" || fail "cannot keep a backup at $copy"
	say "aegir-pack: kept the previous $target as $copy" || gone
fi
as mv -f -T -- "$tmp" "$target" || fail "cannot replace $target (read-only or immutable?)"
tmp= done=yes
say "aegir-pack: wrote $target"
exit 0
`;

/** The command line and the exact stdin of one safe edit. */
export function safeEdit(options: SafeEditOptions, content: Uint8Array | string): {command: string; stdin: Buffer} {
	const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
	const command = `sh -c ${commandLine([
		SAFE_EDIT_SCRIPT,
		'aegir-pack-safe-edit',
		options.target,
		options.stamp,
		options.expected ?? '',
		options.validate ?? '',
		options.newFileMode ?? '0644',
		options.backup === false ? 'no' : 'yes',
		options.createParent ? 'yes' : 'no',
		sha256(bytes),
		String(bytes.byteLength),
		options.user ?? 'root',
	])}`;
	return {command, stdin: bytes};
}

/** How a dry run describes the edit, in one readable line. */
export function describeSafeEdit(options: SafeEditOptions): string {
	const user = options.user ?? 'root';
	const steps =
		user === 'root'
			? [`write ${options.target} atomically (temp file in the same directory, same owner and mode`]
			: [`write ${options.target} atomically as ${user}, refusing a symbolic link (temp file in the same directory, same mode`];
	if (options.validate) steps.push(`validated with ${options.validateLabel ?? options.validate}`);
	if (options.backup !== false) steps.push(`backup ${options.target}.aegir-pack-${options.stamp}.bak`);
	return `${steps.join(', ')}, then mv)`;
}

/**
 * Validation for a new fstab: findmnt must find no parse error, and no more
 * errors than in the current file (a disk that is absent today is not ours to fix).
 */
export const FSTAB_VALIDATE = [
	// findmnt looks at every mount point: a hung NFS mount must not hang the edit.
	'verify() { timeout -k 1 30 findmnt --verify --tab-file "$1" 2>&1; }',
	'counts() { verify "$1" | sed -n "s/^\\([0-9]*\\) parse errors*, \\([0-9]*\\) errors*.*/\\1 \\2/p" | tail -n 1; }',
	'out=$(verify "$1") && exit 0',
	'set -- "$1" "$2" $(counts "$1") $(counts "$2" 2>/dev/null || echo 0 0)',
	'[ "${3:-1}" = 0 ] && [ "${4:-1}" -le "${6:-0}" ] && exit 0',
	'echo "$out"; exit 1',
].join('\n');
