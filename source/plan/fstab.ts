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

const TAG_PREFIX = '# aegir-pack: ';

/** The comment that tags our entry, naming the pack: the line directly above it. */
export function fstabTag(packName: string): string {
	return `${TAG_PREFIX}${commentText(packName)}`;
}

/** A tag comment of aegir-pack (any pack), on a line of its own. */
export function isFstabTag(line: string): boolean {
	return line.trimStart().startsWith(TAG_PREFIX);
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

/** The six fields of the pack's fstab line, each escaped as fstab wants it. */
export function fstabFields(pack: PackFields): {source: string; target: string; type: 'nfs'; options: string; dump: '0'; pass: '0'} {
	return {
		source: escapeTabField(nfsSource(pack.nfsServer.address, pack.exportPath)),
		target: escapeTabField(pack.exportPath),
		type: 'nfs',
		options: escapeTabField(effectiveMountOptions(pack)),
		dump: '0',
		pass: '0',
	};
}

/**
 * `<server>:<path> <path> nfs <options> 0 0`: a standard six-field line, so
 * other tools (ansible.posix.mount) read it as the entry for the mount point.
 */
export function fstabLine(pack: PackFields): string {
	const {source, target, type, options, dump, pass} = fstabFields(pack);
	return `${source} ${target} ${type} ${options} ${dump} ${pass}`;
}

/** The entry the tool writes: the tag comment, then the line, as two lines (no final newline). */
export function fstabEntry(pack: PackFields): string {
	return `${fstabTag(pack.name)}\n${fstabLine(pack)}`;
}

/** The one-line form versions before issue 14 wrote (the tag after the fields): still read as the pack's entry, rewritten on the next apply. */
export function legacyFstabLine(pack: PackFields): string {
	return `${fstabLine(pack)}  ${fstabTag(pack.name)}`;
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
	/** Lines removed (other entries for the same mount point, or the replaced one, with the tag comments above them). */
	removed: string[];
};

/** One entry for a mount point: its line, and the aegir-pack tag comment directly above it when there is one. */
export type FstabBlock = {start: number; line: number};

/** The lines of `content`, and whether it ended with a newline. */
export function fstabLines(content: string): {lines: string[]; endsWithNewline: boolean} {
	const endsWithNewline = content === '' || content.endsWith('\n');
	const lines = content.split('\n');
	if (endsWithNewline) lines.pop();
	return {lines, endsWithNewline};
}

/** The entries for `mountPoint` (already normalised), each with the tag comment above it. */
export function fstabBlocks(lines: string[], mountPoint: string): FstabBlock[] {
	return lines.flatMap((text, index) => {
		if (fstabMountPoint(text) !== mountPoint) return [];
		const tagged = index > 0 && isFstabTag(lines[index - 1]!);
		return [{start: tagged ? index - 1 : index, line: index}];
	});
}

/**
 * Make `current` (undefined: no file) hold exactly one entry for `mountPoint`,
 * equal to `entry` (its lines: the tag comment, then the fstab line): the first
 * existing entry is replaced in place, later ones dropped, each with the
 * aegir-pack tag comment directly above it (an entry in the earlier one-line
 * form, its tag after the fields, is replaced like any other); with none, the
 * entry is appended.
 */
export function editFstab(current: string | undefined, mountPoint: string, entry: string): FstabEdit {
	if (current === undefined) return {content: `${entry}\n`, changed: true, action: 'created', removed: []};

	const wanted = normalizeMountPath(mountPoint);
	const entryLines = entry.split('\n');
	const {lines, endsWithNewline} = fstabLines(current);
	const blocks = fstabBlocks(lines, wanted);
	const only = blocks.length === 1 ? blocks[0]! : undefined;
	if (only && only.line - only.start + 1 === entryLines.length && entryLines.every((text, offset) => lines[only.start + offset] === text)) {
		return {content: current, changed: false, action: 'unchanged', removed: []};
	}

	if (blocks.length === 0) {
		const separator = endsWithNewline ? '' : '\n';
		return {content: `${current}${separator}${entry}\n`, changed: true, action: 'appended', removed: []};
	}

	const first = blocks[0]!;
	const dropped = new Set(blocks.flatMap(block => range(block.start, block.line)));
	const removed = [...dropped].sort((a, b) => a - b).map(index => lines[index]!);
	const kept = lines.flatMap((text, index) => {
		if (index === first.start) return entryLines;
		return dropped.has(index) ? [] : [text];
	});
	const content = `${kept.join('\n')}${endsWithNewline ? '\n' : ''}`;
	return {content, changed: true, action: 'replaced', removed};
}

function range(from: number, to: number): number[] {
	return Array.from({length: to - from + 1}, (_, offset) => from + offset);
}
