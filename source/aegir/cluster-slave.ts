// Aegir's Debian package aegir3-cluster-slave sets up a remote web head by
// itself: the aegir user, sudoers, Apache's include and modules, and, when its
// debconf question aegir/master_mountpoint is answered, one /etc/fstab line
// for the share, `<server>:<path> /var/aegir/platforms nfs rw 0 0` (its
// postinst replaces any line naming the mount point). Such a head is said to
// be so, and that line counts as the one entry for the mount point when it
// points at the pack's NFS server: the tool adds no second one.

import {CLUSTER_SLAVE_PACKAGE, type MemberFacts} from './member-facts.js';

/** The line the package's postinst writes for `source` (e.g. `web0:/var/aegir/platforms`). */
export function clusterSlaveLine(source: string, mountPoint: string): string {
	return `${source} ${mountPoint} nfs rw 0 0`;
}

/** The ✔/✖ table's note for a head the package set up. */
export function clusterSlaveNote(member: Pick<MemberFacts, 'clusterSlave'>): string | undefined {
	const found = member.clusterSlave;
	if (!found) return undefined;
	return `set up by ${CLUSTER_SLAVE_PACKAGE} ${found.version}: its /etc/fstab line for the share is kept as the one entry when it points at the pack's NFS server`;
}

const withoutTrailingSlash = (path: string) => (path.length > 1 ? path.replace(/\/+$/, '') : path);

export type ClusterSlaveWanted = {
	/** How the NFS server may be named in the source: its address and its pack host name. */
	servers: readonly string[];
	exportPath: string;
	mountPoint: string;
};

/**
 * The package's entry, when `entries` (every fstab line for the mount point)
 * is exactly one line of its shape naming the pack's NFS server and export.
 */
export function clusterSlaveEntry(entries: readonly string[], wanted: ClusterSlaveWanted): string | undefined {
	if (entries.length !== 1) return undefined;
	const line = entries[0]!;
	const fields = line.trim().split(/\s+/);
	if (fields.length !== 6) return undefined;
	const [source = '', target = '', type, options, dump, pass] = fields;
	if (type !== 'nfs' || options !== 'rw' || dump !== '0' || pass !== '0') return undefined;
	if (withoutTrailingSlash(target) !== withoutTrailingSlash(wanted.mountPoint)) return undefined;
	const colon = source.lastIndexOf(':/');
	if (colon <= 0) return undefined;
	const server = source.slice(0, colon).replace(/^\[(.*)\]$/, '$1').toLowerCase();
	const path = source.slice(colon + 1);
	if (withoutTrailingSlash(path) !== withoutTrailingSlash(wanted.exportPath)) return undefined;
	return wanted.servers.some(name => name.toLowerCase() === server) ? line : undefined;
}
