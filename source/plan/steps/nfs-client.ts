// An NFS client: an empty mount point owned by aegir (files already there are
// moved aside only with consent), exactly one fstab entry, and a mount proven
// to come from the right source by reading the server's marker through it.

import type {Host, Pack} from '../../pack/types.js';
import {readableText, textBytes, utf8ByteText} from '../../shell/byte-text.js';
import {
	describeMakeDirectory,
	describeMount,
	describeMoveAside,
	describeUnmount,
	makeDirectoryCommand,
	mountCommand,
	moveAsideCommand,
	unmountCommand,
	type MountRequest,
} from '../../shell/mount-scripts.js';
import {linkRefusal} from '../../shell/path-guard.js';
import {unifiedDiff} from '../../shell/unified-diff.js';
import type {Facts, MountFact} from '../facts.js';
import {CLUSTER_SLAVE_KEPT, keptClusterSlaveEntry} from '../cluster-slave-fstab.js';
import {editFstab, effectiveMountOptions, fstabEntry, missingMountFlags, nfsSource} from '../fstab.js';
import type {ResolvedPlanOptions} from '../options.js';
import {FSTAB_VALIDATE, describeSafeEdit, expectedFrom, safeEdit, type SafeEditOptions} from '../../shell/safe-edit.js';
import {type CheckResult, type Step} from '../step.js';
import {StepFailedError} from '../../contracts/command-error.js';
import {normalizeMountPath} from '../tab-field.js';
import {exportStepRef, isPackMarker} from './nfs-server.js';
import {runAsRoot} from './run-command.js';

export const MOUNT_STEP = 'nfs-client/mount';

export function movedAsidePath(path: string, stamp: string): string {
	return `${path.replace(/\/+$/, '')}.aegir-pack-moved-${stamp}`;
}

/** Did the kernel record this mount as coming from `<server>:<path>`? */
export function hasPackSource(mount: MountFact, pack: Pack): boolean {
	const wanted = nfsSource(pack.nfsServer.address, normalizeMountPath(pack.exportPath));
	const colon = mount.source.lastIndexOf(':/');
	const source = colon === -1 ? mount.source : `${mount.source.slice(0, colon)}:${normalizeMountPath(mount.source.slice(colon + 1))}`;
	return source === wanted;
}

const isNfs = (mount: MountFact) => mount.fstype === 'nfs' || mount.fstype === 'nfs4';

export type MountState =
	/** The mount point does not answer (a hard mount whose server is gone). */
	| {kind: 'hung'}
	| {kind: 'none'}
	/** The server's marker reads back through it: this pack's share. */
	| {kind: 'pack'; mount: MountFact}
	/** Mounted from the right source, but the marker does not read back. */
	| {kind: 'pack-unreadable'; mount: MountFact}
	| {kind: 'other-nfs'; mount: MountFact}
	/** A local file system (or anything not NFS): never mounted over. */
	| {kind: 'other'; mount: MountFact};

/**
 * What is mounted at the mount point. The marker is the proof: it names the
 * pack, server and path, and only the share itself can show it there. (The
 * recorded source alone can differ in spelling: a name instead of an address.)
 */
export function mountState(facts: Facts, pack: Pack): MountState {
	if (!facts.mountProbeAnswered) return {kind: 'hung'};
	const mount = facts.mount;
	if (!mount) return {kind: 'none'};
	if (isPackMarker(facts.marker, pack)) return {kind: 'pack', mount};
	if (hasPackSource(mount, pack)) return {kind: 'pack-unreadable', mount};
	return isNfs(mount) ? {kind: 'other-nfs', mount} : {kind: 'other', mount};
}

/** Printable, one line, for prompts and messages about names found on a host. */
const printable = (name: string) => name.replace(/[^\x20-\x7e]/g, '?');

/** What a link where the mount point belongs is called, in checks and scripts alike. */
const MOUNT_POINT = 'the mount point (a directory)';

