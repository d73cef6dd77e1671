// A pack member simulated on this machine for the prerequisite steps: the
// real facts, safe-edit and include scripts run on a temp tree (see
// local-tree.ts), with a PATH of real tools minus those that would change the
// system. Stand-ins take their place, keeping their state in files of the tree:
// getent/id read a fake passwd and group, dpkg-query a package list, and
// useradd/groupadd/usermod/apt-get edit those files (apt-get also "installs"
// rsync, apache2ctl, nginx, php, mysql and Apache's module links as stand-ins;
// a2enmod links a module). visudo rejects while the file
// `visudo-rejects` exists. Nothing outside the tree is ever changed.
// Run by a user other than root, the member's etc/ reads as root's, as on a
// real host: stat reports its files as owned by root (0:0), and chown to
// root:root there is a no-op. Run as root, the real stat and chown are used.

import {chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {LocalShTransport} from '../plan/local-sh-transport.js';
import {arrangeServer, makeTree, me, myGid, myUid, sshFixtures, type Tree} from './local-tree.js';

/** Real tools the scripts need; none of them changes anything outside the paths it is given. */
const REAL_TOOLS = [
	'sh', 'stat', 'cat', 'grep', 'head', 'tail', 'readlink', 'mktemp', 'sha256sum', 'cut', 'chown', 'chmod', 'mv', 'cp', 'sync',
	'dirname', 'basename', 'rm', 'mkdir', 'ln', 'sed', 'awk', 'tr', 'sort', 'date', 'sleep', 'touch', 'ls', 'env', 'true', 'false', 'test',
	// The path guard, safe-edit and the facts (files travel as base64).
	'base64', 'timeout', 'wc', 'runuser',
];

const STAND_INS: Record<string, string> = {
	getent: `
f="$SIM/$1"
[ -f "$f" ] || exit 2
awk -F: -v k="$2" '$1 == k || $3 == k { print; found = 1; exit } END { exit found ? 0 : 2 }' "$f"
`,
	id: `
if [ "$1" = -Gn ]; then
	shift
	[ "$1" = -- ] && shift
	line=$(awk -F: -v k="$1" '$1 == k' "$SIM/passwd")
	[ -n "$line" ] || { echo "id: '$1': no such user" >&2; exit 1; }
	gid=$(printf '%s\\n' "$line" | cut -d: -f4)
	awk -F: -v u="$1" -v g="$gid" '{ n = split($4, m, ","); ok = ($3 == g); for (i = 1; i <= n; i++) if (m[i] == u) ok = 1; if (ok) printf "%s%s", (c++ ? " " : ""), $1 } END { print "" }' "$SIM/group"
	exit 0
fi
exec "$REAL_ID" "$@"
`,
	'dpkg-query': `
for a in "$@"; do
	case $a in -*) ;; *) grep -qx -- "$a" "$SIM/packages" && printf '%s\\tii \\n' "$a" ;; esac
done
exit 0
`,
	'apt-get': `
echo "apt-get $*" >> "$SIM/commands.log"
[ "$1" = update ] && exit 0
for a in "$@"; do
	case $a in
		-* | install | DPkg::*) ;;
		*)
			echo "$a" >> "$SIM/packages"
			case $a in
				rsync) printf '#!/bin/sh\\nexit 0\\n' > "$BIN/rsync"; chmod 755 "$BIN/rsync" ;;
				apache2)
					printf '#!/bin/sh\\nexit 0\\n' > "$BIN/apache2ctl"; chmod 755 "$BIN/apache2ctl"
					printf '#!/bin/sh\\necho "a2enmod $*" >> "$SIM/commands.log"\\nfor m; do case $m in -*) ;; *) : > "$MODS/$m.load" ;; esac; done\\n' > "$BIN/a2enmod"; chmod 755 "$BIN/a2enmod"
					mkdir -p "$MODS" && : > "$MODS/mpm_event.load" ;;
				php-cli) printf '#!/bin/sh\\ngrep -qx php-mysql "$SIM/packages"\\n' > "$BIN/php"; chmod 755 "$BIN/php" ;;
				libapache2-mod-php) mkdir -p "$MODS" && : > "$MODS/php8.2.load" ;;
				default-mysql-client) printf '#!/bin/sh\\nexit 0\\n' > "$BIN/mysql"; chmod 755 "$BIN/mysql" ;;
				nginx) printf '#!/bin/sh\\nexit 0\\n' > "$BIN/nginx"; chmod 755 "$BIN/nginx" ;;
			esac
			;;
	esac
done
`,
	groupadd: `
echo "groupadd $*" >> "$SIM/commands.log"
gid=1999
while [ $# -gt 1 ]; do case $1 in --gid) gid=$2; shift 2 ;; *) shift ;; esac; done
echo "$1:x:$gid:" >> "$SIM/group"
`,
	useradd: `
echo "useradd $*" >> "$SIM/commands.log"
uid=1999 gid= home= shell= comment=
while [ $# -gt 1 ]; do
	case $1 in
		--uid) uid=$2; shift 2 ;; --gid) gid=$2; shift 2 ;; --home-dir) home=$2; shift 2 ;;
		--shell) shell=$2; shift 2 ;; --comment) comment=$2; shift 2 ;; *) shift ;;
	esac
done
gid=$(awk -F: -v k="$gid" '$1 == k || $3 == k { print $3 }' "$SIM/group")
echo "$1:x:$uid:$gid:$comment:$home:$shell" >> "$SIM/passwd"
`,
	usermod: `
echo "usermod $*" >> "$SIM/commands.log"
field= value= group=
while [ $# -gt 1 ]; do
	case $1 in
		--home) field=6 value=$2; shift 2 ;; --shell) field=7 value=$2; shift 2 ;;
		--groups) group=$2; shift 2 ;; *) shift ;;
	esac
done
if [ -n "$group" ]; then
	awk -F: -v OFS=: -v g="$group" -v u="$1" '$1 == g { $4 = ($4 == "" ? u : $4 "," u) } { print }' "$SIM/group" > "$SIM/group.new" && mv "$SIM/group.new" "$SIM/group"
fi
if [ -n "$field" ]; then
	awk -F: -v OFS=: -v f="$field" -v v="$value" -v u="$1" '$1 == u { $f = v } { print }' "$SIM/passwd" > "$SIM/passwd.new" && mv "$SIM/passwd.new" "$SIM/passwd"
fi
`,
	visudo: `
echo "visudo $*" >> "$SIM/commands.log"
if [ -e "$SIM/visudo-rejects" ]; then echo ">>> $2: syntax error near line 1 <<<" >&2; exit 1; fi
exit 0
`,
};

/** For a run without root: the member's etc/ (ROOT_OWNED) reads as root's, which only root could arrange for real. */
const ROOT_OWNED_STAND_INS: Record<string, string> = {
	stat: `
for a in "$@"; do last=$a; done
case $last in "$ROOT_OWNED"/*) ;; *) exec "$REAL_STAT" "$@" ;; esac
n=$# format=
for a in "$@"; do
	if [ -n "$format" ]; then a=$(printf '%s' "$a" | sed 's/%u/0/g; s/%g/0/g; s/%U/root/g; s/%G/root/g'); format=; fi
	[ "$a" = -c ] && format=1
	set -- "$@" "$a"
done
shift $n
exec "$REAL_STAT" "$@"
`,
	chown: `
for a in "$@"; do last=$a; done
case $last in "$ROOT_OWNED"/*) case " $* " in *" root:root "*) exit 0 ;; esac ;; esac
exec "$REAL_CHOWN" "$@"
`,
};

export type SimulatedMember = {
	tree: Tree;
	/** The member's transport (runs commands here with the simulated PATH). */
	transport: LocalShTransport;
	/** The Aegir server's transport: real tools on the tree's server side. */
	server: LocalShTransport;
	sim: string;
	bin: string;
	/** What the stand-ins were asked to do, one line each. */
	commands(): string[];
	install(name: 'rsync' | 'apache2ctl' | 'nginx', packageName: string): void;
};

/** The program file (not a shell builtin of the same name). */
function which(tool: string): string {
	for (const directory of ['/usr/bin', '/bin', '/usr/sbin', '/sbin', ...(process.env['PATH'] ?? '').split(':')]) {
		const candidate = path.join(directory, tool);
		if (directory.startsWith('/') && existsSync(candidate)) return candidate;
	}

	throw new Error(`the simulated member needs ${tool}`);
}

/** A member with nothing of Aegir's prerequisites but its host keys, sudoers includes and login shells; an Aegir server with its key. */
export function simulatedMember(hostName = 'web1'): SimulatedMember {
	const tree = makeTree();
	const sim = path.join(tree.root, 'sim');
	const bin = path.join(tree.root, 'bin');
	mkdirSync(sim);
	mkdirSync(bin);
	const standIns = process.getuid?.() === 0 ? STAND_INS : {...STAND_INS, ...ROOT_OWNED_STAND_INS};
	for (const tool of REAL_TOOLS.filter(tool => !(tool in standIns))) symlinkSync(which(tool), path.join(bin, tool));
	for (const [name, body] of Object.entries(standIns)) {
		writeFileSync(path.join(bin, name), `#!/bin/sh\n# test stand-in, not the real ${name}\n${body}`);
		chmodSync(path.join(bin, name), 0o755);
	}

	writeFileSync(path.join(sim, 'passwd'), '');
	writeFileSync(path.join(sim, 'group'), 'www-data:x:33:\n');
	writeFileSync(path.join(sim, 'packages'), '');
	writeFileSync(path.join(sim, 'commands.log'), '');
	const {paths} = tree.request;
	writeFileSync(paths.sudoersMain, `Defaults env_reset\n@includedir ${path.dirname(paths.sudoersFile)}\n`);
	writeFileSync(paths.shellsFile, '# /etc/shells\n/bin/sh\n/bin/bash\n');
	for (const type of ['ed25519', 'rsa']) {
		copyFileSync(path.join(sshFixtures, `web1_host_${type}.pub`), path.join(paths.sshHostKeyDir, `ssh_host_${type}_key.pub`));
	}

	// The Aegir server's aegir user has its key pair; its known_hosts does not exist yet.
	arrangeServer(tree);
	const rootOwned = path.dirname(path.dirname(paths.sudoersFile));
	const env = {PATH: bin, SIM: sim, BIN: bin, REAL_ID: which('id'), REAL_STAT: which('stat'), REAL_CHOWN: which('chown'), ROOT_OWNED: rootOwned, MODS: tree.request.paths.apacheModsEnabled ?? ''};
	const install = (name: string, packageName: string) => {
		writeFileSync(path.join(bin, name), '#!/bin/sh\nexit 0\n', {mode: 0o755});
		writeFileSync(path.join(sim, 'packages'), `${readFileSync(path.join(sim, 'packages'), 'utf8')}${packageName}\n`);
	};

	return {
		tree,
		transport: new LocalShTransport({hostName, env}),
		server: new LocalShTransport({hostName: 'aegir'}),
		sim,
		bin,
		commands: () => readFileSync(path.join(sim, 'commands.log'), 'utf8').split('\n').filter(Boolean),
		install,
	};
}

/** The member already as Aegir wants it, except what the test breaks afterwards. */
export function arrangeAccount(member: SimulatedMember): void {
	writeFileSync(path.join(member.sim, 'group'), `www-data:x:33:${me}\n${me}:x:${myGid}:\n`);
	writeFileSync(path.join(member.sim, 'passwd'), `${me}:x:${myUid}:${myGid}:Aegir:${member.tree.home}:/bin/bash\n`);
}
