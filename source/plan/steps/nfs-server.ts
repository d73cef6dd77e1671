// The NFS server: the shared directory, a marker file clients read back through
// their mounts, the exports drop-in, and the live export table.

import type {Host, Pack} from '../../pack/types.js';
import {readableText, textBytes, utf8ByteText} from '../../shell/byte-text.js';
import {describeMakeDirectory, makeDirectoryCommand} from '../../shell/mount-scripts.js';
import {PATH_GUARD, linkRefusal} from '../../shell/path-guard.js';
import {commandLine} from '../../shell/quote.js';
import {unifiedDiff} from '../../shell/unified-diff.js';
import {dropInContent, exportProblems} from '../exports-file.js';
import type {FileFact} from '../facts.js';
import type {ResolvedPlanOptions} from '../options.js';
import type {PackFiles} from '../pack-files.js';
import {describeSafeEdit, expectedFrom, safeEdit} from '../../shell/safe-edit.js';
import type {Step, StepRef} from '../step.js';
import {runAsRoot} from './run-command.js';

export const EXPORT_STEP = 'nfs-server/export';

export function exportStepRef(pack: Pack): StepRef {
	return {host: pack.nfsServer.name, id: EXPORT_STEP};
}

/**
 * Stable, so a re-run changes nothing. It names the pack, the server and the
 * path, so a client that reads it through its mount knows it sees this share
 * (and not another pack's, or an old server's).
 */
export function markerContent(pack: Pack): string {
	const identity = {pack: pack.name, server: pack.nfsServer.name, address: pack.nfsServer.address, path: pack.exportPath};
	return `aegir-pack marker ${JSON.stringify(identity)}: NFS clients read this file back to prove the share works.\n`;
}

export function exportDirectoryStep(host: Host, pack: Pack, options: ResolvedPlanOptions): Step {
	const command = makeDirectoryCommand(pack.exportPath, options.aegirUser);
	return {
		id: 'nfs-server/directory',
		title: `shared directory ${pack.exportPath}`,
		host: host.name,
		check({facts}) {
			switch (facts.sharedDir.state) {
				case 'directory': {
					return {state: 'ok', message: 'exists'};
				}

				case 'missing': {
					return {
						state: 'change',
						message: `create ${pack.exportPath} owned by ${options.aegirUser}`,
						commands: [describeMakeDirectory(pack.exportPath, options.aegirUser)],
					};
				}

				case 'not-directory': {
					return {state: 'fail', message: `${pack.exportPath} exists and is not a directory`};
				}

				case 'link': {
					return {state: 'fail', message: linkRefusal(pack.exportPath, facts.sharedDir.target, 'a directory')};
				}

				case 'unresponsive': {
					return {state: 'fail', message: `${pack.exportPath} does not answer (a hung mount?)`};
				}
			}
		},
		async apply(context) {
			await runAsRoot(context, command, `creating ${pack.exportPath}`);
		},
	};
}

/** The marker the facts read is this pack's (byte for byte). */
export function isPackMarker(marker: FileFact, pack: Pack): boolean {
	return marker.present && marker.readable && marker.content === utf8ByteText(markerContent(pack));
}

export function markerStep(host: Host, pack: Pack, files: Pick<PackFiles, 'marker'>, options: Pick<ResolvedPlanOptions, 'aegirUser'>): Step {
	const target = files.marker;
	const content = markerContent(pack);
	// The marker is the aegir user's file in its own directory: the aegir user writes it.
	const edit = (stamp: string, current: string | undefined) => ({
		target,
		stamp,
		expected: expectedFrom(current === undefined ? undefined : textBytes(current)),
		backup: false,
		user: options.aegirUser,
	});
	return {
		id: 'nfs-server/marker',
		title: 'marker file for clients',
		host: host.name,
		check({facts}) {
			const marker = facts.marker;
			if (marker.present && marker.link !== undefined) return {state: 'fail', message: linkRefusal(target, marker.link, 'a regular file')};
			if (marker.present && marker.problem) return {state: 'fail', message: `${target} ${marker.problem}`};
			if (isPackMarker(marker, pack)) return {state: 'ok', message: 'in place'};
			return {state: 'change', message: `write ${target}`, commands: [describeSafeEdit(edit('<stamp>', undefined))]};
		},
		async apply(context) {
			const marker = context.facts.marker;
			const current = marker.present && marker.readable ? marker.content : undefined;
			const {command, stdin} = safeEdit(edit(context.stamp, current), content);
			await runAsRoot(context, command, `writing ${target}`, {stdin});
		},
	};
}

