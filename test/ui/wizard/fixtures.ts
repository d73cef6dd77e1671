// Hosts and packs the wizard tests share (documentation addresses, data only).
import type {Host, Pack} from '../../../source/pack/types.js';
import {trustedPackForTests} from '../../pack/trusted-pack.js';
import type {WizardFlags} from '../../../source/ui/wizard/preset.js';

export const host = (name: string, address: string, extra: Partial<Host> = {}): Host => ({
	name,
	address,
	port: 22,
	user: 'root',
	...extra,
});

export const web1 = host('web1', '192.0.2.11');
export const web2 = host('web2', '192.0.2.12');
export const web3 = host('web3', '192.0.2.13', {port: 2222});
export const storage = host('storage', '192.0.2.50');
export const far = host('far', '198.51.100.7');

export const HOSTS: Host[] = [web1, web2, web3, storage];

export const savedPack: Pack = trustedPackForTests({
	name: 'pack.example.com',
	master: web1,
	slaves: [web2],
	nfsServer: web1,
	exportPath: '/var/aegir/platforms',
	subnets: ['192.0.2.0/24'],
	exportOptions: 'rw,sync,no_subtree_check',
	mountOptions: 'rw,hard,_netdev,nofail',
	record: {aegirUid: 1000, aegirGid: 1000},
});

export const noFlags: WizardFlags = {slave: [], subnet: [], host: [], yes: false};
