// What the Aegir prerequisites of one pack member look like right now: one
// read-only command (sent on stdin to `sh -s`, run as root) that prints
// delimited sections, parsed here. It reads accounts, sudoers, the web server,
// Aegir's config include, the aegir user's ssh files and the host's own public
// keys. Every path is an argument, so tests run the real script on temp dirs.

import {readSections, splitSections} from '../shell/sectioned-script.js';
import type {Transport} from '../contracts/transport.js';
import {byteText} from '../shell/byte-text.js';
import {PATH_GUARD} from '../shell/path-guard.js';
import {commandLine} from '../shell/quote.js';
import {includedDirectories} from './sudoers.js';
import {APACHE_PACKAGES, DEFAULT_INCLUDE_LINK, NGINX_PACKAGES} from './web-server.js';

export type PathStat = {
	type: 'file' | 'directory' | 'symlink' | 'other';
	mode: number;
	uid: number;
	gid: number;
	/** What a symbolic link points to (readlink), for the paths read without following links. */
	target?: string;
};

export type AccountEntry = {name: string; uid: number; gid: number; home: string; shell: string};
export type GroupEntry = {name: string; gid: number; members: string[]};

export type TextFileFact =
	| {present: false}
	/**
	 * `content` is byte text (one character per byte: the exact bytes, see
	 * shell/byte-text.ts). `readable` false: it exists but could not be read, is
	 * not a regular file, or is a link where the aegir user's file belongs
	 * (`link`: its target; never read through).
	 */
	| {present: true; stat?: PathStat; content: string; readable: boolean; link?: string};

export type LinkFact = {
	/** lstat of the path itself; undefined when nothing is there. */
	stat?: PathStat;
	/** What the symlink says (readlink), when it is one. */
	target?: string;
	/** Following links ends at something that exists. */
	resolves: boolean;
};

export type MemberPaths = {
	sudoersFile: string;
	sudoersMain: string;
	apacheInclude: string;
	nginxInclude: string;
	shellsFile: string;
	/** Where the host keeps its ssh host keys (ssh_host_*_key.pub). */
	sshHostKeyDir: string;
	/** Apache's enabled modules (`<name>.load` links); absent on a member without Apache. */
	apacheModsEnabled?: string;
};

export const DEFAULT_MEMBER_PATHS: MemberPaths = {
	sudoersFile: '/etc/sudoers.d/aegir',
	sudoersMain: '/etc/sudoers',
	apacheInclude: DEFAULT_INCLUDE_LINK.apache,
	nginxInclude: DEFAULT_INCLUDE_LINK.nginx,
	shellsFile: '/etc/shells',
	sshHostKeyDir: '/etc/ssh',
	apacheModsEnabled: '/etc/apache2/mods-enabled',
};

export type MemberFactsRequest = {
	aegirUser: string;
	/** Aegir's home on the member, `/var/aegir`. */
	aegirHome: string;
	/** The web server's group the aegir user must belong to, `www-data`. */
	webGroup: string;
	/** The pack's uid/gid of aegir, when known: the facts then say who holds them here. */
	expectedUid?: number;
	expectedGid?: number;
	paths: MemberPaths;
};

export type MemberFacts = {
	/** Effective uid the script ran as (0: root). */
	uid?: number;
	user?: AccountEntry;
	group?: GroupEntry;
	/** Names of every group of the aegir user (`id -Gn`). */
	userGroups: string[];
	webGroup?: GroupEntry;
	/** The account that has the expected uid here, if any. */
	uidHolder?: AccountEntry;
	/** The group that has the expected gid here, if any. */
	gidHolder?: GroupEntry;
	/** Lines of /etc/shells; undefined when it is missing. */
	shells?: string[];
	/** Installed packages among those asked (dpkg status `ii`). */
	packages: Record<string, boolean>;
	/** Commands on root's PATH, by name → path. */
	commands: Record<string, string>;
	/** Which of the programs sudoers may name exist and are executable. */
	executables: string[];
	sudoers: TextFileFact;
	/** Directories the main sudoers file includes; undefined when it does not exist. */
	sudoersIncludes?: string[];
	apacheInclude: LinkFact;
	nginxInclude: LinkFact;
	apacheTarget?: PathStat;
	nginxTarget?: PathStat;
	/** `<aegirHome>/config`, where Aegir's verify links the web server config. */
	configDir?: PathStat;
	home?: PathStat;
	sshDir?: PathStat;
	authorizedKeys: TextFileFact;
	/** The host's own public host keys, one `type base64 comment` line each. */
	hostKeys: string[];
	/** PHP on root's PATH loads the mysqli and pdo_mysql extensions; undefined when there is no php. */
	phpMysql?: boolean;
	/** Apache modules enabled (`rewrite`, `php8.2`, …): the `*.load` names in mods-enabled. */
	apacheModules?: string[];
	/** PHP FastCGI managers installed (`php8.2-fpm`), for nginx. */
	phpFpm?: string[];
	/** Aegir's `aegir3-cluster-slave` package, when installed: it may have set up this head already. */
	clusterSlave?: {version: string};
};

