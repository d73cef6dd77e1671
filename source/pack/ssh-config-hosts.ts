// Hosts offered from the user's OpenSSH config, for the wizard's pickers.
// Every option of a host (HostName, User, Port, IdentityFile, proxies) comes
// from the one evaluator, sshHostOptions (the ssh-config library's compute).
// Listing the names stays here, as a small separate reader, because the
// library can only evaluate a name it is given: it cannot say which concrete
// names a config's Host lines define. Include is expanded before both read
// the file (ssh-config-file.ts), so the listing and the options see one config.

import {homedir} from 'node:os';
import {join} from 'node:path';
import {LineType, type Directive, type Line} from 'ssh-config';
import {readSshConfigText} from './ssh-config-file.js';
import {directiveWords, parseSshConfig, sshHostOptions, type SshConfig} from './ssh-config-options.js';
import {DEFAULT_SSH_PORT, DEFAULT_SSH_USER, type Host, type Problem} from './types.js';
import {validateHost} from './validate-fields.js';

export class SshConfigError extends Error {
	override name = 'SshConfigError';
}

export type SshConfigEntries = {
	/** Valid hosts, one per concrete alias, in file order. */
	hosts: Host[];
	/** Aliases we could not turn into a valid host, with the reasons. */
	skipped: Array<{alias: string; problems: Problem[]}>;
	/** Things in the config we deliberately do not follow (Match exec; Include in bare text). */
	notes: string[];
};

const isDirective = (line: Line): line is Directive => line.type === LineType.DIRECTIVE;
const hasConfig = (line: Line): line is Directive & {config: SshConfig} => 'config' in line;

const isPattern = (alias: string) => /[*?!,]/.test(alias);

const MATCH_EXEC_NOTE = 'Match exec commands are never run; those blocks count as not matching';

/** Expand the ssh tokens that make sense for a stored host; undefined if an unknown token is left. */
function expandTokens(text: string, tokens: Record<string, string>): string | undefined {
	let unknown = false;
	const expanded = text.replace(/%(.)/g, (whole, token: string) => {
		const value = tokens[token];
		if (value === undefined) unknown = true;
		return value ?? whole;
	});
	return unknown ? undefined : expanded;
}

function entryFor(config: SshConfig, alias: string): {host: Host} | {problems: Problem[]} {
	const field = `Host ${alias}`;
	const options = sshHostOptions(config, alias);
	const problems: Problem[] = [];

	for (const [proxy, value] of [['ProxyJump', options.proxyJump], ['ProxyCommand', options.proxyCommand]] as const) {
		if (value !== undefined && value.toLowerCase() !== 'none') {
			problems.push({field, message: `goes through ${proxy}; aegir-pack connects directly, so add it by hand with an address it can reach`});
		}
	}

	const address = options.hostName ?? alias;
	if (options.hostNameHasUnknownTokens) problems.push({field: `${field}.address`, message: 'HostName uses ssh % tokens other than %h'});
	const user = options.user ?? DEFAULT_SSH_USER;

	let port = DEFAULT_SSH_PORT;
	const portText = options.port;
	if (portText !== undefined) {
		if (/^[0-9]{1,5}$/.test(portText)) port = Number(portText);
		else problems.push({field: `${field}.port`, message: `Port ${JSON.stringify(portText)} is not a number`});
	}

	// A host keeps one key: the first one the config names (ssh would also try the others).
	let identityFile: string | undefined;
	const identity = options.identityFiles[0];
	if (identity !== undefined) {
		const atHome = identity.startsWith('%d/') ? `~/${identity.slice(3)}` : identity;
		identityFile = expandTokens(atHome, {h: address, r: user, '%': '%'});
		if (identityFile === undefined) {
			problems.push({field: `${field}.identityFile`, message: 'IdentityFile uses ssh % tokens other than %d, %h and %r'});
		}
	}

	const host: Host = {name: alias, address, port, user, ...(identityFile === undefined ? {} : {identityFile})};
	problems.push(...validateHost(host, field));
	return problems.length > 0 ? {problems} : {host};
}

/**
 * Every concrete alias of every `Host` block as a host, with the reasons for
 * the ones left out. Patterns (`*`, `?`, `!`) are not hosts; their blocks, the
 * lines before the first block and Match blocks apply as ssh applies them.
 * Bare text has no file to include from: its Include lines are not followed.
 */
export function sshConfigEntries(text: string): SshConfigEntries {
	let config: SshConfig;
	try {
		config = parseSshConfig(text);
	} catch (error) {
		throw new SshConfigError(`cannot parse ssh config: ${error instanceof Error ? error.message : String(error)}`);
	}
	const aliases: string[] = [];
	const notes = new Set<string>();
	const visit = (lines: Iterable<Line>) => {
		for (const line of lines) {
			if (!isDirective(line)) continue;
			const param = line.param.toLowerCase();
			if (param === 'include') notes.add('Include lines are not followed; hosts in included files are not listed');
			if (param === 'match' && directiveWords(line.value).some(word => word.toLowerCase() === 'exec')) notes.add(MATCH_EXEC_NOTE);
			if (param === 'host') for (const alias of directiveWords(line.value)) if (!isPattern(alias) && !aliases.includes(alias)) aliases.push(alias);
			if (hasConfig(line)) visit(line.config);
		}
	};
	visit(config);

	const entries: SshConfigEntries = {hosts: [], skipped: [], notes: [...notes]};
	for (const alias of aliases) {
		const entry = entryFor(config, alias);
		if ('host' in entry) entries.hosts.push(entry.host);
		else entries.skipped.push({alias, problems: entry.problems});
	}
	return entries;
}

/** The valid hosts of an ssh config text (see sshConfigEntries for the ones left out and why). */
export function hostsFromSshConfig(text: string): Host[] {
	return sshConfigEntries(text).hosts;
}

/** The default ssh client config of the user running the tool. */
export function defaultSshConfigPath(home: string = homedir()): string {
	return join(home, '.ssh', 'config');
}

/**
 * Read an ssh config file's entries, its Include lines followed (relative to
 * `home`/.ssh, as ssh does). Missing file: nothing to offer. Unreadable or
 * unparsable: SshConfigError naming the file.
 */
export function readSshConfigEntries(file: string = defaultSshConfigPath(), home: string = homedir()): SshConfigEntries {
	let text: string | undefined;
	try {
		text = readSshConfigText(file, home);
	} catch (error) {
		throw new SshConfigError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
	}
	if (text === undefined) return {hosts: [], skipped: [], notes: []};
	try {
		return sshConfigEntries(text);
	} catch (error) {
		throw new SshConfigError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
	}
}

/** The valid hosts of an ssh config file (default ~/.ssh/config); [] when it does not exist. */
export function readSshConfigHosts(file?: string): Host[] {
	return readSshConfigEntries(file).hosts;
}
