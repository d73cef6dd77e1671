// A host's roles as a label: web role first (what the node is in Aegir), then NFS server.
import type {HostRole} from '../contracts/roles.js';

const ORDER: HostRole[] = ['master', 'slave', 'nfs-server', 'aegir-server'];
const LONG: Record<HostRole, string> = {master: 'master', slave: 'slave', 'nfs-server': 'NFS server', 'aegir-server': 'Aegir server (this machine)'};
const SHORT: Record<HostRole, string> = {master: 'master', slave: 'slave', 'nfs-server': 'NFS', 'aegir-server': 'Aegir'};

/** `master · NFS server`, or `master+NFS` when short; `host` for a host with no known role. */
export function roleLabel(roles: readonly HostRole[], short = false): string {
	const sorted = ORDER.filter(role => roles.includes(role));
	if (sorted.length === 0) return 'host';
	return sorted.map(role => (short ? SHORT : LONG)[role]).join(short ? '+' : ' · ');
}
