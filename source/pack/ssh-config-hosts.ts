// Hosts offered from the user's OpenSSH config. We evaluate it ourselves, as
// ssh does (first value obtained wins, `Host *` after a block is a default),
// but never run anything: the library's compute() may spawn `Match exec`
// commands and nslookup, which a config reader has no business doing.

import {readFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import SSHConfig, {glob, LineType, type Directive, type Line, type Section} from 'ssh-config';
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
	/** Things in the file we deliberately do not follow (Match, Include). */
	notes: string[];
};

const isDirective = (line: Line): line is Directive => line.type === LineType.DIRECTIVE;
const hasConfig = (line: Line): line is Section => 'config' in line;

function words(value: Directive['value']): string[] {
	if (Array.isArray(value)) return value.map(part => part.val);
	return value.split(/\s+/).filter(word => word !== '');
}

/** A setting's value as written (a quoted IdentityFile keeps its inner spaces). */
function valueText(value: Directive['value']): string {
	return Array.isArray(value) ? value.map(part => part.val).join(' ') : value.trim();
}

const isPattern = (alias: string) => /[*?!,]/.test(alias);

/** Settings for one alias, lower-case keys, first value wins (IdentityFile: first one too). */
function settingsFor(config: SSHConfig, alias: string): Map<string, string> {
	const settings = new Map<string, string>();
	const take = (lines: Iterable<Line>) => {
		for (const line of lines) {
			if (!isDirective(line) || hasConfig(line)) continue;
			const key = line.param.toLowerCase();
			if (!settings.has(key)) settings.set(key, valueText(line.value));
		}
	};
	for (const line of config) {
		if (!isDirective(line)) continue;
		if (!hasConfig(line)) {
			take([line]);
			continue;
		}
		// Match blocks depend on things we cannot know here (exec, local network, final pass): ignored.
		if (line.param.toLowerCase() === 'host' && glob(words(line.value), alias)) take(line.config);
	}
	return settings;
}

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

function entryFor(config: SSHConfig, alias: string): {host: Host} | {problems: Problem[]} {
	const field = `Host ${alias}`;
	const settings = settingsFor(config, alias);
	const problems: Problem[] = [];

	for (const proxy of ['proxyjump', 'proxycommand']) {
		const value = settings.get(proxy);
		if (value !== undefined && value.toLowerCase() !== 'none') {
			problems.push({field, message: `goes through ${proxy === 'proxyjump' ? 'ProxyJump' : 'ProxyCommand'}; aegir-pack connects directly, so add it by hand with an address it can reach`});
		}
	}

	const address = expandTokens(settings.get('hostname') ?? alias, {h: alias, '%': '%'});
	if (address === undefined) problems.push({field: `${field}.address`, message: 'HostName uses ssh % tokens other than %h'});
	const user = settings.get('user') ?? DEFAULT_SSH_USER;

	let port = DEFAULT_SSH_PORT;
	const portText = settings.get('port');
	if (portText !== undefined) {
		if (/^[0-9]{1,5}$/.test(portText)) port = Number(portText);
		else problems.push({field: `${field}.port`, message: `Port ${JSON.stringify(portText)} is not a number`});
	}

	let identityFile: string | undefined;
	const identity = settings.get('identityfile');
	if (identity !== undefined && identity.toLowerCase() !== 'none') {
		const atHome = identity.startsWith('%d/') ? `~/${identity.slice(3)}` : identity;
		identityFile = expandTokens(atHome, {h: address ?? alias, r: user, '%': '%'});
		if (identityFile === undefined) {
			problems.push({field: `${field}.identityFile`, message: 'IdentityFile uses ssh % tokens other than %d, %h and %r'});
		}
	}

	const host: Host = {name: alias, address: address ?? alias, port, user, ...(identityFile === undefined ? {} : {identityFile})};
	problems.push(...validateHost(host, field));
	return problems.length > 0 ? {problems} : {host};
}

/**
 * Every concrete alias of every `Host` block as a host, with the reasons for
 * the ones left out. Patterns (`*`, `?`, `!`) are not hosts; `Host *` and the
 * lines before the first block are defaults, applied first-match-wins like ssh.
 */
export function sshConfigEntries(text: string): SshConfigEntries {
	let config: SSHConfig;
	try {
		config = SSHConfig.parse(text);
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
			if (param === 'match') notes.add('Match blocks are ignored');
			if (param === 'host') for (const alias of words(line.value)) if (!isPattern(alias) && !aliases.includes(alias)) aliases.push(alias);
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
export function defaultSshConfigPath(): string {
	return join(homedir(), '.ssh', 'config');
}

/** Read an ssh config file's entries. Missing file: nothing to offer. Unreadable or unparsable: SshConfigError naming the file. */
export function readSshConfigEntries(file: string = defaultSshConfigPath()): SshConfigEntries {
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {hosts: [], skipped: [], notes: []};
		throw new SshConfigError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
	}
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
