// The one way this tool changes a file on a host: new content arrives on stdin,
// goes to a temp file in the same directory (so the final `mv` is an atomic
// rename), takes the owner and mode of the original, is validated, the original
// is backed up, and only then replaces it. On any failure the temp file is
// removed and the original is left exactly as it was.

import {createHash} from 'node:crypto';
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
	 * What the target held when it was read: its sha256, or 'absent'. If it
	 * changed since, the edit aborts rather than overwrite someone else's change.
	 */
	expected?: string | 'absent';
	/** Mode of a file that does not exist yet (owner: the user running it, i.e. root). */
	newFileMode?: string;
	/** Keep a backup of the original (default true). */
	backup?: boolean;
	/** Create the parent directory (mode 0755) when missing. */
	createParent?: boolean;
};

/** sha256 of a text as sha256sum prints it. */
export function sha256(text: string): string {
	return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The expected-state argument for content read by the facts (undefined: the file did not exist). */
export function expectedFrom(content: string | undefined): string {
	return content === undefined ? 'absent' : sha256(content);
}

export const SAFE_EDIT_SCRIPT = `
set -u
target=$1 stamp=$2 expected=$3 validate=$4 mode=$5 backup=$6 mkparent=$7
fail() { echo "aegir-pack: $*; $target was not changed" >&2; exit 1; }
if [ -L "$target" ]; then
	resolved=$(readlink -f -- "$target") || fail "cannot resolve the symlink $target"
	target=$resolved
fi
dir=$(dirname -- "$target")
base=$(basename -- "$target")
if [ ! -d "$dir" ]; then
	[ "$mkparent" = yes ] || fail "the directory $dir does not exist"
	mkdir -p -m 0755 -- "$dir" || fail "cannot create the directory $dir"
fi
if [ -e "$target" ] && [ ! -f "$target" ]; then fail "$target is not a regular file"; fi
tmp=$(mktemp -- "$dir/.$base.aegir-pack.XXXXXX" 2>/dev/null) || fail "cannot create a temporary file in $dir (read-only or full?)"
trap 'rm -f -- "$tmp"' EXIT
trap 'exit 130' HUP INT TERM
cat > "$tmp" || fail "cannot write the new content to $tmp (disk full?)"
if [ -e "$target" ]; then
	if [ "$expected" = absent ]; then fail "$target appeared since it was read; run again"; fi
	if [ -n "$expected" ]; then
		actual=$(sha256sum < "$target" | cut -d ' ' -f 1) || fail "cannot read $target"
		[ "$actual" = "$expected" ] || fail "$target changed since it was read; run again"
	fi
	chown --reference="$target" -- "$tmp" || fail "cannot give the new file the owner of $target"
	chmod --reference="$target" -- "$tmp" || fail "cannot give the new file the mode of $target"
else
	if [ -n "$expected" ] && [ "$expected" != absent ]; then fail "$target disappeared since it was read; run again"; fi
	chmod "$mode" -- "$tmp" || fail "cannot set mode $mode on the new file"
fi
if [ -n "$validate" ]; then
	sh -c "$validate" aegir-pack-validate "$tmp" "$target" >&2 || fail "the new content did not validate"
fi
sync -- "$tmp" 2>/dev/null || true
if [ "$backup" = yes ] && [ -e "$target" ]; then
	copy="$target.aegir-pack-$stamp.bak"
	[ -e "$copy" ] && copy="$copy.$$"
	cp -p -- "$target" "$copy" || fail "cannot keep a backup at $copy"
	echo "aegir-pack: kept the previous $target as $copy"
fi
mv -f -T -- "$tmp" "$target" || fail "cannot replace $target (read-only or immutable?)"
echo "aegir-pack: wrote $target"
`;

/** The command line of one safe edit; the new content goes on its stdin. */
export function safeEditCommand(options: SafeEditOptions): string {
	return `sh -c ${commandLine([
		SAFE_EDIT_SCRIPT,
		'aegir-pack-safe-edit',
		options.target,
		options.stamp,
		options.expected ?? '',
		options.validate ?? '',
		options.newFileMode ?? '0644',
		options.backup === false ? 'no' : 'yes',
		options.createParent ? 'yes' : 'no',
	])}`;
}

/** How a dry run describes the edit, in one readable line. */
export function describeSafeEdit(options: SafeEditOptions): string {
	const steps = [`write ${options.target} atomically (temp file in the same directory, same owner and mode`];
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
