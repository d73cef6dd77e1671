// Platform and site code to the pack's master only, as provision pushes it to
// a pack's masters: each platform without its sites (drush's exclude-sites),
// and each site without the contents of its files/ and private/, in one rsync
// run as the aegir user. What users uploaded is never sent, overwritten or
// deleted there (an excluded path is never deleted); owners, groups and modes
// arrive as this machine has them (no --chown), which needs aegir in the web
// server's group on the master. A platform only the master has is left as it is.

import type {Host, Pack} from '../../pack/types.js';
import {codeFilters, unsafeForFilter} from '../../aegir/provision-layout.js';
import {sourceListing, sourceProblem, type LocalDirectory} from '../local-sources.js';
import type {ResolvedPlanOptions} from '../options.js';
import {MARKER_NAME} from '../pack-files.js';
import type {Step} from '../step.js';
import {mountState} from './nfs-client.js';
import {changeSummary, checkSync, compareSync, deletedPaths, deletionLines, describeSync, doneSummary, runSync, tooManyDeletions, type SyncJob} from './sync-run.js';
import {codeTargetState, readCodeTargetState, targetProblem} from './web-config-state.js';

export const CODE_SYNC_STEP = 'web/code-sync';

/** The host's listing of the code destination in its facts (plan/sync-manifest.ts). */
export const CODE_TREE = 'code';

/** The web server's group: settings.php and the sites' files/ and private/ belong to it. */
export const WEB_GROUP = 'www-data';

/** The platforms (top-level directories) and sites of a local listing, or why they cannot be sent. */
export function codeOf(listing: Extract<LocalDirectory, {state: 'directory'}>): {platforms: string[]; sites: string[]} | {problem: string} {
	const platforms = listing.entries.filter(entry => entry.type === 'directory' && !entry.path.includes('/') && !entry.path.startsWith('.')).map(entry => entry.path);
	const unsafe = [...platforms, ...listing.sites].find(unsafeForFilter);
	if (unsafe !== undefined) return {problem: `${JSON.stringify(unsafe)} has characters rsync reads as a pattern (* ? [ ] \\): rename it, or sync it by hand`};
	const sites = listing.sites.filter(site => platforms.includes(site.split('/')[0]!));
	return {platforms: platforms.sort(), sites};
}

export function codeSyncStep(host: Host, pack: Pack, options: ResolvedPlanOptions): Step {
	const user = options.aegirUser;
	const destination = pack.exportPath;

	const job = (platforms: string[], sites: string[]): SyncJob => ({
		source: options.platformsDir,
		paths: platforms,
		destination: `${destination}/`,
		filters: codeFilters(sites),
		delete: true,
		runAs: user,
	});

	/** What is there, and not here: provision would delete it; we leave it, and say so. */
	const leftNote = (onHost: string[], platforms: string[]) => {
		const only = onHost.filter(name => !platforms.includes(name) && name !== MARKER_NAME && !name.includes('.aegir-pack-moved-'));
		return only.length > 0 ? ` (${only.join(', ')}: not here, left as is on ${host.name})` : '';
	};

	// What the check compares, read in the host's facts: the destination's state and the platforms' listing.
	const listing = sourceListing(options.localSources, options.platformsDir);
	const planned = listing ? codeOf(listing) : undefined;
	const platforms = planned && 'platforms' in planned ? planned.platforms : [];

	return {
		id: CODE_SYNC_STEP,
		title: `platform and site code ${destination}`,
		host: host.name,
		reads: {
			codeTarget: {dir: destination, group: WEB_GROUP},
			...(platforms.length > 0 ? {trees: [{key: CODE_TREE, dir: destination, paths: platforms}]} : {}),
		},
		async check({transport, signal, facts, dryRun}) {
			const problem = sourceProblem(options.localSources, options.platformsDir);
			if (problem) return {state: 'fail', message: problem};
			const code = codeOf(sourceListing(options.localSources, options.platformsDir)!);
			if ('problem' in code) return {state: 'fail', message: code.problem};
			if (code.platforms.length === 0) return {state: 'ok', message: `no platform directory in ${options.platformsDir}: nothing sent`};
			// A dry run on a master that does not mount the share yet: what is there now is the directory
			// the mount will cover (moved aside first), not where the code will go.
			if (dryRun && host.name !== pack.nfsServer.name && mountState(facts, pack).kind !== 'pack') {
				const sync = job(code.platforms, code.sites);
				const what = `${code.platforms.length} platform(s) (${code.sites.length} site(s), without their files/ and private/)`;
				return {state: 'change', message: `send ${what} once the share is mounted here`, commands: [describeSync(host.address, host.user, sync, options.maxDelete)]};
			}

			const state = codeTargetState(facts) ?? (await readCodeTargetState(transport, destination, user, WEB_GROUP, signal));
			const refused = targetProblem(destination, state.dir, user);
			if (refused) return {state: 'fail', message: refused};
			if (code.sites.length > 0 && !state.member) {
				return {
					state: 'fail',
					message:
						`${user} is not in group ${WEB_GROUP} on ${host.name}: settings.php and the sites' files/ would arrive without their group, ` +
						`and the web server could not read them. Add it (usermod -aG ${WEB_GROUP} ${user}, as Aegir requires; --aegir-prerequisites does it), then run again`,
				};
			}

			const sync = job(code.platforms, code.sites);
			const commands = [describeSync(host.address, host.user, sync, options.maxDelete)];
			const what = `${code.platforms.length} platform(s) (${code.sites.length} site(s), without their files/ and private/)`;
			// A dry run on a fresh host: no rsync yet, or the shared directory is made by an earlier step.
			if (!facts.packages.rsync?.installed || state.dir.state === 'missing') return {state: 'change', message: `send ${what}`, commands};

			const items = await checkSync(transport, sync, compareSync(options.localSources, facts, CODE_TREE, sync), signal);
			const deletes = deletedPaths(destination, items.deleted);
			if (deletes.length > options.maxDelete) {
				return {state: 'fail', message: tooManyDeletions(host.name, deletes.length, options.maxDelete), notice: deletionLines(host.name, deletes)};
			}
			const left = leftNote(state.entries, code.platforms);
			if (items.changed.length === 0 && items.deleted.length === 0) return {state: 'ok', message: `in sync: ${what}${left}`};
			return {state: 'change', message: `${changeSummary(items)}${left}`, commands, diff: deletionLines(host.name, deletes)};
		},
		async apply({transport, signal}) {
			const code = codeOf(sourceListing(options.localSources, options.platformsDir)!);
			if ('problem' in code) throw new Error(code.problem);
			const items = await runSync(transport, job(code.platforms, code.sites), options.maxDelete, signal);
			if (items.changed.length === 0 && items.deleted.length === 0) return {status: 'ok', message: 'already in sync'};
			return {message: doneSummary(items), diff: deletionLines(host.name, deletedPaths(destination, items.deleted), true)};
		},
	};
}
