// An NFS client: an empty mount point owned by aegir (files already there are
// moved aside only with consent), exactly one fstab entry, and a mount proven
// to come from the right source by reading the server's marker through it.

import type {Host, Pack} from '../../pack/types.js';
import {commandLine} from '../../shell/quote.js';
import {unifiedDiff} from '../../shell/unified-diff.js';
import type {Facts, MountFact} from '../facts.js';
import {CLUSTER_SLAVE_KEPT, keptClusterSlaveEntry} from '../cluster-slave-fstab.js';
import {editFstab, fstabLine, nfsSource} from '../fstab.js';
import type {ResolvedPlanOptions} from '../options.js';
import {FSTAB_VALIDATE, describeSafeEdit, expectedFrom, safeEditCommand, type SafeEditOptions} from '../../shell/safe-edit.js';
import {type CheckResult, type Step} from '../step.js';
import {StepFailedError} from '../../contracts/command-error.js';
import {normalizeMountPath} from '../tab-field.js';
import {createDirectoryCommand, exportStepRef, markerContent} from './nfs-server.js';
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
	if (facts.marker.present && facts.marker.content === markerContent(pack)) return {kind: 'pack', mount};
	if (hasPackSource(mount, pack)) return {kind: 'pack-unreadable', mount};
	return isNfs(mount) ? {kind: 'other-nfs', mount} : {kind: 'other', mount};
}

/** Printable, one line, for prompts and messages about names found on a host. */
const printable = (name: string) => name.replace(/[^\x20-\x7e]/g, '?');

const MOVE_ASIDE_SCRIPT = `
[ -e "$2" ] && { echo "aegir-pack: $2 already exists" >&2; exit 1; }
mv -T -- "$1" "$2" || { echo "aegir-pack: cannot move $1 to $2" >&2; exit 1; }
install -d -o "$3" -g "$3" -m 0755 -- "$1" || { echo "aegir-pack: moved $1 to $2 but cannot create the empty mount point" >&2; exit 1; }
echo "aegir-pack: moved what was in $1 to $2"
`;

export function mountPointStep(host: Host, pack: Pack, options: ResolvedPlanOptions): Step {
	const path = pack.exportPath;
	const create = createDirectoryCommand(path, options.aegirUser);
	const moveCommand = (stamp: string) =>
		`sh -c ${commandLine([MOVE_ASIDE_SCRIPT, 'aegir-pack-move-aside', path, movedAsidePath(path, stamp), options.aegirUser])}`;

	const assess = (facts: Facts): CheckResult => {
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
				return {state: 'change', message: `create ${path} owned by ${options.aegirUser}`, commands: [create]};
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
					commands: [`mv -T -- ${commandLine([path, movedAsidePath(path, '<stamp>')])}`, create],
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
		expected: expectedFrom(current),
	};
}

export function fstabStep(host: Host, pack: Pack, options: ResolvedPlanOptions): Step {
	const target = options.fstabPath;
	const line = fstabLine(pack);
	const plan = (facts: Facts) => {
		const current = facts.fstab.present ? facts.fstab.content : undefined;
		const edit = editFstab(current, pack.exportPath, line);
		const diff = unifiedDiff(current ?? '', edit.content, {oldLabel: target, newLabel: `${target} (aegir-pack)`});
		return {current, edit, diff};
	};

	const editOptions = (stamp: string, current: string | undefined) => fstabEditOptions(target, stamp, current);
	return {
		id: 'nfs-client/fstab',
		title: `fstab entry for ${pack.exportPath}`,
		host: host.name,
		check({facts}) {
			if (facts.fstab.present && !facts.fstab.readable) return {state: 'fail', message: `${target} cannot be read`};
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

			await runAsRoot(context, safeEditCommand(editOptions(context.stamp, current)), `writing ${target}`, {stdin: edit.content});
			return {message: edit.action === 'replaced' ? 'entry replaced (backup kept)' : 'entry added (backup kept)', diff};
		},
	};
}

export function mountStep(host: Host, pack: Pack): Step {
	const path = pack.exportPath;
	const source = nfsSource(pack.nfsServer.address, pack.exportPath);
	const mountCommand = commandLine(['mount', '--', path]);
	const umountCommand = commandLine(['umount', '--', path]);
	return {
		id: MOUNT_STEP,
		title: `NFS mount from ${pack.nfsServer.name}`,
		host: host.name,
		dependsOn: [exportStepRef(pack)],
		check({facts}) {
			const state = mountState(facts, pack);
			switch (state.kind) {
				case 'hung': {
					return {state: 'fail', message: `${path} does not answer (a hung NFS mount?)`};
				}

				case 'none': {
					return {state: 'change', message: `mount ${source} on ${path}`, commands: [mountCommand]};
				}

				case 'pack': {
					return {state: 'ok', message: `mounted from ${state.mount.source}; the server's marker reads back`};
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
						commands: [umountCommand, mountCommand],
					};
				}

				case 'other': {
					return {state: 'fail', message: `${path} is a mount point of ${state.mount.source} (${state.mount.fstype}); not mounting over it`};
				}
			}
		},
		async apply(context) {
			if (context.facts.mount) await runAsRoot(context, umountCommand, `unmounting ${context.facts.mount.source}`, {timeoutMs: 60_000});
			// mount.nfs retries for about two minutes before giving up on a silent server.
			await runAsRoot(context, mountCommand, `mounting ${source} on ${path}`, {timeoutMs: 180_000});
		},
	};
}
