// Where and as whom to connect: the pack's Host, completed from ~/.ssh/config
// (HostName, User, Port, IdentityFile, IdentitiesOnly) the way `ssh` would.
// `Match exec` is never evaluated: reading a config must not run commands.

import {readFile} from 'node:fs/promises';
import {homedir, userInfo} from 'node:os';
import {join} from 'node:path';
import SSHConfig from 'ssh-config';
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

export function defaultSshConfigFile(): string {
	return join(homedir(), '.ssh', 'config');
}

/** Resolve a host against an ssh config file; a missing file is an empty config. */
export async function resolveHost(host: Host, configFile: string | false = defaultSshConfigFile()): Promise<ResolvedHost> {
	let text: string | undefined;
	if (configFile !== false) {
		try {
			text = await readFile(configFile, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		}
	}
	return resolveHostFromConfig(host, text);
}

/**
 * Pure part of resolveHost. The Host's port and user win when they differ from
 * the defaults (22, root) — they were chosen on purpose in the wizard — while
 * default values yield to the config, as `ssh host` would. Lookup is by the
 * host's address (as ssh matches the name it is given), then by its pack
 * name for User/Port/IdentityFile only.
 */
export function resolveHostFromConfig(host: Host, configText: string | undefined, home = homedir()): ResolvedHost {
	const config = configText === undefined ? undefined : SSHConfig.parse(configText);
	const byAddress = config ? config.compute(host.address, {ignoreCase: true, matchExec: false}) : {};
	const byName = config && host.name !== host.address ? config.compute(host.name, {ignoreCase: true, matchExec: false}) : {};
	const pick = (key: string): string | undefined => first(byAddress[key]) ?? first(byName[key]);

	const address = first(byAddress['hostname']) ?? host.address;
	const configPort = Number(pick('port'));
	const port = host.port !== DEFAULT_SSH_PORT || !Number.isInteger(configPort) || configPort < 1 || configPort > 65_535 ? host.port : configPort;
	const user = host.user !== DEFAULT_SSH_USER ? host.user : (pick('user') ?? host.user);

	const configured = [...list(byAddress['identityfile']), ...list(byName['identityfile'])].filter(file => file.toLowerCase() !== 'none');
	const tokens = {home, host: address, user, port};
	const identityFiles = [
		...new Set([...(host.identityFile ? [host.identityFile] : []), ...configured].map(file => expandPath(file, tokens))),
	];
	const identitiesOnly = Boolean(host.identityFile) || pick('identitiesonly')?.toLowerCase() === 'yes';
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

function first(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

function list(value: string | string[] | undefined): string[] {
	if (value === undefined) return [];
	return Array.isArray(value) ? value : [value];
}