export function mountPointStep(host: Host, pack: Pack, options: ResolvedPlanOptions): Step {
	const path = pack.exportPath;
	const create = makeDirectoryCommand(path, options.aegirUser);
	const moveCommand = (stamp: string) => moveAsideCommand(path, movedAsidePath(path, stamp), options.aegirUser);

	const assess = (facts: Facts): CheckResult => {
		// A link is named as such, whatever findmnt found where it leads.
		if (facts.sharedDir.state === 'link') return {state: 'fail', message: linkRefusal(path, facts.sharedDir.target, MOUNT_POINT)};
		const state = mountState(facts, pack);
		switch (state.kind) {
			case 'hung': {
				return {state: 'fail', message: `${path} does not answer (a hung NFS mount?)`};
			}

			case 'pack':
			case 'pack-unreadable': {
				return {state: 'ok', message: 'already the NFS mount of this pack'};
			}

			case 'other-nfs': {
				return {state: 'ok', message: `NFS mount from ${state.mount.source}; the mount step switches it`};
			}

			case 'other': {
				return {
					state: 'fail',
					message: `${path} is already a mount point of ${state.mount.source} (${state.mount.fstype}): refusing to mount NFS over it. Unmount it and remove its fstab line, then run again`,
				};
			}

			case 'none': {
				break;
			}
		}

		const directory = facts.sharedDir;
		switch (directory.state) {
			case 'missing': {
				return {state: 'change', message: `create ${path} owned by ${options.aegirUser}`, commands: [describeMakeDirectory(path, options.aegirUser)]};
			}

			case 'not-directory': {
				return {state: 'fail', message: `${path} exists and is not a directory`};
			}

			case 'unresponsive': {
				return {state: 'fail', message: `${path} does not answer`};
			}

			case 'directory': {
				if (directory.entryCount === 0) return {state: 'ok', message: 'empty directory'};
				const sample = directory.sample.slice(0, 3).map(printable).join(', ');
				return {
					state: 'change',
					message: `move aside the ${directory.entryCount} entries already in ${path} (${sample}${directory.entryCount > 3 ? ', …' : ''}) to ${movedAsidePath(path, '<stamp>')} (${options.moveAside ? '--move-aside: without asking' : 'asks first; without a terminal only with --move-aside'})`,
					commands: describeMoveAside(path, movedAsidePath(path, '<stamp>'), options.aegirUser),
				};
			}
		}
	};

	return {
		id: 'nfs-client/mount-point',
		title: `mount point ${path}`,
		host: host.name,
		check: ({facts}) => assess(facts),
		async apply(context) {
			const directory = context.facts.sharedDir;
			if (directory.state === 'missing') {
				await runAsRoot(context, create, `creating ${path}`);
				return;
			}

			if (directory.state !== 'directory') throw new StepFailedError(`${path} changed while being checked; run again`);
			const target = movedAsidePath(path, context.stamp);
			const names = directory.sample.map(printable).join('\n  ');
			const more = directory.entryCount > directory.sample.length ? `\n  … ${directory.entryCount - directory.sample.length} more` : '';
			const agreed =
				options.moveAside ||
				(await context.prompter.confirm(
					host.name,
					`${path} on ${host.name} already holds files and is not this pack's NFS mount. Move them aside to ${target}?`,
					`Mounting the share over them would hide them. Found:\n  ${names}${more}`,
				));
			if (!agreed) {
				throw new StepFailedError(
					`${path} holds ${directory.entryCount} entries and is not this pack's mount: not hiding them under the NFS mount. Move them away yourself, or run again with --move-aside to move them to ${movedAsidePath(path, '<timestamp>')}`,
				);
			}

			await runAsRoot(context, moveCommand(context.stamp), `moving ${path} aside`);
			return {message: `moved the previous content to ${target}`};
		},
	};
}

/**
 * The one way /etc/fstab is written (adding and removing entries alike): atomic,
 * backed up, validated by findmnt, aborted if the file changed since it was read.
 */
export function fstabEditOptions(target: string, stamp: string, current: string | undefined): SafeEditOptions {
	return {
		target,
		stamp,
		validate: FSTAB_VALIDATE,
		validateLabel: 'findmnt --verify --tab-file <temp> (no new errors)',
		// `current` is the file's byte text (one character per byte): hashed as the bytes it is.
		expected: expectedFrom(current === undefined ? undefined : textBytes(current)),
	};
}

