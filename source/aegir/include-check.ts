// The web server must read Aegir's config: a symlink from its include
// directory to <aegirHome>/config/<apache|nginx>.conf, which Aegir's verify
// later points at the server's own config (with `ln -sf` as the aegir user, so
// <aegirHome>/config must belong to aegir). Until then an empty file stands in
// (also for a dangling link there), so the web server never meets a dangling include.
//
// Whatever was at the link path is kept beside it as `….aegir-pack-<stamp>.bak`
// (neither conf-enabled/*.conf nor conf.d/*.conf reads that name). The config
// test runs before and after: if it passed before and fails after, the link is
// removed and the old file put back.

import {linkRefusal, PATH_GUARD} from '../shell/path-guard.js';
import {commandLine} from '../shell/quote.js';
import type {LinkFact, PathStat} from './member-facts.js';
import type {PrerequisiteInput, PrerequisiteRow} from './prerequisite-types.js';
import {CONFIG_TEST_COMMAND, includeTarget, type WebServerKind} from './web-server.js';

export const INCLUDE_LINK_SCRIPT = `
set -u
link=$1 target=$2 owner=$3 test=$4 stamp=$5
${PATH_GUARD}
fail() { echo "aegir-pack: $*" >&2; exit 1; }
dir=$(dirname -- "$link")
[ -d "$dir" ] || fail "$dir does not exist (is the web server installed?); $link was not created"
tdir=$(dirname -- "$target")
# Aegir's config directory is in the aegir user's home: never created, given away or written through a link.
if [ -e "$tdir" ] || [ -L "$tdir" ]; then
	ap_no_link "$tdir" "a directory"
	if [ "$(stat -c %U -- "$tdir")" != "$owner" ]; then
		ap_chown_dir "$tdir" "$owner"
		echo "aegir-pack: gave $tdir to $owner"
	fi
else
	ap_mkdir "$tdir" "$owner" 0755
	echo "aegir-pack: created $tdir"
fi
# The stand-in is aegir's file in aegir's directory: aegir makes it. A dangling link there is
# Aegir's, to a config that is gone: its next verify links it again.
a=$(ap_audit "$tdir" "$owner") || exit 1
ap_as "$a" sh -c 'umask 022; [ -e "$1" ] && exit 0; if [ -L "$1" ]; then rm -f -- "$1" || exit 1; fi; : > "$1" && echo "aegir-pack: created an empty $1 until Aegir'"'"'s verify writes it"' aegir-pack-standin "$target" ||
	fail "cannot create $target"
if [ "$a" = root ] && [ "$owner" != root ] && [ -f "$target" ] && [ ! -L "$target" ] && [ "$(stat -c %U -- "$target")" != "$owner" ]; then
	chown -h -- "$owner:" "$target" || fail "cannot give $target to $owner"
fi
if [ -L "$link" ] && [ "$(readlink -- "$link")" = "$target" ]; then
	echo "aegir-pack: $link already points to $target"
	exit 0
fi
before=passing
if [ -n "$test" ] && ! sh -c "$test" >/dev/null 2>&1; then before=failing; fi
kept=
if [ -e "$link" ] || [ -L "$link" ]; then
	kept="$link.aegir-pack-$stamp.bak"
	[ -e "$kept" ] || [ -L "$kept" ] && kept="$kept.$$"
	mv -T -- "$link" "$kept" || fail "cannot move $link aside; nothing was changed"
	echo "aegir-pack: kept the previous $link as $kept"
fi
if ! ln -s -- "$target" "$link"; then
	[ -n "$kept" ] && mv -T -- "$kept" "$link"
	fail "cannot create the link $link; put back what was there"
fi
if [ -n "$test" ]; then
	if [ "$before" = failing ]; then
		echo "aegir-pack: the web server config test ($test) was failing before this change too; not used to judge it"
	elif ! out=$(sh -c "$test" 2>&1); then
		rm -f -- "$link"
		[ -n "$kept" ] && mv -T -- "$kept" "$link"
		printf '%s\\n' "$out" >&2
		fail "the web server rejects its config with Aegir's include ($test); put back what was there"
	fi
fi
echo "aegir-pack: linked $link -> $target"
`;

export type IncludeLinkOptions = {link: string; target: string; owner: string; configTest: string; stamp: string};

/** `sh -c <script> …`: run as root. */
export function includeLinkCommand(options: IncludeLinkOptions): string {
	return `sh -c ${commandLine([INCLUDE_LINK_SCRIPT, 'aegir-pack-include-link', options.link, options.target, options.owner, options.configTest, options.stamp])}`;
}

function describeLink(link: LinkFact): string {
	if (!link.stat) return 'missing';
	if (link.stat.type !== 'symlink') return `a ${link.stat.type === 'file' ? 'regular file' : link.stat.type} (kept as a .bak)`;
	return `a link to ${link.target ?? '?'}${link.resolves ? '' : ' (dangling)'}`;
}

export function includeRow(input: PrerequisiteInput, kind: WebServerKind | undefined): PrerequisiteRow {
	const base = {id: 'web-include' as const, title: "web server reads Aegir's config"};
	if (!kind) return {...base, ok: false, detail: 'depends on the web server, which is not settled (see above)'};
	const {member} = input;
	const link = kind === 'apache' ? input.paths.apacheInclude : input.paths.nginxInclude;
	const linkFact = kind === 'apache' ? member.apacheInclude : member.nginxInclude;
	const targetStat: PathStat | undefined = kind === 'apache' ? member.apacheTarget : member.nginxTarget;
	const home = input.aegirHome.replace(/\/+$/, '');
	const target = includeTarget(kind, home);
	const configDir = `${home}/config`;

	const issues: string[] = [];
	if (!(linkFact.stat?.type === 'symlink' && linkFact.target === target)) issues.push(`${link} is ${describeLink(linkFact)}, not a link to ${target}`);
	if (!targetStat) issues.push(`${target} does not exist`);
	if (!member.configDir) issues.push(`${configDir} does not exist`);
	else if (member.configDir.type === 'symlink') {
		const refusal = linkRefusal(configDir, member.configDir.target ?? '?', 'a directory');
		return {...base, ok: false, detail: refusal, manual: `${refusal}.`};
	} else if (member.configDir.type !== 'directory') return {...base, ok: false, detail: `${configDir} is not a directory`, manual: `${configDir} is not a directory: move it away, then run again.`};
	else if (member.user === undefined || member.configDir.uid !== member.user.uid) issues.push(`${configDir} does not belong to ${input.aegirUser}`);

	if (issues.length === 0) return {...base, ok: true, detail: `${link} → ${target}`};
	const options = {link, target, owner: input.aegirUser, configTest: CONFIG_TEST_COMMAND[kind], stamp: input.stamp};
	return {
		...base,
		ok: false,
		detail: issues.join('; '),
		fix: {
			runsOn: 'member',
			summary: `link ${link} to ${target}`,
			commands: [{command: includeLinkCommand(options), what: `linking ${link} to ${target}`}],
			display: [
				`mkdir -p ${configDir} && chown ${input.aegirUser}: ${configDir}   (when missing or not ${input.aegirUser}'s)`,
				`: > ${target} && chown ${input.aegirUser}: ${target}   (an empty stand-in, when missing)`,
				...(linkFact.stat ? [`mv -T ${link} ${link}.aegir-pack-${input.stamp}.bak`] : []),
				commandLine(['ln', '-s', '--', target, link]),
				`${CONFIG_TEST_COMMAND[kind]}   (before and after; failing after only: undo)`,
			],
		},
	};
}
