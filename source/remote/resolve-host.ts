// Where and as whom to connect: the pack's Host, completed from ~/.ssh/config
// (HostName, User, Port, IdentityFile, IdentitiesOnly) the way `ssh` would.
// The options come from the one evaluator, pack/ssh-config-options.ts (Include
// followed, `Match exec` never run); this file decides how they meet the
// pack's own values.

import {homedir, userInfo} from 'node:os';
import {join} from 'node:path';
import {readSshConfigText} from '../pack/ssh-config-file.js';
import {defaultSshConfigPath} from '../pack/ssh-config-hosts.js';
import {parseSshConfig, sshHostOptions, type SshHostOptions} from '../pack/ssh-config-options.js';
import {DEFAULT_SSH_PORT, DEFAULT_SSH_USER, type Host} from '../pack/types.js';

export type ResolvedHost = {
	/** Pack host name, for messages. */
	name: string;
	/** What to dial (HostName from the config, else the host's address); also the known_hosts name. */
	address: string;
	port: number;
	user: string;
	/** Key files named for this host: host.identityFile first, then the config's IdentityFile lines. */
	identityFiles: string[];
	/** Offer only those keys (also the matching agent keys), like ssh's IdentitiesOnly. */
	identitiesOnly: boolean;
};

/** Resolve a host against an ssh config file (Include lines followed); a missing file is an empty config. */
export async function resolveHost(host: Host, configFile: string | false = defaultSshConfigPath(), home = homedir()): Promise<ResolvedHost> {
	const text = configFile === false ? undefined : readSshConfigText(configFile, home);
	return resolveHostFromConfig(host, text, home);
}

/**
 * Pure part of resolveHost. The Host's port and user win when they differ from
 * the defaults (22, root) — they were chosen on purpose in the wizard — while
 * default values yield to the config, as `ssh host` would. Lookup is by the
 * host's address (as ssh matches the name it is given), then by its pack
 * name for User/Port/IdentityFile only.
 */
export function resolveHostFromConfig(host: Host, configText: string | undefined, home = homedir()): ResolvedHost {
	const config = configText === undefined ? undefined : parseSshConfig(configText);
	const none: SshHostOptions = {identityFiles: []};
	const byAddress = config ? sshHostOptions(config, host.address) : none;
	const byName = config && host.name !== host.address ? sshHostOptions(config, host.name) : none;

	const address = byAddress.hostName ?? host.address;
	const configPort = Number(byAddress.port ?? byName.port);
	const port = host.port !== DEFAULT_SSH_PORT || !Number.isInteger(configPort) || configPort < 1 || configPort > 65_535 ? host.port : configPort;
	const user = host.user !== DEFAULT_SSH_USER ? host.user : (byAddress.user ?? byName.user ?? host.user);

	const configured = [...byAddress.identityFiles, ...byName.identityFiles];
	const tokens = {home, host: address, user, port};
	const identityFiles = [
		...new Set([...(host.identityFile ? [host.identityFile] : []), ...configured].map(file => expandPath(file, tokens))),
	];
	const identitiesOnly = Boolean(host.identityFile) || (byAddress.identitiesOnly ?? byName.identitiesOnly ?? false);
	return {name: host.name, address, port, user, identityFiles, identitiesOnly};
}

/** `~` and the ssh tokens that make sense for a key path (%d %u %h %r %p %%). */
export function expandPath(path: string, tokens: {home: string; host: string; user: string; port: number}): string {
	const withTokens = path.replace(/%([%duhrp])/g, (_match, token: string) => {
		switch (token) {
			case 'd':
				return tokens.home;
			case 'u':
				return localUserName();
			case 'h':
				return tokens.host;
			case 'r':
				return tokens.user;
			case 'p':
				return String(tokens.port);
			default:
				return '%';
		}
	});
	if (withTokens === '~') return tokens.home;
	if (withTokens.startsWith('~/')) return join(tokens.home, withTokens.slice(2));
	return withTokens;
}

function localUserName(): string {
	try {
		return userInfo().username;
	} catch {
		return process.env['USER'] ?? '';
	}
}
