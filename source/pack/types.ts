// The pack model: plain data, no Ink, no ssh2. Everything else reads and writes
// packs through these types (and the store in ./store.ts). A `Pack` is a checked
// one: only checkPack (./check-pack.ts) makes it; `PackFields` is not yet checked.

/** A real machine the tool can reach over SSH. */
export type Host = {
	/** Short unique name, e.g. `web1` (also the Aegir server node name of this web head). */
	name: string;
	/** DNS name, IPv4 (four parts) or IPv6 literal. */
	address: string;
	/** SSH port, 1–65535. */
	port: number;
	/** SSH login user: root, or a user with sudo. */
	user: string;
	/** Private key file for this host, if not the agent / default keys. */
	identityFile?: string;
};

/**
 * What Aegir was last verified with, so a re-run in which nothing changed runs
 * no drush verify: a digest of the fields of each alias that change what a
 * verify does (source/aegir/verify-plan.ts), kept after a fully successful run.
 */
export type AegirVerifyRecord = {
	/** ISO time of the run that recorded it. */
	verifiedAt: string;
	/** By server context (`server_web1`): its alias digest and its role in the pack then. */
	members: Record<string, {digest: string; role: 'master' | 'slave'}>;
	/** The pack context's alias digest. */
	pack?: {digest: string};
	/** By platform context (`platform_drupal10`): its alias digest. */
	platforms: Record<string, string>;
	/** The pack was imported into the Aegir front end (hosting-import). */
	imported: boolean;
};

/** What we recorded after a successful apply (used by add-slave and status). */
export type PackRecord = {
	/** uid/gid of the `aegir` user, identical on every host of the pack. */
	aegirUid?: number;
	aegirGid?: number;
	/** ISO timestamp of the last successful apply. */
	lastAppliedAt?: string;
	/** What Aegir's verify last saw of the pack, its members and platforms (Aegir on this machine only). */
	aegir?: AegirVerifyRecord;
};

/** A pack's fields as typed, read or derived, not yet checked: wizard drafts, file contents, test data. */
export type PackFields = {
	/** Name of the virtual pack server node in Aegir (FQDN-like hostname). */
	name: string;
	/** Web head that gets platform and site code by rsync. */
	master: Host;
	/** Web heads that get only web server config by rsync and see code over NFS. */
	slaves: Host[];
	/** Host exporting the share: the master by default, any pack host, or a storage host. */
	nfsServer: Host;
	/** Absolute path shared over NFS, default `/var/aegir/platforms`. */
	exportPath: string;
	/** CIDRs allowed to mount the export (normalised, e.g. `192.0.2.0/24`, `2001:db8::1/128`). */
	subnets: string[];
	/** Export options, default `rw,sync,no_subtree_check`. */
	exportOptions: string;
	/** Client mount options, default `rw,hard,_netdev,nofail`. */
	mountOptions: string;
	/** Facts recorded by earlier applies. */
	record?: PackRecord;
};

/**
 * Compile-time only (nothing at run time): a class with a private field cannot
 * be written as an object literal, and a spread (`{...pack}`) drops it, so a
 * changed pack is a PackFields again until it is checked.
 */
declare class CheckedByCheckPack {
	#checked: true;
}

/** A pack that passed checkPack: every field and every whole-pack rule holds. Code that takes one does not check it again. */
export type Pack = PackFields & CheckedByCheckPack;

/** One validation problem, tied to the field (or flag) it belongs to. */
export type Problem = {
	/** e.g. `name`, `master`, `slaves`, `nfsServer`, `exportPath`, `subnets`, `host.address`. */
	field: string;
	message: string;
};

export const DEFAULT_EXPORT_PATH = '/var/aegir/platforms';
export const DEFAULT_EXPORT_OPTIONS = 'rw,sync,no_subtree_check';
export const DEFAULT_MOUNT_OPTIONS = 'rw,hard,_netdev,nofail';
export const DEFAULT_SSH_PORT = 22;
export const DEFAULT_SSH_USER = 'root';

/** Every host of a pack once: master, slaves, then the NFS server when it is a separate host. */
export function packHosts(pack: PackFields): Host[] {
	const hosts = [pack.master, ...pack.slaves];
	if (!hosts.some(host => host.name === pack.nfsServer.name)) hosts.push(pack.nfsServer);
	return hosts;
}

/** Hosts that mount the share: every web head except the NFS server itself. */
export function nfsClients(pack: PackFields): Host[] {
	return [pack.master, ...pack.slaves].filter(host => host.name !== pack.nfsServer.name);
}
