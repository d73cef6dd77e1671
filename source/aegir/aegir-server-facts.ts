// What the Aegir server contributes to a member's prerequisites: the aegir
// user's public keys (one must be in every member's authorized_keys) and the
// known_hosts files its ssh reads (every member's host key must be there, or
// Aegir's rsync stops at "Host key verification failed"). One read-only
// command, run as root on the Aegir server, parsed here.

import {readSections, splitSections} from '../shell/sectioned-script.js';
import type {Transport} from '../contracts/transport.js';
import {commandLine} from '../shell/quote.js';
import {PATH_FACTS, parseGroupLine, parsePasswdLine, pathFact, textFact, type AccountEntry, type GroupEntry, type PathStat, type TextFileFact} from './member-facts.js';
import {parsePublicKey, type PublicKey} from './ssh-keys.js';

/** The identities ssh tries by default, in its order. */
export const DEFAULT_IDENTITIES = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk'];

export type AegirServerFactsRequest = {
	/** Aegir's home on the Aegir server, `/var/aegir`. */
	aegirHome: string;
	/** The system-wide known hosts file ssh also reads. */
	globalKnownHosts?: string;
	/** Aegir's user here (default aegir): its uid/gid are the pack's. */
	aegirUser?: string;
};

export type IdentityFact = {name: string; key?: PublicKey; line: string};

export type AegirServerFacts = {
	/** Key pairs (private and .pub both there) in ssh's order; `key` undefined when the .pub is not a key. */
	identities: IdentityFact[];
	sshDir?: PathStat;
	knownHosts: TextFileFact;
	globalKnownHosts: TextFileFact;
	/** The aegir user and group on the Aegir server: members get the same ids. */
	user?: AccountEntry;
	group?: GroupEntry;
};

export const AEGIR_SERVER_FACTS_SCRIPT = `
N=$1 H=$2 GLOBAL=$3 U=\${4:-aegir}
LC_ALL=C
export LC_ALL
sec() { printf '\\n@@%s@@ %s\\n' "$N" "$1"; }
${PATH_FACTS}
for k in ${DEFAULT_IDENTITIES.join(' ')}; do
	if [ -f "$H/.ssh/$k" ] && [ -f "$H/.ssh/$k.pub" ] && [ ! -L "$H/.ssh/$k.pub" ]; then sec "identity:$k"; head -n 1 -- "$H/.ssh/$k.pub"; fi
done
dir ssh-dir "$H/.ssh"
if [ ! -L "$H/.ssh" ]; then text known-hosts "$H/.ssh/known_hosts" "$U"; fi
text global-known-hosts "$GLOBAL"
sec passwd; getent passwd "$U"
sec group; getent group "$U"
sec end
exit 0
`;

export function aegirServerFactsCommand(request: AegirServerFactsRequest, nonce: string): string {
	return `sh -s -- ${commandLine([nonce, request.aegirHome.replace(/\/+$/, ''), request.globalKnownHosts ?? '/etc/ssh/ssh_known_hosts', request.aegirUser ?? 'aegir'])}`;
}

export function parseAegirServerFacts(text: string, nonce: string): AegirServerFacts {
	const sections = splitSections(text, nonce);
	if (!sections.has('end')) throw new Error('the Aegir server facts command stopped before the end of its output');
	const identities: IdentityFact[] = [];
	for (const name of DEFAULT_IDENTITIES) {
		const content = sections.get(`identity:${name}`);
		if (content === undefined) continue;
		const line = content.trim();
		const key = parsePublicKey(line);
		identities.push(key ? {name, key, line} : {name, line});
	}

	return {
		identities,
		sshDir: pathFact(sections, 'ssh-dir'),
		knownHosts: textFact(sections, 'known-hosts'),
		globalKnownHosts: textFact(sections, 'global-known-hosts'),
		user: parsePasswdLine(sections.get('passwd')),
		group: parseGroupLine(sections.get('group')),
	};
}

/** Run the script on the Aegir server (as root: the aegir user's .ssh is private). */
export async function gatherAegirServerFacts(transport: Transport, request: AegirServerFactsRequest, signal?: AbortSignal): Promise<AegirServerFacts> {
	return readSections(transport, {
		what: "the aegir user's ssh files on",
		script: AEGIR_SERVER_FACTS_SCRIPT,
		command: nonce => aegirServerFactsCommand(request, nonce),
		parse: parseAegirServerFacts,
		timeoutMs: 30_000,
		signal,
	});
}