export function exportsFileStep(host: Host, pack: Pack, files: Pick<PackFiles, 'dropIn'>): Step {
	const target = files.dropIn;
	const content = dropInContent(pack);
	const edit = (stamp: string, current: string | undefined) => ({
		target,
		stamp,
		expected: expectedFrom(current === undefined ? undefined : textBytes(current)),
		createParent: true,
	});
	return {
		id: 'nfs-server/exports-file',
		title: `exports drop-in ${target}`,
		host: host.name,
		check({facts}) {
			const dropIn = facts.dropIn;
			if (dropIn.present && !dropIn.readable) return {state: 'fail', message: `${target} ${dropIn.problem ?? 'cannot be read'}`};
			const before = dropIn.present ? dropIn.content : '';
			const wanted = utf8ByteText(content);
			if (dropIn.present && before === wanted) return {state: 'ok', message: 'as wanted'};
			return {
				state: 'change',
				message: dropIn.present ? `rewrite ${target}` : `create ${target}`,
				diff: readableText(unifiedDiff(before, wanted, {oldLabel: dropIn.present ? target : '/dev/null', newLabel: `${target} (aegir-pack)`})),
				commands: [describeSafeEdit(edit('<stamp>', undefined))],
			};
		},
		async apply(context) {
			const dropIn = context.facts.dropIn;
			const before = dropIn.present ? dropIn.content : undefined;
			const {command, stdin} = safeEdit(edit(context.stamp, before), content);
			await runAsRoot(context, command, `writing ${target}`, {stdin});
		},
	};
}

/**
 * exportfs -ra, then a reload where systemd runs the NFS server and it is
 * active (the "reload" of Aegir's pack documentation). Starting a server that
 * is not running, and enabling it for boot, is the service step's job
 * (./nfs-service.ts), which runs next and checks it whatever happened here.
 * exportfs resolves the export path: it must be the directory itself, not a link the aegir user planted.
 */
export const EXPORT_SCRIPT = `${PATH_GUARD}
ap_audit "$(dirname -- "$1")" "$2" >/dev/null || exit 1
ap_no_link "$1" "the shared directory"
[ -d "$1" ] || ap_fail "$1 is not a directory; nothing was exported"
exportfs -ra || exit $?
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
	if systemctl is-active --quiet nfs-server; then
		systemctl reload nfs-server || exit $?
		echo "aegir-pack: reloaded nfs-server"
	else
		echo "aegir-pack: nfs-server is not running: the service step starts it"
	fi
elif [ -x /etc/init.d/nfs-kernel-server ] && /etc/init.d/nfs-kernel-server status >/dev/null 2>&1; then
	/etc/init.d/nfs-kernel-server reload || exit $?
	echo "aegir-pack: reloaded nfs-kernel-server"
else
	echo "aegir-pack: no init system runs the NFS server here; exportfs -ra applied the exports"
fi
`;

export function exportStep(host: Host, pack: Pack, options: Pick<ResolvedPlanOptions, 'aegirUser'>): Step {
	const command = `sh -c ${commandLine([EXPORT_SCRIPT, 'aegir-pack-export', pack.exportPath, options.aegirUser])}`;
	return {
		id: EXPORT_STEP,
		title: 'export active (exportfs -v)',
		host: host.name,
		check({facts}) {
			if (!facts.exports) {
				return {
					state: 'change',
					message: `export ${pack.exportPath} (exportfs is not installed yet)`,
					commands: ['exportfs -ra', 'systemctl reload nfs-server (only where an init system runs it)'],
				};
			}

			const problems = exportProblems(facts.exports, pack.exportPath, pack.subnets, pack.exportOptions);
			if (problems.length === 0) return {state: 'ok', message: `exported to ${pack.subnets.join(', ')}`};
			return {
				state: 'change',
				message: `re-export: ${problems.join('; ')}`,
				commands: ['exportfs -ra', 'systemctl reload nfs-server (only where an init system runs it)'],
			};
		},
		async apply(context) {
			await runAsRoot(context, command, 'exporting', {timeoutMs: 120_000});
			// Without this the recap repeats the check's "is not exported to …" for a step that just exported it.
			return {message: `exported to ${pack.subnets.join(', ')}`};
		},
	};
}
