// Shared test data: documentation-range addresses only (RFC 5737 / RFC 3849), never contacted.

import {DEFAULT_EXPORT_OPTIONS, DEFAULT_EXPORT_PATH, DEFAULT_MOUNT_OPTIONS, type Host, type Pack, type PackFields} from '../../source/pack/types.js';
import {trustedPackForTests} from './trusted-pack.js';

export const web1: Host = {name: 'web1', address: '192.0.2.11', port: 22, user: 'root'};
export const web2: Host = {name: 'web2', address: '192.0.2.12', port: 22, user: 'root'};
export const web3: Host = {name: 'web3', address: '192.0.2.13', port: 2222, user: 'deploy', identityFile: '~/.ssh/pack_ed25519'};

/** A valid three-head pack, master exporting to its /24, as a Pack (checked: overrides must keep it valid). */
export function makePack(overrides: Partial<PackFields> = {}): Pack {
	return trustedPackForTests(makePackFields(overrides));
}

/** The same fields, not checked: for the tests that show what the check refuses. */
export function makePackFields(overrides: Partial<PackFields> = {}): PackFields {
	return {
		name: 'pack.example.com',
		master: web1,
		slaves: [web2, web3],
		nfsServer: web1,
		exportPath: DEFAULT_EXPORT_PATH,
		subnets: ['192.0.2.0/24'],
		exportOptions: DEFAULT_EXPORT_OPTIONS,
		mountOptions: DEFAULT_MOUNT_OPTIONS,
		...overrides,
	};
}
