// Checks of an NFS client: one fstab entry as the pack wants it, mounted from
// the server, the mount answering, and the server's marker read through it.

import type {Host, Pack} from '../pack/types.js';
import type {Facts} from '../plan/facts.js';
import {CLUSTER_SLAVE_KEPT, keptClusterSlaveEntry} from '../plan/cluster-slave-fstab.js';
import {editFstab, fstabEntry, fstabMountPoint, legacyFstabLine, missingMountFlags, nfsSource} from '../plan/fstab.js';
import {nextMountNote, type MountState} from '../plan/steps/nfs-client.js';
import {utf8ByteText} from '../shell/byte-text.js';
import {normalizeMountPath} from '../plan/tab-field.js';
import {APPLY_AGAIN, runOn} from './fixes.js';
import type {HealthCheck, NfsServiceFact} from './types.js';

export function fstabCheck(pack: Pack, facts: Facts, fstabPath: string): HealthCheck {
	const base = {id: 'fstab', label: 'fstab entry'};
	const path = pack.exportPath;
	if (!facts.fstab.present) return {...base, ok: false, detail: `${fstabPath} does not exist`, fix: `${APPLY_AGAIN} (it adds the entry)`};
	if (!facts.fstab.readable) return {...base, ok: false, detail: `${fstabPath} ${facts.fstab.problem ?? 'cannot be read'}`, fix: `check ${fstabPath} on this host`};
	// The file's bytes, one character each: our path and line compared as the bytes they are written as.
	const content = facts.fstab.content;
	if (keptClusterSlaveEntry(facts, pack)) return {...base, ok: true, detail: `one entry for ${path}: ${CLUSTER_SLAVE_KEPT}`};
	const wantedPath = utf8ByteText(path);
	if (!editFstab(content, wantedPath, utf8ByteText(fstabEntry(pack))).changed) return {...base, ok: true, detail: `one entry for ${path}, as the pack wants`};
	// The one-line form of earlier versions (tag after the fields): the same entry; the next apply moves the tag above it.
	if (!editFstab(content, wantedPath, utf8ByteText(legacyFstabLine(pack))).changed) {
		return {...base, ok: true, detail: `one entry for ${path}, as the pack wants (in the earlier one-line form: the next apply puts its tag on the line above)`};
	}
	const entries = content.split('\n').filter(line => fstabMountPoint(line) === normalizeMountPath(wantedPath)).length;
	const detail =
		entries === 0
			? `no ${fstabPath} entry for ${path}`
			: entries === 1
				? `the ${fstabPath} entry for ${path} differs from the pack's`
				: `${entries} ${fstabPath} entries for ${path}`;
	return {...base, ok: false, detail, fix: `${APPLY_AGAIN} (it writes the entry, with a backup)`};
}

export function mountCheck(host: Host, pack: Pack, state: MountState): HealthCheck {
	const base = {id: 'mount', label: 'mounted from the server'};
	const path = pack.exportPath;
	const wanted = nfsSource(pack.nfsServer.address, pack.exportPath);
	switch (state.kind) {
		case 'hung': {
			return {...base, ok: null, detail: `not checked: ${path} does not answer`};
		}

		case 'none': {
			return {...base, ok: false, detail: `${path} is not mounted`, fix: `${runOn(host.name, ['mount', '--', path])}, or ${APPLY_AGAIN}`};
		}

		case 'pack':
		case 'pack-unreadable': {
			const missing = missingMountFlags(state.mount.options);
			const later = missing.length > 0 ? `; ${nextMountNote(missing, path)}` : '';
			return {...base, ok: true, detail: `mounted from ${state.mount.source}${later}`};
		}

		case 'other-nfs': {
			return {...base, ok: false, detail: `mounted from ${state.mount.source}, not ${wanted}`, fix: `${APPLY_AGAIN} (it remounts from ${wanted})`};
		}

		case 'other': {
			return {
				...base,
				ok: false,
				detail: `${path} is a mount of ${state.mount.source} (${state.mount.fstype}), not the share`,
				fix: `unmount it and remove its fstab line, then ${APPLY_AGAIN}`,
			};
		}
	}
}

export function mountResponsiveCheck(host: Host, pack: Pack, facts: Facts, state: MountState): HealthCheck {
	const base = {id: 'responsive', label: 'mount responsive'};
	const path = pack.exportPath;
	if (state.kind === 'hung' || facts.sharedDir.state === 'unresponsive') {
		return {
			...base,
			ok: false,
			detail: `${path} does not answer within 5 s (hung NFS mount)`,
			fix: `bring ${pack.nfsServer.name}'s NFS server back; if it is gone for good, ${runOn(host.name, ['umount', '-f', '-l', '--', path])}`,
		};
	}

	if (state.kind === 'none') return {...base, ok: null, detail: 'not checked: not mounted'};
	return {...base, ok: true, detail: `${path} answers`};
}

export function clientMarkerCheck(host: Host, pack: Pack, state: MountState): HealthCheck {
	const base = {id: 'marker', label: 'marker round trip'};
	switch (state.kind) {
		case 'pack': {
			return {...base, ok: true, detail: `${pack.nfsServer.name}'s marker reads back through the mount`};
		}

		case 'pack-unreadable': {
			return {
				...base,
				ok: false,
				detail: `${pack.nfsServer.name}'s marker does not read back through the mount`,
				fix: `check ${pack.nfsServer.name}'s export and marker, then remount: ${runOn(host.name, ['umount', '--', pack.exportPath])} and mount it again`,
			};
		}

		default: {
			return {...base, ok: null, detail: 'not checked: the share is not mounted'};
		}
	}
}

export function clientServiceCheck(host: Host, pack: Pack, service: NfsServiceFact): HealthCheck {
	const base = {id: 'nfs-service', label: 'NFS server answering'};
	const server = pack.nfsServer.name;
	if (service.state === 'answering') return {...base, ok: true, detail: service.detail};
	if (service.state === 'unknown') return {...base, ok: false, detail: service.detail, fix: `check by hand that ${host.name} reaches ${server} on port 2049`};
	return {
		...base,
		ok: false,
		detail: `NFS server ${server} does not answer: ${service.detail}`,
		fix: `start the NFS server on ${server}; check no firewall blocks port 2049 from ${host.name}`,
	};
}
