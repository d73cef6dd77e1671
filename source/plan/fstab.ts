// The fstab entry of an NFS client, and the edit that makes /etc/fstab hold
// exactly one entry for the mount point. Every other line (comments, blank
// lines, other mounts, odd spacing) is kept byte for byte.

import type {PackFields} from '../pack/types.js';
import {REQUIRED_MOUNT_FLAGS} from '../shell/mount-scripts.js';
import {commentText, escapeTabField, normalizeMountPath} from './tab-field.js';

/** `server:/path` as mount.nfs and the kernel write it (IPv6 literals in brackets). */
export function nfsSource(serverAddress: string, exportPath: string): string {
	const host = serverAddress.includes(':') ? `[${serverAddress}]` : serverAddress;
	return `${host}:${exportPath}`;
}

/** The comment that tags our line, naming the pack. */
export function fstabTag(packName: string): string {
	return `# aegir-pack: ${commentText(packName)}`;
}

/** Options that would undo nosuid,nodev: never kept. */
const UNDOING_FLAGS = new Set(['suid', 'dev']);

/**
 * The pack's mount options as every client gets them: with nosuid and nodev
 * (nothing on the share runs setuid or opens a device on a web head), added to
 * what the pack stores, in its order. A pack saved by an earlier version gets them too.
 */
export function effectiveMountOptions(pack: Pick<PackFields, 'mountOptions'>): string {
	const options = pack.mountOptions
		.split(',')
		.map(option => option.trim())
		.filter(option => option !== '' && !UNDOING_FLAGS.has(option));
	for (const flag of REQUIRED_MOUNT_FLAGS) if (!options.includes(flag)) options.push(flag);
	return options.join(',');
}

/** The required per-mount flags a live mount lacks (from findmnt's option list). */
export function missingMountFlags(liveOptions: string): string[] {
	const live = liveOptions.split(',');
	return REQUIRED_MOUNT_FLAGS.filter(flag => !live.includes(flag));
}

/** `<server>:<path> <path> nfs <options> 0 0  # aegir-pack: <pack>` */
export function fstabLine(pack: PackFields): string {
	const source = escapeTabField(nfsSource(pack.nfsServer.address, pack.exportPath));
	const target = escapeTabField(pack.exportPath);
	const options = escapeTabField(effectiveMountOptions(pack));
	return `${source} ${target} nfs ${options} 0 0  ${fstabTag(pack.name)}`;
}

/** The mount point of an fstab line, or undefined for comments, blank and malformed lines. */
export function fstabMountPoint(line: string): string | undefined {
	const trimmed = line.trim();
	if (trimmed === '' || trimmed.startsWith('#')) return undefined;
	const fields = trimmed.split(/\s+/);
	if (fields.length < 2) return undefined;
	return normalizeMountPath(fields[1]!);
}

export type FstabEdit = {
	/** The whole new file. */
	content: string;
	changed: boolean;
	/** What happened, in words. */
	action: 'unchanged' | 'appended' | 'replaced' | 'created';
	/** Lines removed (other entries for the same mount point, or the replaced one). */
	removed: string[];
};

/**
 * Make `current` (undefined: no file) hold exactly one entry for `mountPoint`,
 * equal to `line`: the first existing entry is replaced in place, later ones
 * dropped; with none, the line is appended.
 */
export function editFstab(current: string | undefined, mountPoint: string, line: string): FstabEdit {
	if (current === undefined) return {content: `${line}\n`, changed: true, action: 'created', removed: []};

	const wanted = normalizeMountPath(mountPoint);
	const endsWithNewline = current === '' || current.endsWith('\n');
	const lines = current.split('\n');
	if (endsWithNewline) lines.pop();

	const matches = lines.flatMap((text, index) => (fstabMountPoint(text) === wanted ? [index] : []));
	if (matches.length === 1 && lines[matches[0]!] === line) {
		return {content: current, changed: false, action: 'unchanged', removed: []};
	}

	if (matches.length === 0) {
		const separator = endsWithNewline ? '' : '\n';
		return {content: `${current}${separator}${line}\n`, changed: true, action: 'appended', removed: []};
	}

	const first = matches[0]!;
	const removed = matches.map(index => lines[index]!);
	const kept = lines.flatMap((text, index) => {
		if (index === first) return [line];
		return matches.includes(index) ? [] : [text];
	});
	const content = `${kept.join('\n')}${endsWithNewline ? '\n' : ''}`;
	return {content, changed: true, action: 'replaced', removed};
}