export class MemberFactsParseError extends Error {
	override name = 'MemberFactsParseError';
}

export const MEMBER_PACKAGES = [...APACHE_PACKAGES, ...NGINX_PACKAGES, 'rsync', 'sudo'];
export const MEMBER_COMMANDS = ['rsync', 'visudo', 'sudo', 'apache2ctl', 'nginx', 'php', 'mysql', 'mariadb', 'a2enmod'];

/** Aegir's Debian package that sets up a remote web head (its fstab line for the share included). */
export const CLUSTER_SLAVE_PACKAGE = 'aegir3-cluster-slave';
export const SUDO_PROGRAMS = ['/usr/sbin/apache2ctl', '/usr/sbin/nginx', '/etc/init.d/nginx'];

/**
 * Shell functions both facts scripts use to read paths (after \`sec\`):
 * - \`dir NAME PATH\`: lstat of a path in the aegir user's tree (a link is not
 *   followed; its target is printed as NAME.target).
 * - \`text NAME PATH [OWNER]\`: a file's stat and exact bytes (base64). With
 *   OWNER (a file in the aegir user's tree) a link is reported, never read, and
 *   the file is read as OWNER when OWNER owns its directory. Anything but a
 *   regular file is reported, not read (a FIFO cannot hold the facts).
 */
export const PATH_FACTS = `${PATH_GUARD}
st() { stat -c '%F|%a|%u|%g' -- "$1" 2>/dev/null; }
stL() { stat -L -c '%F|%a|%u|%g' -- "$1" 2>/dev/null; }
dir() {
	sec "$1"; st "$2"
	if [ -L "$2" ]; then sec "$1.target"; readlink -- "$2"; fi
}
text() {
	if [ -n "\${3:-}" ] && [ -L "$2" ]; then
		sec "$1.stat"; st "$2"; sec "$1.link"; readlink -- "$2"
	elif [ -f "$2" ]; then
		sec "$1.stat"; if [ -n "\${3:-}" ]; then st "$2"; else stL "$2"; fi
		sec "$1.b64"
		if [ -n "\${3:-}" ] && [ "$(stat -c %U -- "$(dirname -- "$2")" 2>/dev/null)" = "$3" ]; then
			ap_as "$3" timeout -k 1 10 base64 -w 0 -- "$2" 2>/dev/null
		else
			timeout -k 1 10 base64 -w 0 -- "$2" 2>/dev/null
		fi
		r=$?; sec "$1.rc"; printf '%s' "$r"
	elif [ -e "$2" ] || [ -L "$2" ]; then
		sec "$1.stat"; stL "$2"; sec "$1.notfile"
	fi
}
`;

export const MEMBER_FACTS_SCRIPT = `
N=$1 U=$2 H=$3 WG=$4 EU=$5 EG=$6 SUDOERS=$7 SUDOERS_MAIN=$8 SHELLS=$9
shift 9
AL=$1 NL=$2 AT=$3 NT=$4 KEYDIR=$5 MODS=\${6:-}
shift 5
LC_ALL=C
export LC_ALL
sec() { printf '\\n@@%s@@ %s\\n' "$N" "$1"; }
${PATH_FACTS}
link() {
	sec "$1.stat"; st "$2"
	if [ -L "$2" ]; then sec "$1.target"; readlink -- "$2"; fi
	if [ -e "$2" ]; then sec "$1.resolves"; fi
}
sec uid; id -u
sec passwd; getent passwd "$U"
sec group; getent group "$U"
sec groups; id -Gn -- "$U" 2>/dev/null
sec webgroup; getent group "$WG"
if [ -n "$EU" ]; then sec uid-holder; getent passwd "$EU"; fi
if [ -n "$EG" ]; then sec gid-holder; getent group "$EG"; fi
text shells "$SHELLS"
sec packages
dpkg-query -W -f='\${Package}\\t\${db:Status-Abbrev}\\n' ${MEMBER_PACKAGES.join(' ')} 2>/dev/null
sec commands
for c in ${MEMBER_COMMANDS.join(' ')}; do p=$(command -v "$c" 2>/dev/null) && printf '%s\\t%s\\n' "$c" "$p"; done
sec executables
for p in ${SUDO_PROGRAMS.join(' ')}; do [ -f "$p" ] && [ -x "$p" ] && echo "$p"; done
text sudoers "$SUDOERS"
if [ -e "$SUDOERS_MAIN" ]; then sec sudoers-main; grep -E '^[[:space:]]*[#@]includedir[[:space:]]' -- "$SUDOERS_MAIN" 2>/dev/null; fi
link apache-include "$AL"
link nginx-include "$NL"
sec apache-target; stL "$AT"
sec nginx-target; stL "$NT"
dir config-dir "$H/config"
dir home "$H"
dir ssh-dir "$H/.ssh"
# Never read below a home or .ssh that is a link (the rows refuse those by name).
if [ ! -L "$H" ] && [ ! -L "$H/.ssh" ]; then text authorized-keys "$H/.ssh/authorized_keys" "$U"; fi
sec host-keys
for k in "$KEYDIR"/ssh_host_*_key.pub; do [ -f "$k" ] && head -n 1 -- "$k"; done
if command -v php >/dev/null 2>&1; then
	sec php-mysql.rc
	timeout -k 1 10 php -r 'exit(extension_loaded("mysqli") && extension_loaded("pdo_mysql") ? 0 : 1);' >/dev/null 2>&1
	printf '%s' "$?"
fi
if [ -n "$MODS" ] && [ -d "$MODS" ]; then
	sec apache-modules
	for m in "$MODS"/*.load; do [ -e "$m" ] && basename -- "$m" .load; done
fi
sec php-fpm
for f in /usr/sbin/php-fpm*; do [ -x "$f" ] && basename -- "$f"; done
sec cluster-slave
dpkg-query -W -f='\${db:Status-Abbrev}\\t\${Version}\\n' ${CLUSTER_SLAVE_PACKAGE} 2>/dev/null
sec end
exit 0
`;

