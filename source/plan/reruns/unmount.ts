// Unmounting the share on a slave that leaves the pack. A normal umount first;
// only if it fails (busy, or a server that no longer answers) a lazy one, and
// the step says so: processes still inside keep the old mount until they leave.

import type {Host, Pack} from '../../pack/types.js';
import {describeUnmount, unmountCommand} from '../../shell/mount-scripts.js';
import {type Step} from '../step.js';
import {StepFailedError, tail} from '../../contracts/command-error.js';
import {mountState} from '../steps/nfs-client.js';
import {runAsRoot} from '../steps/run-command.js';

export const UNMOUNT_STEP = 'nfs-client/unmount';

/** A normal umount of a busy or dead NFS mount may block: it is abandoned after this long. */
export const UNMOUNT_TIMEOUT_MS = 60_000;

const firstLine = (text: string) => text.split('\n').map(line => line.trim()).find(Boolean);

export function unmountStep(host: Host, pack: Pack): Step {
	const path = pack.exportPath;
	// Each only if the path itself is still a mount point (a link there is refused).
	const umount = describeUnmount(path);
	const lazy = describeUnmount(path, true);
	return {
		id: UNMOUNT_STEP,
		title: `unmount ${path}`,
		host: host.name,
		check({facts}) {
			const state = mountState(facts, pack);
			switch (state.kind) {
				case 'none': {
					return {state: 'ok', message: 'not mounted'};
				}

				case 'hung': {
					return {state: 'change', message: `unmount ${path} (it does not answer)`, commands: [umount, `${lazy} (only if the normal unmount fails)`]};
				}

				case 'pack':
				case 'pack-unreadable': {
					return {state: 'change', message: `unmount ${state.mount.source} from ${path}`, commands: [umount, `${lazy} (only if the normal unmount fails)`]};
				}

				case 'other-nfs':
				case 'other': {
					return {
						state: 'fail',
						message: `${path} is a mount of ${state.mount.source} (${state.mount.fstype}), not this pack's share: left mounted. Unmount it yourself if it should go, then run again`,
					};
				}
			}
		},
		async apply(context) {
			const first = await context.transport.exec(unmountCommand(path), {sudo: true, signal: context.signal, timeoutMs: UNMOUNT_TIMEOUT_MS});
			if (first.code === 0) return {message: `unmounted ${path}`};
			const why = firstLine(first.stderr) ?? (first.code === -1 ? `no answer in ${UNMOUNT_TIMEOUT_MS / 1000} s` : `exit code ${first.code}`);
			context.output(`umount failed: ${why}\n`);
			try {
				await runAsRoot(context, unmountCommand(path, true), `lazy unmount of ${path}`, {timeoutMs: UNMOUNT_TIMEOUT_MS});
			} catch (error) {
				if (error instanceof StepFailedError) {
					throw new StepFailedError(`umount failed (${why}), and so did umount -l: ${error.message}`, {
						command: error.command,
						code: error.code,
						stderrTail: error.stderrTail ?? tail(first.stderr),
					});
				}

				throw error;
			}

			const message = `umount failed (${why}): unmounted lazily with umount -l; processes still using ${path} keep the old mount until they close it`;
			context.notice('warn', `${host.name}: ${message}`);
			return {message};
		},
	};
}
