// Knobs of a plan. Everything has a default a real Aegir server wants; the file
// locations exist so unit tests can run the real scripts against temp dirs.

import type {AegirPrerequisiteOptions} from './steps/aegir-options.js';

export type {AegirPrerequisiteOptions} from './steps/aegir-options.js';

export type PlanOptions = {
	/** Pack hosts that are the machine running the tool: nothing is rsynced to them. */
	localHostNames?: string[];
	/** Web server config directory on this machine, synced to every web node (same path there). */
	configDir?: string;
	/** Platform and site code on this machine, synced to the master when it is the NFS server. */
	platformsDir?: string;
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
	/** Check (and fix) what Aegir needs on every web head; off when absent. */
	aegirPrerequisites?: AegirPrerequisiteOptions;
};

export type ResolvedPlanOptions = Required<Omit<PlanOptions, 'aegirPrerequisites'>> & Pick<PlanOptions, 'aegirPrerequisites'>;

export const DEFAULT_CONFIG_DIR = '/var/aegir/config';
export const DEFAULT_PLATFORMS_DIR = '/var/aegir/platforms';
export const DEFAULT_LOCK_WAIT_SECONDS = 120;
export const DEFAULT_MIN_FREE_MB = 100;

export function resolvePlanOptions(options: PlanOptions = {}): ResolvedPlanOptions {
	return {
		localHostNames: options.localHostNames ?? [],
		configDir: options.configDir ?? DEFAULT_CONFIG_DIR,
		platformsDir: options.platformsDir ?? DEFAULT_PLATFORMS_DIR,
		moveAside: options.moveAside ?? false,
		lockWaitSeconds: options.lockWaitSeconds ?? DEFAULT_LOCK_WAIT_SECONDS,
		lockPollSeconds: options.lockPollSeconds ?? 2,
		minFreeMb: options.minFreeMb ?? DEFAULT_MIN_FREE_MB,
		aegirUser: options.aegirUser ?? 'aegir',
		fstabPath: options.fstabPath ?? '/etc/fstab',
		exportsDir: options.exportsDir ?? '/etc/exports.d',
		...(options.aegirPrerequisites ? {aegirPrerequisites: options.aegirPrerequisites} : {}),
	};
}
