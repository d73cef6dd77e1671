// The scripts the web server steps run on a head, as root (sudo), each acting
// in the aegir user's trees only as that user (runuser): a link aegir planted
// there can then only lead where aegir may already write. Root's own files
// (the snapshot, the "reload pending" note) live in root-only directories.
//
// The flow on a head: the config sync notes a reload is pending and snapshots
// the config the web server runs (unless an earlier, unfinished change already
// did), then syncs; the reload step tests the config and reloads gracefully,
// or puts the snapshot back and fails with the tester's output.

/** Present while a config change has not yet been tested and reloaded; holds the snapshot's directory. */
export const RELOAD_PENDING_FILE = '/var/lib/aegir-pack/web-reload-pending';

/** Where a run keeps the snapshot of a head's web server config (root only). */
export function snapshotDir(stamp: string): string {
	return `/var/backups/aegir-pack/${stamp}/web-config`;
}

/**
 * What the web server steps need to know about a head, read-only, one line
 * per fact (tab-separated): the config dir (a link? writable by the user?),
 * its entries, the pending note, and which web servers are installed.
 * $1 config dir, $2 user, $3 pending file.
 */
export const WEB_CONFIG_STATE_SCRIPT = String.raw`
cfg=$1 user=$2 pending=$3
if [ -L "$cfg" ]; then printf 'dir\tlink\t%s\n' "$(readlink -- "$cfg")"
elif [ ! -e "$cfg" ]; then
	if runuser -u "$user" -- test -w "$(dirname -- "$cfg")" 2>/dev/null; then printf 'dir\tmissing\twritable\n'; else printf 'dir\tmissing\tnot-writable\n'; fi
elif [ ! -d "$cfg" ]; then printf 'dir\tnot-directory\n'
else
	if runuser -u "$user" -- test -w "$cfg" 2>/dev/null; then printf 'dir\tdirectory\twritable\n'; else printf 'dir\tdirectory\tnot-writable\n'; fi
	find "$cfg" -mindepth 1 -maxdepth 1 -printf 'entry\t%y\t%f\t%l\n'
fi
if [ -f "$pending" ]; then printf 'pending\t%s\n' "$(head -n 1 -- "$pending")"; fi
command -v apache2ctl >/dev/null 2>&1 && printf 'installed\tapache\n'
command -v nginx >/dev/null 2>&1 && printf 'installed\tnginx\n'
exit 0
`;

/**
 * The code destination on the master: what it is, whether the user may write
 * it, what is at its top, and whether the user is in the web server's group
 * (a non-root rsync keeps only groups its user belongs to).
 * $1 destination, $2 user, $3 web group.
 */
export const CODE_TARGET_STATE_SCRIPT = String.raw`
d=$1 user=$2 group=$3
if [ -L "$d" ]; then printf 'dir\tlink\t%s\n' "$(readlink -- "$d")"
elif [ ! -e "$d" ]; then printf 'dir\tmissing\n'
elif [ ! -d "$d" ]; then printf 'dir\tnot-directory\n'
elif runuser -u "$user" -- test -w "$d" 2>/dev/null; then
	printf 'dir\tdirectory\twritable\n'
	runuser -u "$user" -- find "$d" -mindepth 1 -maxdepth 1 -type d -printf 'entry\t%f\n' 2>/dev/null
else printf 'dir\tdirectory\tnot-writable\n'; fi
if id -nG -- "$user" 2>/dev/null | tr ' ' '\n' | grep -qx -- "$group"; then printf 'member\tyes\n'; else printf 'member\tno\n'; fi
exit 0
`;

/**
 * Before a config sync: note the pending reload and keep what the web server
 * runs now (the user's server_<name> as a tar made by the user, and each
 * <app>.conf: a link's target or a file's bytes). When a note is already
 * there, an earlier change was never reloaded: its snapshot is still what runs.
 * $1 config dir, $2 user, $3 context, $4 snapshot dir, $5 pending file.
 */
