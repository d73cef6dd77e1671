// Which pack hosts are the machine running the tool (nothing is rsynced to
// them: they already hold the code and config). Only exact matches count: an
// address in 127.0.0.0/8 other than one of our own is another host (the lab
// runs hosts on 127.0.1.x), and a DNS name is ours only if it is our hostname.
// Pure: this machine's names and addresses are read once (run/local-host.ts).

import type {Host} from '../pack/types.js';

export type MachineIdentity = {names: readonly string[]; addresses: readonly string[]};

export function isThisMachine(host: Host, machine: MachineIdentity): boolean {
	const address = host.address.toLowerCase().replace(/^\[|\]$/g, '');
	return machine.names.includes(address) || machine.addresses.includes(address);
}

export function localHostNames(hosts: readonly Host[], machine: MachineIdentity): string[] {
	return hosts.filter(host => isThisMachine(host, machine)).map(host => host.name);
}
