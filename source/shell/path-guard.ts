// Root never acts by name inside a directory another user can change. This is
// the shell text every remote script that creates, changes or writes a path
// starts with, plus the TypeScript twin of its one message, so checks (from
// facts) and scripts (on the host) refuse a link in the same words.
//
// Inside a directory the aegir user can change, the work is done as aegir
// (runuser): a link it planted then only leads aegir to what aegir could write
// anyway. Where root itself must act (a chown of aegir's .ssh), it acts on the
// directory it entered and checked (cd -P), never on a name it looked up earlier.

import {commandLine} from './quote.js';

/** The one wording of a refused link, in checks and in scripts alike. */
export function linkRefusal(path: string, target: string, expected: string): string {
	return `${path} is a symbolic link to ${target}, where ${expected} is expected: refusing to act through it (remove the link, then run again)`;
}

/**
 * POSIX sh (tested with dash); every name starts with `ap_` so it stays apart
 * from the variables of the script that sources it (sh has no `local`).
 *
 * - `ap_fail MSG`: `aegir-pack: MSG` on stderr, exit 1.
 * - `ap_no_link PATH WHAT`: a symbolic link at PATH fails, naming its target.
 * - `ap_audit DIR USER`: prints who may act inside DIR: `root`, or USER when
 *   USER owns a directory on the way (from there on every directory must be
 *   USER's and no link is followed). Any other owner, a world-writable (not
 *   sticky) directory, or a group-writable one above USER's fails. A link is
 *   followed only where root alone could have made it (Debian's /lib -> usr/lib).
 *   The user running the script counts as root (tests run as nobody in their own tree).
 * - `ap_as USER CMD…`: CMD as USER (root, or ourselves: as we are).
 * - `ap_expect_dir PATH USER`: PATH is a real directory owned by USER.
 * - `ap_mkdir PATH USER MODE`: create PATH (not -p: an existing name is an
 *   error) as whoever may act in its parent, owned by USER; then check it.
 * - `ap_mkdir_p PATH USER MODE`: the same, creating missing parents first
 *   (each owned by whoever may act where it is created).
 * - `ap_chown_dir DIR USER [MODE]`: give the directory DIR itself to USER (and
 *   set MODE; an empty USER keeps the owner), acting on the directory entered
 *   with cd -P after checking it is DIR: a rename or a link swapped in
 *   afterwards changes nothing.
 */