/** The command line that runs MEMBER_FACTS_SCRIPT (sent on stdin) with its arguments quoted. */
export function memberFactsCommand(request: MemberFactsRequest, nonce: string): string {
	const home = request.aegirHome.replace(/\/+$/, '');
	return `sh -s -- ${commandLine([
		nonce,
		request.aegirUser,
		home,
		request.webGroup,
		request.expectedUid === undefined ? '' : String(request.expectedUid),
		request.expectedGid === undefined ? '' : String(request.expectedGid),
		request.paths.sudoersFile,
		request.paths.sudoersMain,
		request.paths.shellsFile,
		request.paths.apacheInclude,
		request.paths.nginxInclude,
		`${home}/config/apache.conf`,
		`${home}/config/nginx.conf`,
		request.paths.sshHostKeyDir,
		request.paths.apacheModsEnabled ?? '',
	])}`;
}

const number = (text: string | undefined): number | undefined => (text !== undefined && /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined);

function firstLine(text: string | undefined): string {
	return (text ?? '').split('\n').find(line => line.trim() !== '') ?? '';
}

export function parseStat(text: string | undefined): PathStat | undefined {
	const fields = firstLine(text).split('|');
	if (fields.length !== 4) return undefined;
	const [kind = '', modeText = '', uidText, gidText] = fields;
	const uid = number(uidText);
	const gid = number(gidText);
	if (!/^[0-7]{1,4}$/.test(modeText) || uid === undefined || gid === undefined) return undefined;
	const type = kind.startsWith('regular') ? 'file' : kind === 'directory' ? 'directory' : kind === 'symbolic link' ? 'symlink' : 'other';
	return {type, mode: Number.parseInt(modeText, 8), uid, gid};
}

export function parsePasswdLine(text: string | undefined): AccountEntry | undefined {
	const fields = firstLine(text).split(':');
	const uid = number(fields[2]);
	const gid = number(fields[3]);
	if (fields.length < 7 || !fields[0] || uid === undefined || gid === undefined) return undefined;
	return {name: fields[0], uid, gid, home: fields[5] ?? '', shell: fields[6] ?? ''};
}

export function parseGroupLine(text: string | undefined): GroupEntry | undefined {
	const fields = firstLine(text).split(':');
	const gid = number(fields[2]);
	if (fields.length < 4 || !fields[0] || gid === undefined) return undefined;
	return {name: fields[0], gid, members: (fields[3] ?? '').split(',').filter(Boolean)};
}

// A stat that failed (nothing there) printed nothing: the section is empty.
function statSection(sections: Map<string, string>, name: string): PathStat | undefined {
	return parseStat(sections.get(name));
}

/** A path the script printed with `dir NAME PATH`: its lstat, and a link's target. */
export function pathFact(sections: Map<string, string>, name: string): PathStat | undefined {
	const stat = parseStat(sections.get(name));
	const target = sections.get(`${name}.target`);
	if (!stat || target === undefined) return stat;
	return {...stat, target: target.replace(/\n$/, '')};
}

