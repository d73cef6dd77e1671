// The health report: what `aegir-pack status` shows as a table, prints as JSON
// for monitoring, and turns into an exit code. Plain data, no Ink, no ssh2.

import type {HostRole} from '../contracts/roles.js';
import type {NfsServiceFact, NfsUnitState} from '../plan/nfs-service-state.js';

export type {NfsServiceFact, NfsUnitState} from '../plan/nfs-service-state.js';

export type HealthCheck = {
	/** Stable key for monitoring: `reachable`, `aegir`, `export`, `nfs-enabled`, `nfs-service`, `fstab`, `mount`, `responsive`, `marker`. */
	id: string;
	label: string;
	/** null: not applicable to this host, or not checkable because an earlier check failed. */
	ok: boolean | null;
	detail: string;
	/** What to do about it, when ok is false. */
	fix?: string;
};

export type HealthRow = {
	host: string;
	address: string;
	roles: HostRole[];
	reachable: boolean;
	aegir?: {uid?: number; gid?: number};
	/** The NFS server's row: nfs-server enabled for boot, what systemd says, and whether it answers on 2049. */
	nfsService?: {enabled: string; active: string; answering: boolean};
	checks: HealthCheck[];
	/** One line each: what is wrong — what to do. */
	problems: string[];
};

export type HealthReport = {
	pack: string;
	/** ISO time the check started. */
	checkedAt: string;
	lastAppliedAt?: string;
	healthy: boolean;
	rows: HealthRow[];
};

export const CHECK_IDS = ['reachable', 'aegir', 'export', 'nfs-enabled', 'nfs-service', 'fstab', 'mount', 'responsive', 'marker'] as const;

/** What status observed of the NFS service on one host: the server also has its unit state. */
export type ServiceObservation = {service: NfsServiceFact; unit?: NfsUnitState};

export type CheckId = (typeof CHECK_IDS)[number];
