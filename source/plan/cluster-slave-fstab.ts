// A head that Aegir's aegir3-cluster-slave package set up keeps that
// package's /etc/fstab line as the one entry for the share when it points at
// the pack's NFS server (source/aegir/cluster-slave.ts says which lines). The
// fstab step and status read the same answer from the same facts.

import {clusterSlaveEntry} from '../aegir/cluster-slave.js';
import {CLUSTER_SLAVE_PACKAGE} from '../aegir/member-facts.js';
import type {Pack} from '../pack/types.js';
import {utf8ByteText} from '../shell/byte-text.js';
import type {Facts} from './facts.js';
import {fstabMountPoint} from './fstab.js';
import {normalizeMountPath} from './tab-field.js';

export {CLUSTER_SLAVE_PACKAGE};

/** The package's line, when it is installed and its line is the one entry for the pack's share; else undefined. */
export function keptClusterSlaveEntry(facts: Pick<Facts, 'packages' | 'fstab'>, pack: Pack): string | undefined {
	if (!facts.packages[CLUSTER_SLAVE_PACKAGE]?.installed) return undefined;
	if (!facts.fstab.present || !facts.fstab.readable) return undefined;
	// The file's content is byte text (one character per byte): our names are compared as the bytes they are.
	const mountPoint = normalizeMountPath(utf8ByteText(pack.exportPath));
	const entries = facts.fstab.content.split('\n').filter(line => fstabMountPoint(line) === mountPoint);
	const servers = [pack.nfsServer.address, pack.nfsServer.name].map(utf8ByteText);
	return clusterSlaveEntry(entries, {servers, exportPath: utf8ByteText(pack.exportPath), mountPoint});
}

export const CLUSTER_SLAVE_KEPT = `${CLUSTER_SLAVE_PACKAGE}'s entry, kept as the one entry`;