export const SNAPSHOT_SCRIPT = String.raw`
set -u
cfg=$1 user=$2 ctx=$3 snap=$4 pending=$5
fail() { echo "aegir-pack: $*" >&2; exit 1; }
[ -f "$pending" ] && exit 0
umask 077
mkdir -p -- "$(dirname -- "$pending")" "$snap" || fail "cannot create $snap"
if [ -d "$cfg/$ctx" ] && [ ! -L "$cfg/$ctx" ]; then
	runuser -u "$user" -- tar -C "$cfg" -cf - -- "$ctx" > "$snap/server.tar" || fail "cannot keep a copy of $cfg/$ctx"
else
	: > "$snap/server.absent"
fi
for app in apache nginx; do
	conf="$cfg/$app.conf"
	if [ -L "$conf" ]; then readlink -- "$conf" > "$snap/$app.conf.link"
	elif [ -f "$conf" ]; then runuser -u "$user" -- cat -- "$conf" > "$snap/$app.conf" || fail "cannot keep a copy of $conf"
	else : > "$snap/$app.conf.absent"; fi
done
printf '%s\n' "$snap" > "$pending.new" && mv -f -- "$pending.new" "$pending" || fail "cannot write $pending"
`;

/**
 * Test the web server's config; when it passes, reload gracefully (a stopped
 * server is not started) and forget the snapshot. When it fails: the tester's
 * output on stderr, the snapshot put back as the user (the rejected copy kept
 * beside it), nothing reloaded, exit 1. Own lines start with `aegir-pack: `.
 * $1 apache|nginx, $2 config dir, $3 user, $4 context, $5 pending file.
 */
export const WEB_RELOAD_SCRIPT = String.raw`
set -u
kind=$1 cfg=$2 user=$3 ctx=$4 pending=$5
snap=$(head -n 1 -- "$pending" 2>/dev/null) || snap=
as_user() { runuser -u "$user" -- "$@"; }
conftest() { if [ "$kind" = apache ]; then apache2ctl configtest; else nginx -t; fi; }
running() {
	if [ "$kind" = apache ]; then pidfile=/run/apache2/apache2.pid; else pidfile=/run/nginx.pid; fi
	[ -s "$pidfile" ] && kill -0 "$(head -n 1 -- "$pidfile")" 2>/dev/null
}
reload() {
	if [ "$kind" = apache ]; then apache2ctl graceful
	elif [ -x /etc/init.d/nginx ]; then /etc/init.d/nginx reload
	else nginx -s reload; fi
}
forget() {
	rm -f -- "$pending"
	case $snap in /var/backups/aegir-pack/*/web-config) rm -rf -- "$snap"; rmdir -- "$(dirname -- "$snap")" 2>/dev/null ;; esac
	return 0
}
if out=$(conftest 2>&1); then
	printf '%s\n' "$out"
	if running; then
		reload || { echo "aegir-pack: the $kind config passed its test, but the graceful reload failed" >&2; exit 1; }
		echo "aegir-pack: $kind config tested and reloaded gracefully"
	else
		echo "aegir-pack: $kind config tested; $kind is not running, so it was not started"
	fi
	forget
	exit 0
fi
printf '%s\n' "$out" >&2
if [ -n "$snap" ] && [ -d "$snap" ]; then
	if [ -d "$cfg/$ctx" ] && [ ! -L "$cfg/$ctx" ]; then as_user tar -C "$cfg" -cf - -- "$ctx" > "$snap/rejected.tar" 2>/dev/null; fi
	as_user rm -rf -- "$cfg/$ctx" || { echo "aegir-pack: the $kind config test failed, and $cfg/$ctx could not be put back" >&2; exit 1; }
	if [ -f "$snap/server.tar" ]; then
		as_user tar -C "$cfg" -xpf - < "$snap/server.tar" || { echo "aegir-pack: the $kind config test failed, and $cfg/$ctx could not be put back" >&2; exit 1; }
	fi
	for app in apache nginx; do
		conf="$cfg/$app.conf"
		if [ -f "$snap/$app.conf.link" ]; then as_user ln -sfn -- "$(cat -- "$snap/$app.conf.link")" "$conf"
		elif [ -f "$snap/$app.conf" ]; then as_user rm -f -- "$conf" && as_user sh -c 'cat > "$1"' aegir-pack "$conf" < "$snap/$app.conf"
		else as_user rm -f -- "$conf"; fi
	done
	rm -f -- "$pending"
	echo "aegir-pack: the previous $cfg/$ctx and $kind.conf are back (the rejected copy: $snap/rejected.tar)"
fi
if conftest >/dev/null 2>&1; then
	echo "aegir-pack: the $kind config test failed; $kind was not reloaded and keeps running its previous config"
else
	echo "aegir-pack: the $kind config test failed, and fails with the previous config too (broken before this change); $kind was not reloaded"
fi
exit 1
`;
