// Aegir's web servers as picker hosts. A server a known host already stands
// for (same name or same address) is that known host, with its own user and
// port: the store's record wins over what Aegir says. Others become new hosts,
// saved only when a pack using them is confirmed.
import {aegirWebServers, type AegirServer} from '../../aegir/alias-files.js';
import {formatIp, parseIpLiteral} from '../../pack/subnets.js';
import {DEFAULT_SSH_PORT, DEFAULT_SSH_USER, type Host} from '../../pack/types.js';
import {validateAddress, validateHostName} from '../../pack/validate.js';

export type AegirPickerHosts = {
	/** Aegir's web servers first (in Aegir's order), then the other known hosts in their order. */
	hosts: Host[];
	/** Names (in `hosts`) of the hosts that are Aegir's web servers: the pickers mark them. */
	aegir: string[];
	/** Hosts made from Aegir's servers that no known host stands for: new, saved on confirm. */
	created: Host[];
	/** Web servers left out, as "file: message" lines. */
	problems: string[];
};

/** One spelling per address: lower case, no trailing dot, IP literals in canonical form. */
export function sameAddressKey(address: string): string {
	const text = address.trim().toLowerCase().replace(/\.$/, '');
	const parsed = parseIpLiteral(text);
	return 'address' in parsed ? formatIp(parsed.address) : text;
}

/**
 * The tool's name for a server: Aegir's name when it is a valid host name here,
 * else one made from the context (an IP remote_host gives `10.0.0.5`, which is
 * not a host name: `aegir-10005`). Registration finds the server by address then.
 */
export function aegirHostName(server: AegirServer): string | undefined {
	const candidates = [
		server.name,
		server.name.toLowerCase(),
		`aegir-${server.context.replace(/^server_/, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '')}`,
	];
	return candidates.find(name => validateHostName(name).length === 0);
}

export function aegirPickerHosts(known: readonly Host[], servers: readonly AegirServer[]): AegirPickerHosts {
	const first: Host[] = [];
	const aegir: string[] = [];
	const created: Host[] = [];
	const problems: string[] = [];
	const taken = new Set<string>();
	const addresses = new Map(known.map(host => [host.name, sameAddressKey(host.address)]));

	for (const server of aegirWebServers(servers)) {
		const name = aegirHostName(server);
		const address = sameAddressKey(server.remoteHost);
		const match =
			known.find(host => host.name === server.name || host.name === name) ??
			known.find(host => addresses.get(host.name) === address);
		let host: Host | undefined = match;
		if (!host) {
			if (!name || validateAddress(server.remoteHost).length > 0) {
				problems.push(`${server.file}: remote_host ${JSON.stringify(server.remoteHost)} cannot be used as a host here`);
				continue;
			}
			host = {name, address: server.remoteHost, port: DEFAULT_SSH_PORT, user: DEFAULT_SSH_USER};
		}
		// Two servers for one known host (or one name): offer it once.
		if (taken.has(host.name)) continue;
		taken.add(host.name);
		first.push(host);
		aegir.push(host.name);
		if (!match) created.push(host);
	}

	return {hosts: [...first, ...known.filter(host => !taken.has(host.name))], aegir, created, problems};
}

/** Aegir's hosts first, each group in its own order: lists stay that way after a pack is opened or a host added. */
export function aegirFirst(hosts: readonly Host[], aegir: readonly string[]): Host[] {
	if (aegir.length === 0) return [...hosts];
	const marked = new Set(aegir);
	return [...hosts.filter(host => marked.has(host.name)), ...hosts.filter(host => !marked.has(host.name))];
}
