// Which pack hosts are the machine running the tool (nothing is rsynced to
// them: they already hold the code and config). Only exact matches count: an
// address in 127.0.0.0/8 other than one of our own is another host (the lab
// runs hosts on 127.0.1.x), and a DNS name is ours only if it is our hostname.

import {hostname, networkInterfaces} from 'node:os';
import type {Host} from '../pack/types.js';

export type MachineIdentity = {names: string[]; addresses: string[]};

export function thisMachine(): MachineIdentity {
	const full = hostname().toLowerCase();
	const names = [...new Set([full, full.split('.')[0]!, 'localhost'])].filter(Boolean);
	const addresses = Object.values(networkInterfaces())
		.flatMap(list => list ?? [])
		.map(entry => entry.address.toLowerCase().replace(/%.*$/, ''));
	return {names, addresses};
}

export function localHostNames(hosts: Host[], machine: MachineIdentity = thisMachine()): string[] {
	return hosts
		.filter(host => {
			const address = host.address.toLowerCase().replace(/^\[|\]$/g, '');
			return machine.names.includes(address) || machine.addresses.includes(address);
		})
		.map(host => host.name);
}
