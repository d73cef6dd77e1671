// Sync from the machine running the tool (the Aegir server) with real rsync
// over SSH. The check is a dry run (itemized), so a re-run with nothing new
// reports ok and copies nothing. Whether the local source is there was read
// before planning (options.localSources).

import type {Host} from '../../pack/types.js';
import {sourceProblem} from '../local-sources.js';
import {DEFAULT_CONFIG_DIR, type ResolvedPlanOptions} from '../options.js';
import {type Step} from '../step.js';
import {StepFailedError, tail} from '../../contracts/command-error.js';
import type {PushTreeOptions} from '../../contracts/transport.js';
import {MARKER_NAME} from '../pack-files.js';

export type SyncSpec = {
	id: string;
	title: string;
	/** Directory on this machine. */
	source: string;
	/** Directory on the host. */
	destination: string;
	exclude?: string[];
};

const shortList = (paths: string[]) => `${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ', …' : ''}`;

export function syncStep(host: Host, spec: SyncSpec, options: ResolvedPlanOptions): Step {
	const owner = `${options.aegirUser}:${options.aegirUser}`;
	const push = (dryRun: boolean, signal: AbortSignal): PushTreeOptions => ({
		source: `${spec.source.replace(/\/+$/, '')}/`,
		destination: spec.destination,
		exclude: spec.exclude,
		chown: owner,
		dryRun,
		signal,
	});
	const described = `rsync -az --delete --keep-dirlinks --omit-dir-times --chown=${owner} ${spec.source}/ to ${host.address}:${spec.destination}`;
	const failed = (what: string, result: {command: string; code: number; stderr: string}) =>
		new StepFailedError(`${what} failed (exit code ${result.code})`, {
			command: result.command,
			code: result.code,
			stderrTail: tail(result.stderr),
		});

	return {
		id: spec.id,
		title: spec.title,
		host: host.name,
		async check({transport, signal, facts}) {
			const problem = sourceProblem(options.localSources, spec.source);
			if (problem) return {state: 'fail', message: problem};

			// Only a dry run gets here before the packages step installed it: nothing to compare with yet.
			if (!facts.packages.rsync?.installed) {
				return {state: 'change', message: `copy all of ${spec.source} (rsync is not installed on the host yet)`, commands: [described]};
			}

			const result = await transport.pushTree(push(true, signal));
			if (result.code !== 0) throw failed('rsync --dry-run', result);
			if (result.changed.length === 0) return {state: 'ok', message: 'already in sync'};
			return {
				state: 'change',
				message: `update ${result.changed.length} path(s): ${shortList(result.changed)}`,
				commands: [described],
			};
		},
		async apply({transport, signal}) {
			const result = await transport.pushTree(push(false, signal));
			if (result.code !== 0) throw failed('rsync', result);
			if (result.changed.length === 0) return {status: 'ok', message: 'already in sync'};
			return {message: `${result.changed.length} path(s) updated: ${shortList(result.changed)}`};
		},
	};
}

/** The local config dir may live anywhere; on the web heads it is always where Aegir expects it. */
export function configSyncStep(host: Host, options: ResolvedPlanOptions): Step {
	return syncStep(
		host,
		{id: 'sync/config', title: `web server config ${DEFAULT_CONFIG_DIR}`, source: options.configDir, destination: DEFAULT_CONFIG_DIR},
		options,
	);
}

/** Platforms go into the exported directory; the marker must survive --delete. */
export function platformsSyncStep(host: Host, exportPath: string, options: ResolvedPlanOptions): Step {
	return syncStep(
		host,
		{
			id: 'sync/platforms',
			title: `platform and site code ${exportPath}`,
			source: options.platformsDir,
			destination: exportPath,
			exclude: [`/${MARKER_NAME}`],
		},
		options,
	);
}
