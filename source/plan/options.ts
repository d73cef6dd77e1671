// Knobs of a plan, as data. Everything has a default a real Aegir server wants;
// the file locations exist so unit tests can run the real scripts against temp
// dirs. What only this machine knows (who it is, what its sync sources look
// like) is read once before planning and passed in here.

import type {AegirKnowledge} from '../aegir/verify-plan.js';
import type {LocalSources} from './local-sources.js';
import type {MachineIdentity} from './this-machine.js';

export type PlanOptions = {
	/** This machine's names and addresses: a pack host that is this machine gets nothing rsynced. */
	thisMachine?: MachineIdentity;
	/** Web server config directory on this machine, synced to every web node (same path there). */
	configDir?: string;
	/** Platform and site code on this machine, synced to the master when it is the NFS server. */
	platformsDir?: string;
	/** What the sync sources look like on this machine (read once before planning), by path. */
	localSources?: LocalSources;
	/** Move a non-empty mount point aside without asking. */
	moveAside?: boolean;
	/** How long to wait for another apt/dpkg to release its lock before failing. */
	lockWaitSeconds?: number;
	/** How often to try again while the lock is held. */
	lockPollSeconds?: number;
	/** Free space needed on / and /var of every host. */
	minFreeMb?: number;
	/** Owner of the shared tree (Aegir's user and group have the same name). */
	aegirUser?: string;
	/** System file locations (tests point them at temp dirs). */
	fstabPath?: string;
	exportsDir?: string;
	/** Check (and fix) what Aegir needs on every web head; the runner then needs the run's Aegir side. */
	aegirPrerequisites?: boolean;
	/** A sync step stops before deleting more than this many paths on a host (--max-delete). */
	maxDelete?: number;
	/**
	 * Aegir runs on this machine: config and code reach the heads through
	 * Aegir's own verify (drush, as the aegir user), never the tool's rsync.
	 */
	aegirMode?: boolean;
	/** What Aegir knows here, read once before planning (used in Aegir mode). */
	aegir?: AegirKnowledge;
};

export type ResolvedPlanOptions = Required<PlanOptions>;

export const DEFAULT_CONFIG_DIR = '/var/aegir/config';
export const DEFAULT_PLATFORMS_DIR = '/var/aegir/platforms';
export const DEFAULT_LOCK_WAIT_SECONDS = 120;
export const DEFAULT_MIN_FREE_MB = 100;
export const DEFAULT_MAX_DELETE = 100;

/** Aegir's knowledge when there is none to read (not in Aegir mode). */
export const NO_AEGIR: AegirKnowledge = {servers: [], platforms: [], force: false, currentUser: 'root', drush: 'drush'};

export function resolvePlanOptions(options: PlanOptions = {}): ResolvedPlanOptions {
	return {
		thisMachine: options.thisMachine ?? {names: [], addresses: []},
		configDir: options.configDir ?? DEFAULT_CONFIG_DIR,
		platformsDir: options.platformsDir ?? DEFAULT_PLATFORMS_DIR,
		localSources: options.localSources ?? {},
		moveAside: options.moveAside ?? false,
		lockWaitSeconds: options.lockWaitSeconds ?? DEFAULT_LOCK_WAIT_SECONDS,
		lockPollSeconds: options.lockPollSeconds ?? 2,
		minFreeMb: options.minFreeMb ?? DEFAULT_MIN_FREE_MB,
		aegirUser: options.aegirUser ?? 'aegir',
		fstabPath: options.fstabPath ?? '/etc/fstab',
		exportsDir: options.exportsDir ?? '/etc/exports.d',
		aegirPrerequisites: options.aegirPrerequisites ?? false,
		maxDelete: options.maxDelete ?? DEFAULT_MAX_DELETE,
		aegirMode: options.aegirMode ?? false,
		aegir: options.aegir ?? NO_AEGIR,
	};
}
