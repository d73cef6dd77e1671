// Removing a slave's managed fstab entry: only entries for the mount point that
// carry this pack's tag (the comment line above, or after the fields in the
// earlier one-line form) go; everything else stays byte for byte. The write is
// the planner's own fstab edit (atomic, backed up, validated by findmnt).

import type {Host, Pack} from '../../pack/types.js';
import {unifiedDiff} from '../../shell/unified-diff.js';
import type {Facts} from '../facts.js';
import {fstabBlocks, fstabLines, fstabTag} from '../fstab.js';
import type {ResolvedPlanOptions} from '../options.js';
import {readableText, textBytes, utf8ByteText} from '../../shell/byte-text.js';
import {describeSafeEdit, safeEdit} from '../../shell/safe-edit.js';
import type {Step} from '../step.js';
import {fstabEditOptions} from '../steps/nfs-client.js';
import {runAsRoot} from '../steps/run-command.js';
import {normalizeMountPath} from '../tab-field.js';

export type FstabRemoval = {
	content: string;
	removed: string[];
	/** Entries for the mount point not written by aegir-pack for this pack: left alone. */
	foreign: string[];
};

export const FSTAB_REMOVAL_STEP = 'nfs-client/fstab-remove';

/**
 * `current` without this pack's entries for `mountPoint`: an entry with this
 * pack's tag comment directly above it (it goes with it), or one in the
 * earlier one-line form, the tag after its fields.
 */
export function removeFstabEntries(current: string, mountPoint: string, packName: string): FstabRemoval {
	const wanted = normalizeMountPath(mountPoint);
	const tag = fstabTag(packName);
	const {lines, endsWithNewline} = fstabLines(current);
	const removed: string[] = [];
	const foreign: string[] = [];
	const dropped = new Set<number>();
	for (const block of fstabBlocks(lines, wanted)) {
		const line = lines[block.line]!;
		const taggedAbove = block.start < block.line && lines[block.start]!.trim() === tag;
		if (taggedAbove || line.trimEnd().endsWith(tag)) {
			for (let index = block.start; index <= block.line; index++) dropped.add(index);
			removed.push(line);
		} else {
			foreign.push(line);
		}
	}

	if (removed.length === 0) return {content: current, removed, foreign};
	const kept = lines.filter((_, index) => !dropped.has(index));
	const body = kept.join('\n');
	return {content: kept.length === 0 ? '' : `${body}${endsWithNewline ? '\n' : ''}`, removed, foreign};
}

export function fstabRemovalStep(host: Host, pack: Pack, options: ResolvedPlanOptions): Step {
	const target = options.fstabPath;
	const plan = (facts: Facts) => {
		// Byte text: the file's exact bytes, one character each; the path as it is written.
		const current = facts.fstab.present ? facts.fstab.content : '';
		const removal = removeFstabEntries(current, utf8ByteText(pack.exportPath), pack.name);
		const diff = readableText(unifiedDiff(current, removal.content, {oldLabel: target, newLabel: `${target} (aegir-pack)`}));
		return {current, removal, diff};
	};

	const leftAlone = (foreign: string[]) =>
		foreign.length > 0 ? `; left ${foreign.length} entry(ies) for ${pack.exportPath} not written by aegir-pack for ${pack.name}` : '';
	return {
		id: FSTAB_REMOVAL_STEP,
		title: `remove the fstab entry for ${pack.exportPath}`,
		host: host.name,
		check({facts}) {
			if (!facts.fstab.present) return {state: 'ok', message: `no ${target}`};
			if (!facts.fstab.readable) return {state: 'fail', message: `${target} cannot be read`};
			const {removal, diff} = plan(facts);
			if (removal.removed.length === 0) return {state: 'ok', message: `no entry of this pack${leftAlone(removal.foreign)}`};
			return {
				state: 'change',
				message: `remove the entry for ${pack.exportPath}${leftAlone(removal.foreign)}`,
				diff,
				commands: [describeSafeEdit(fstabEditOptions(target, '<stamp>', undefined))],
			};
		},
		async apply(context) {
			const {current, removal, diff} = plan(context.facts);
			const {command, stdin} = safeEdit(fstabEditOptions(target, context.stamp, current), textBytes(removal.content));
			await runAsRoot(context, command, `writing ${target}`, {stdin});
			return {message: `entry removed (backup kept)${leftAlone(removal.foreign)}`, diff};
		},
	};
}