export const PATH_GUARD = `
# ---- aegir-pack path guard ----
ap_me=$(id -u) ap_me_name=$(id -un)
ap_fail() { printf 'aegir-pack: %s\\n' "$*" >&2; exit 1; }
ap_no_link() {
	if [ -L "$1" ]; then
		ap_fail "$1 is a symbolic link to $(readlink -- "$1"), where $2 is expected: refusing to act through it (remove the link, then run again)"
	fi
}
ap_audit() {
	ap_path=$1 ap_user=$2 ap_hops=0
	ap_uid=$(id -u -- "$ap_user" 2>/dev/null) || ap_uid=none
	while :; do
		ap_cur=/ ap_who=root ap_rest=\${ap_path#/}
		while :; do
			ap_info=$(stat -c '%F|%u|%g|%a' -- "$ap_cur" 2>/dev/null) || ap_fail "cannot read $ap_cur"
			ap_type=\${ap_info%%|*}; ap_x=\${ap_info#*|}
			ap_o=\${ap_x%%|*}; ap_x=\${ap_x#*|}; ap_g=\${ap_x%%|*}; ap_m=$((0\${ap_x#*|}))
			[ "$ap_type" = directory ] || ap_fail "$ap_cur is a $ap_type, where a directory is expected"
			if [ $((ap_m & 01002)) -eq 2 ]; then ap_fail "$ap_cur is writable by every user: refusing to act below it"; fi
			if [ "$ap_o" = "$ap_uid" ] && [ "$ap_o" != 0 ]; then
				ap_who=$ap_user
			elif [ "$ap_o" = 0 ] || [ "$ap_o" = "$ap_me" ]; then
				# Root's directory below USER's stays USER's to change (USER can rename it).
				if [ "$ap_who" = root ] && [ $((ap_m & 020)) -ne 0 ] && [ "$ap_g" != 0 ]; then
					ap_fail "$ap_cur is writable by group $ap_g: refusing to act below it as root"
				fi
			else
				ap_fail "$ap_cur belongs to uid $ap_o (neither root nor $ap_user): refusing to act below it"
			fi
			[ -n "$ap_rest" ] || { echo "$ap_who"; return 0; }
			ap_part=\${ap_rest%%/*}
			case $ap_rest in */*) ap_rest=\${ap_rest#*/} ;; *) ap_rest= ;; esac
			[ -n "$ap_part" ] || continue
			ap_next=\${ap_cur%/}/$ap_part
			if [ -L "$ap_next" ]; then
				[ "$ap_who" = root ] || ap_no_link "$ap_next" "a directory"
				ap_hops=$((ap_hops + 1)); [ $ap_hops -le 20 ] || ap_fail "too many links below $1"
				ap_next=$(cd -P -- "$ap_next" 2>/dev/null && pwd -P) || ap_fail "$ap_cur/$ap_part points to $(readlink -- "$ap_cur/$ap_part"), which cannot be entered"
				ap_path=$ap_next\${ap_rest:+/$ap_rest}
				continue 2
			fi
			ap_cur=$ap_next
		done
	done
}
ap_as() { ap_u=$1; shift; if [ "$ap_u" = root ] || [ "$ap_u" = "$ap_me_name" ]; then "$@"; else runuser -u "$ap_u" -- "$@"; fi; }
ap_expect_dir() {
	ap_no_link "$1" "a directory"
	ap_i=$(stat -c '%F|%U' -- "$1" 2>/dev/null) || ap_fail "$1 disappeared"
	[ "$ap_i" = "directory|$2" ] || ap_fail "$1 is not a directory owned by $2 (found: \${ap_i%%|*} owned by \${ap_i#*|})"
}
ap_mkdir() {
	ap_no_link "$1" "a directory"
	ap_own=$2
	[ "$ap_own" != root ] || ap_own=$ap_me_name
	ap_a=$(ap_audit "$(dirname -- "$1")" "$2") || exit 1
	ap_as "$ap_a" mkdir -m "$3" -- "$1" || ap_fail "cannot create $1"
	if [ "$ap_a" = root ] && [ "$ap_own" != "$ap_me_name" ]; then chown -h -- "$ap_own:" "$1" || ap_fail "cannot give $1 to $ap_own"; fi
	ap_expect_dir "$1" "$ap_own"
}
ap_mkdir_p() {
	if [ -d "$1" ] && [ ! -L "$1" ]; then return 0; fi
	ap_no_link "$1" "a directory"
	ap_parent=$(dirname -- "$1")
	if [ ! -e "$ap_parent" ] && [ ! -L "$ap_parent" ]; then
		ap_mkdir_p "$ap_parent" "$2" 0755 parent || exit 1
	fi
	if [ "\${4:-}" = parent ]; then
		# A missing parent belongs to whoever may act where it is created.
		ap_owner=$(ap_audit "$(dirname -- "$1")" "$2") || exit 1
		ap_mkdir "$1" "$ap_owner" "$3"
	else
		ap_mkdir "$1" "$2" "$3"
	fi
}
ap_chown_dir() {
	ap_no_link "$1" "a directory"
	ap_want=$(cd -P -- "$(dirname -- "$1")" 2>/dev/null && pwd -P) || ap_fail "cannot enter the directory of $1"
	ap_want=\${ap_want%/}/$(basename -- "$1")
	(
		cd -P -- "$1" 2>/dev/null || ap_fail "cannot enter $1"
		[ "$(pwd -P)" = "$ap_want" ] || ap_fail "$1 changed while being checked (it now leads to $(pwd -P)); nothing was changed"
		if [ -n "$2" ]; then chown -- "$2:" . || ap_fail "cannot give $1 to $2"; fi
		if [ -n "\${3:-}" ]; then chmod -- "$3" . || ap_fail "cannot set mode $3 on $1"; fi
	) || exit 1
	if [ -n "$2" ]; then ap_expect_dir "$1" "$2"; else ap_no_link "$1" "a directory"; fi
}
# ---- end of the path guard ----
`;

/** A script that starts with the path guard. */
export function guarded(script: string): string {
	return `${PATH_GUARD}${script}`;
}

/** `sh -c <guard + script> NAME ARGS…`, every argument quoted. */
export function guardedCommand(script: string, name: string, args: readonly string[]): string {
	return `sh -c ${commandLine([guarded(script), name, ...args])}`;
}