/** A file the script printed with `text NAME PATH [OWNER]`. */
export function textFact(sections: Map<string, string>, name: string): TextFileFact {
	const stat = parseStat(sections.get(`${name}.stat`));
	const link = sections.get(`${name}.link`);
	if (link !== undefined) return {present: true, stat, content: '', readable: false, link: link.replace(/\n$/, '')};
	const encoded = sections.get(`${name}.b64`);
	if (encoded !== undefined) {
		return {present: true, stat, content: byteText(Buffer.from(encoded.trim(), 'base64')), readable: sections.get(`${name}.rc`) === '0'};
	}

	if (sections.has(`${name}.notfile`)) return {present: true, stat, content: '', readable: false};
	return {present: false};
}

function linkFact(sections: Map<string, string>, name: string): LinkFact {
	const target = sections.get(`${name}.target`);
	return {
		stat: statSection(sections, `${name}.stat`),
		// readlink ends its answer with one newline.
		...(target === undefined ? {} : {target: target.replace(/\n$/, '')}),
		resolves: sections.has(`${name}.resolves`),
	};
}

const lines = (text: string | undefined) => (text ?? '').split('\n').map(line => line.trim()).filter(Boolean);

/** Parse the whole output of MEMBER_FACTS_SCRIPT. */
export function parseMemberFacts(text: string, nonce: string): MemberFacts {
	const sections = splitSections(text, nonce);
	if (!sections.has('end')) throw new MemberFactsParseError('the prerequisite facts command stopped before the end of its output');
	const packages: Record<string, boolean> = {};
	for (const line of lines(sections.get('packages'))) {
		const [name = '', status = ''] = line.split('\t');
		if (name) packages[name.replace(/:.*$/, '')] = status.startsWith('ii');
	}

	const commands: Record<string, string> = {};
	for (const line of lines(sections.get('commands'))) {
		const [name = '', where = ''] = line.split('\t');
		if (name && where) commands[name] = where;
	}

	const shells = textFact(sections, 'shells');
	const main = sections.get('sudoers-main');
	return {
		uid: number(sections.get('uid')),
		user: parsePasswdLine(sections.get('passwd')),
		group: parseGroupLine(sections.get('group')),
		userGroups: (sections.get('groups') ?? '').trim().split(/\s+/).filter(Boolean),
		webGroup: parseGroupLine(sections.get('webgroup')),
		uidHolder: parsePasswdLine(sections.get('uid-holder')),
		gidHolder: parseGroupLine(sections.get('gid-holder')),
		shells: shells.present && shells.readable ? lines(shells.content).filter(line => !line.startsWith('#')) : undefined,
		packages,
		commands,
		executables: lines(sections.get('executables')),
		sudoers: textFact(sections, 'sudoers'),
		sudoersIncludes: main === undefined ? undefined : includedDirectories(main),
		apacheInclude: linkFact(sections, 'apache-include'),
		nginxInclude: linkFact(sections, 'nginx-include'),
		apacheTarget: statSection(sections, 'apache-target'),
		nginxTarget: statSection(sections, 'nginx-target'),
		configDir: pathFact(sections, 'config-dir'),
		home: pathFact(sections, 'home'),
		sshDir: pathFact(sections, 'ssh-dir'),
		authorizedKeys: textFact(sections, 'authorized-keys'),
		hostKeys: lines(sections.get('host-keys')),
		...phpFacts(sections),
	};
}

/** The facts the PHP, MySQL client, rewrite and cluster-slave rows read (absent sections stay undefined). */
function phpFacts(sections: Map<string, string>): Pick<MemberFacts, 'phpMysql' | 'apacheModules' | 'phpFpm' | 'clusterSlave'> {
	const php = sections.get('php-mysql.rc');
	const modules = sections.get('apache-modules');
	const fpm = lines(sections.get('php-fpm'));
	const [status = '', version = ''] = lines(sections.get('cluster-slave'))[0]?.split('\t') ?? [];
	return {
		...(php === undefined ? {} : {phpMysql: php.trim() === '0'}),
		...(modules === undefined ? {} : {apacheModules: lines(modules)}),
		...(fpm.length > 0 ? {phpFpm: fpm} : {}),
		...(status.startsWith('ii') ? {clusterSlave: {version: version.trim()}} : {}),
	};
}

/** Run the facts script on a member (as root) and parse what it printed. */
export async function gatherMemberFacts(transport: Transport, request: MemberFactsRequest, signal?: AbortSignal): Promise<MemberFacts> {
	return readSections(transport, {
		what: 'the Aegir prerequisites of',
		script: MEMBER_FACTS_SCRIPT,
		command: nonce => memberFactsCommand(request, nonce),
		parse: parseMemberFacts,
		timeoutMs: 60_000,
		signal,
	});
}