export function fstabStep(host: Host, pack: Pack, options: ResolvedPlanOptions): Step {
	const target = options.fstabPath;
	// The file is edited as bytes: our entry (tag comment, then the line) and path as the bytes they are written as.
	const line = utf8ByteText(fstabEntry(pack));
	const plan = (facts: Facts) => {
		const current = facts.fstab.present ? facts.fstab.content : undefined;
		const edit = editFstab(current, utf8ByteText(pack.exportPath), line);
		const diff = readableText(unifiedDiff(current ?? '', edit.content, {oldLabel: target, newLabel: `${target} (aegir-pack)`}));
		return {current, edit, diff};
	};

	const editOptions = (stamp: string, current: string | undefined) => fstabEditOptions(target, stamp, current);
	return {
		id: 'nfs-client/fstab',
		title: `fstab entry for ${pack.exportPath}`,
		host: host.name,
		check({facts}) {
			if (facts.fstab.present && !facts.fstab.readable) return {state: 'fail', message: `${target} ${facts.fstab.problem ?? 'cannot be read'}`};
			if (keptClusterSlaveEntry(facts, pack)) return {state: 'ok', message: CLUSTER_SLAVE_KEPT};
			const {edit, diff} = plan(facts);
			if (!edit.changed) return {state: 'ok', message: 'exactly one entry, as wanted'};
			const message =
				edit.action === 'replaced'
					? `replace ${edit.removed.length === 1 ? 'the entry' : `${edit.removed.length} entries`} for ${pack.exportPath}`
					: `add the entry for ${pack.exportPath}`;
			return {state: 'change', message, diff, commands: [describeSafeEdit(editOptions('<stamp>', undefined))]};
		},
		async apply(context) {
			const {current, edit, diff} = plan(context.facts);
			if (edit.action === 'replaced') {
				context.notice('warn', `${host.name}: replacing the ${target} entry for ${pack.exportPath}:\n${diff}`);
			}

			const {command, stdin} = safeEdit(editOptions(context.stamp, current), textBytes(edit.content));
			await runAsRoot(context, command, `writing ${target}`, {stdin});
			const live = context.facts.mount;
			const missing = live && mountState(context.facts, pack).kind === 'pack' ? missingMountFlags(live.options) : [];
			if (missing.length > 0) context.notice('info', `${host.name}: ${nextMountNote(missing, pack.exportPath)}`);
			return {message: edit.action === 'replaced' ? 'entry replaced (backup kept)' : 'entry added (backup kept)', diff};
		},
	};
}

/** A live mount from before nosuid,nodev: they apply when it is mounted again (a person may remount it now). */
export function nextMountNote(missing: string[], path: string): string {
	return `${missing.join(',')} take effect at the next mount of ${path} (to apply them now: mount -o remount,${missing.join(',')} ${path})`;
}

export function mountStep(host: Host, pack: Pack, options: Pick<ResolvedPlanOptions, 'aegirUser'>): Step {
	const path = pack.exportPath;
	const source = nfsSource(pack.nfsServer.address, pack.exportPath);
	const request: MountRequest = {path, source, options: effectiveMountOptions(pack), owner: options.aegirUser};
	const mount = describeMount(request);
	const umount = describeUnmount(path);
	return {
		id: MOUNT_STEP,
		title: `NFS mount from ${pack.nfsServer.name}`,
		host: host.name,
		dependsOn: [exportStepRef(pack)],
		check({facts}) {
			if (facts.sharedDir.state === 'link') return {state: 'fail', message: linkRefusal(path, facts.sharedDir.target, MOUNT_POINT)};
			const state = mountState(facts, pack);
			switch (state.kind) {
				case 'hung': {
					return {state: 'fail', message: `${path} does not answer (a hung NFS mount?)`};
				}

				case 'none': {
					return {state: 'change', message: `mount ${source} on ${path}`, commands: [mount]};
				}

				case 'pack': {
					const missing = missingMountFlags(state.mount.options);
					const later = missing.length > 0 ? `; ${nextMountNote(missing, path)}` : '';
					return {state: 'ok', message: `mounted from ${state.mount.source}; the server's marker reads back${later}`};
				}

				case 'pack-unreadable': {
					return {
						state: 'fail',
						message: `mounted from ${state.mount.source}, but the marker file written on ${pack.nfsServer.name} cannot be read through it: check that ${pack.nfsServer.name} serves ${pack.exportPath}`,
					};
				}

				case 'other-nfs': {
					return {
						state: 'change',
						message: `remount: mounted from ${state.mount.source}, wanted ${source}`,
						commands: [umount, mount],
					};
				}

				case 'other': {
					return {state: 'fail', message: `${path} is a mount point of ${state.mount.source} (${state.mount.fstype}); not mounting over it`};
				}
			}
		},
		async apply(context) {
			if (context.facts.mount) await runAsRoot(context, unmountCommand(path), `unmounting ${context.facts.mount.source}`, {timeoutMs: 60_000});
			// mount.nfs retries for about two minutes before giving up on a silent server.
			await runAsRoot(context, mountCommand(request), `mounting ${source} on ${path}`, {timeoutMs: 180_000});
		},
	};
}
