// The files a pack owns on its hosts, derived once from the pack and the plan
// options: every step, the facts request, the review and status read them
// from here, so the path the review names is the path the run writes.

import type {PackFields} from '../pack/types.js';
import {dropInPath} from './exports-file.js';
import type {ResolvedPlanOptions} from './options.js';

export const MARKER_NAME = '.aegir-pack-marker';

export function markerPath(exportPath: string): string {
	return `${exportPath.replace(/\/+$/, '')}/${MARKER_NAME}`;
}

export type PackFiles = {
	/** The NFS server's exports drop-in (the only exports file the tool writes). */
	dropIn: string;
	/** The marker file in the export, read back by every client through its mount. */
	marker: string;
	/** Where every NFS client keeps its entry for the share. */
	fstab: string;
};

export function packFiles(pack: PackFields, options: Pick<ResolvedPlanOptions, 'exportsDir' | 'fstabPath'>): PackFiles {
	return {dropIn: dropInPath(options.exportsDir, pack.name), marker: markerPath(pack.exportPath), fstab: options.fstabPath};
}
