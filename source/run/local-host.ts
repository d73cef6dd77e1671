// This machine's names and addresses, read once per run: the plan decides
// from them which pack hosts are this machine (source/plan/this-machine.ts).

import {hostname, networkInterfaces} from 'node:os';
import type {MachineIdentity} from '../plan/this-machine.js';

export function thisMachine(): MachineIdentity {
	const full = hostname().toLowerCase();
	const names = [...new Set([full, full.split('.')[0]!, 'localhost'])].filter(Boolean);
	const addresses = Object.values(networkInterfaces())
		.flatMap(list => list ?? [])
		.map(entry => entry.address.toLowerCase().replace(/%.*$/, ''));
	return {names, addresses};
}
