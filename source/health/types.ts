// The health report: what `aegir-pack status` shows as a table, prints as JSON
// for monitoring, and turns into an exit code. Plain data, no Ink, no ssh2.

import type {HostRole} from '../contracts/roles.js';

export type HealthCheck = {
	/** Stable key for monitoring: `reachable`, `aegir`, `export`, `nfs-service`, `fstab`, `mount`, `responsive`, `marker`. */
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

/** Whether the NFS service answers: on the server its listener, on a client the server's port. */
export type NfsServiceFact = {state: 'answering' | 'not-answering' | 'unknown'; detail: string};

export const CHECK_IDS = ['reachable', 'aegir', 'export', 'nfs-service', 'fstab', 'mount', 'responsive', 'marker'] as const;

export type CheckId = (typeof CHECK_IDS)[number];
