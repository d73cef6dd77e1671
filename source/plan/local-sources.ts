// What the sync sources on this machine look like, as data: read once before
// planning (source/run/local-sources-probe.ts), so the sync steps never touch
// the local disk themselves, and a hung mount can never hang the tool. Also
// the pure rules the probe applies: which /etc/fstab mount point a source
// lives under, and whether it is mounted.

import type {TreeEntry} from '../aegir/provision-layout.js';
import {fstabMountPoint} from './fstab.js';
import type {TreeListing} from './sync-manifest.js';
import {unescapeTabField} from './tab-field.js';

export type LocalDirectory =
	| {
			state: 'directory';
			/** Entries one and two levels down (`server_web1`, `server_web1/apache.conf`), by relative path. */
			entries: TreeEntry[];
			/** Site directories: `<platform>/…/sites/<site>` (not `all`) holding a regular settings.php. */
			sites: string[];
			/** Every entry as the sync manifest lists it (what rsync would compare), when it was read. */
			tree?: TreeListing;
	  }
	| {state: 'missing'}
	| {state: 'not-directory'}
	/** A directory with nothing in it: an unmounted disk looks like this. */
	| {state: 'empty'}
	/** Under an /etc/fstab mount point that is not mounted: what is there is not what should be. */
	| {state: 'not-mounted'; mountPoint: string}
	/** The probe did not finish in time (a hard network mount whose server is gone). */
	| {state: 'unresponsive'; afterMs: number}
	/** The probe could not tell (permission denied, an I/O error). */
	| {state: 'unreadable'; reason: string};

/** By absolute path, as given in the plan options (configDir, platformsDir). */
export type LocalSources = Readonly<Record<string, LocalDirectory>>;

/** Why a sync cannot start from this source, or undefined when it can. */
export function sourceProblem(sources: LocalSources, path: string): string | undefined {
	const found = sources[path];
	if (!found) return `${path} was not looked at on this machine before planning: nothing to sync from`;
	switch (found.state) {
		case 'directory': {
			return undefined;
		}

		case 'unreadable': {
			return `${path} cannot be read on this machine (${found.reason}): nothing to sync from`;
		}

		case 'missing':
		case 'not-directory': {
			return `${path} is not a directory on this machine: nothing to sync from`;
		}

		case 'empty': {
			return `${path} is empty on this machine: refusing to sync from it (an unmounted disk, or the wrong directory, looks like this)`;
		}

		case 'not-mounted': {
			const where = found.mountPoint === path ? `${path} is` : `${path} is under ${found.mountPoint},`;
			return (
				`${where} an /etc/fstab mount point that is not mounted: an unmounted disk looks empty (or holds stale files), ` +
				`and syncing from it would empty the copies. Mount it (mount ${found.mountPoint}), then run again.`
			);
		}

		case 'unresponsive': {
			return `${path} does not answer on this machine within ${Math.round(found.afterMs / 1000)} s (a hung network mount?): nothing synced from it`;
		}
	}
}

/** The listing of a source that can be synced from, or undefined (sourceProblem says why). */
export function sourceListing(sources: LocalSources, path: string): Extract<LocalDirectory, {state: 'directory'}> | undefined {
	const found = sources[path];
	return found?.state === 'directory' ? found : undefined;
}

/** Swap and kernel file systems: never where files to sync live. */
const NOT_FILES = new Set(['swap', 'proc', 'sysfs', 'devpts', 'devtmpfs', 'cgroup', 'cgroup2']);

/**
 * The deepest /etc/fstab mount point that `path` is at or under (`/`, swap
 * and kernel file systems ignored), or undefined. Disks, network shares, bind
 * mounts and tmpfs all count: unmounted, each leaves what is under it empty or stale.
 */
export function fstabMountPointOf(fstab: string, path: string): string | undefined {
	let found: string | undefined;
	for (const line of fstab.split('\n')) {
		const target = fstabMountPoint(line);
		const type = line.trim().split(/\s+/)[2];
		if (target === undefined || target === '/' || !target.startsWith('/')) continue;
		if (type !== undefined && NOT_FILES.has(type)) continue;
		if ((path === target || path.startsWith(`${target}/`)) && (found === undefined || target.length > found.length)) found = target;
	}
	return found;
}

/** Mount points listed in /proc/self/mountinfo (field 5, octal escapes read). Reading procfs never touches the mount. */
export function mountedPoints(mountinfo: string): Set<string> {
	const points = new Set<string>();
	for (const line of mountinfo.split('\n')) {
		const fields = line.split(' ');
		if (fields.length > 4) points.add(unescapeTabField(fields[4]!));
	}
	return points;
}
