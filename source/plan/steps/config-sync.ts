// A web head's own web server config, as provision's sync leaves it: only
// server_<its name>/ (and the shared includes/) of this machine's config dir,
// rsynced as the aegir user with provision's options, then <app>.conf made on
// the head, as aegir, a link to its own server_<name>/<app>.conf. Nothing here
// for the head: nothing is sent (provision would delete the head's copy; we
// leave it). Before changing anything, what the web server runs is kept, so
// the reload step can put it back if the new config fails its test.

import type {Host} from '../../pack/types.js';
import {AEGIR_CONFIG_DIR, appsIn, configFilters, configPaths, headContext, ownLinkTarget, type WebApp} from '../../aegir/provision-layout.js';
import {commandLine} from '../../shell/quote.js';
import {RELOAD_PENDING_FILE, SNAPSHOT_SCRIPT, snapshotDir} from '../../shell/web-config-scripts.js';
import {sourceListing, sourceProblem} from '../local-sources.js';
import type {ResolvedPlanOptions} from '../options.js';
import type {Step} from '../step.js';
import {runAsRoot} from './run-command.js';
import {changeSummary, checkSync, compareSync, deletedPaths, deletionLines, describeSync, doneSummary, runSync, tooManyDeletions, type SyncJob} from './sync-run.js';
import {readWebConfigState, targetProblem, webConfigState, type WebConfigState} from './web-config-state.js';

export const CONFIG_SYNC_STEP = 'web/config-sync';

/** The host's listing of its own config in its facts (plan/sync-manifest.ts). */
export const CONFIG_TREE = 'config';

/** The web config state the web steps' checks read from the host's facts. */
export const WEB_CONFIG_READ = {dir: AEGIR_CONFIG_DIR, pending: RELOAD_PENDING_FILE};

/** The app whose <app>.conf link the head gets: the one its own directory has (both: the installed one, apache first). */
export function linkedApp(local: readonly WebApp[], installed: readonly WebApp[]): WebApp | undefined {
	if (local.length <= 1) return local[0];
	return local.find(app => installed.includes(app)) ?? local[0];
}

function linkIsRight(state: WebConfigState, context: string, app: WebApp): boolean {
	const entry = state.entries.find(candidate => candidate.name === `${app}.conf`);
	return entry?.type === 'link' && entry.target === ownLinkTarget(context, app);
}

export function configSyncStep(host: Host, options: ResolvedPlanOptions): Step {
	const context = headContext(host.name);
	const user = options.aegirUser;
	const title = `web server config ${AEGIR_CONFIG_DIR}/${context}`;

	/** The job, the app to link, or why nothing is sent. */
	const plan = () => {
		const listing = sourceListing(options.localSources, options.configDir);
		const paths = listing ? configPaths(listing.entries, context) : [];
		const job: SyncJob = {source: options.configDir, paths, destination: `${AEGIR_CONFIG_DIR}/`, filters: configFilters(context), delete: true, runAs: user};
		return {job, apps: listing ? appsIn(listing.entries, context) : []};
	};

	const linkCommand = (app: WebApp) => commandLine(['runuser', '-u', user, '--', 'ln', '-sfn', '--', ownLinkTarget(context, app), `${AEGIR_CONFIG_DIR}/${app}.conf`]);

	const {job: planned} = plan();

	return {
		id: CONFIG_SYNC_STEP,
		title,
		host: host.name,
		reads: {
			webConfig: WEB_CONFIG_READ,
			...(planned.paths.length > 0 ? {trees: [{key: CONFIG_TREE, dir: AEGIR_CONFIG_DIR, paths: planned.paths}]} : {}),
		},
		async check({transport, signal, facts}) {
			const problem = sourceProblem(options.localSources, options.configDir);
			if (problem) return {state: 'fail', message: problem};
			const {job, apps} = plan();
			if (job.paths.length === 0) {
				return {state: 'ok', message: `no ${options.configDir}/${context} here: nothing sent; ${host.name}'s own copy is left as it is (provision would delete it)`};
			}

			const state = webConfigState(facts) ?? (await readWebConfigState(transport, user, signal));
			const refused = targetProblem(AEGIR_CONFIG_DIR, state.dir, user);
			if (refused) return {state: 'fail', message: refused};
			const app = linkedApp(apps, state.installed);
			const conf = app && state.entries.find(entry => entry.name === `${app}.conf`);
			if (conf && conf.type === 'directory') return {state: 'fail', message: `${AEGIR_CONFIG_DIR}/${app}.conf is a directory: provision's link to ${ownLinkTarget(context, app)} cannot go there`};

			const commands = [describeSync(host.address, host.user, job, options.maxDelete), ...(app ? [linkCommand(app)] : [])];
			// Only a dry run gets here before the packages step installed it: nothing to compare with yet.
			if (!facts.packages.rsync?.installed) {
				return {state: 'change', message: `send ${job.paths.join(', ')} (rsync is not installed on the host yet)`, commands};
			}

			const items = await checkSync(transport, job, compareSync(options.localSources, facts, CONFIG_TREE, job), signal);
			const deletes = deletedPaths(AEGIR_CONFIG_DIR, items.deleted);
			if (deletes.length > options.maxDelete) {
				return {state: 'fail', message: tooManyDeletions(host.name, deletes.length, options.maxDelete), notice: deletionLines(host.name, deletes)};
			}
			const relink = app !== undefined && !linkIsRight(state, context, app);
			if (items.changed.length === 0 && items.deleted.length === 0 && !relink) {
				return {state: 'ok', message: app ? `in sync; ${app}.conf → ${context}/${app}.conf` : `in sync (no apache.conf or nginx.conf in ${context}: no link)`};
			}
			const parts = [changeSummary(items), relink ? `link ${app}.conf → ${context}/${app}.conf` : ''].filter(Boolean);
			return {state: 'change', message: parts.join('; '), commands, diff: deletionLines(host.name, deletes)};
		},
		async apply(stepContext) {
			const {transport, signal} = stepContext;
			const {job, apps} = plan();
			const state = await readWebConfigState(transport, user, signal);
			const app = linkedApp(apps, state.installed);
			// What the web server runs now, so the reload can put it back (only where there is a web server).
			if (state.installed.length > 0) {
				const snapshot = commandLine(['sh', '-c', SNAPSHOT_SCRIPT, 'aegir-pack', AEGIR_CONFIG_DIR, user, context, snapshotDir(stepContext.stamp), RELOAD_PENDING_FILE]);
				await runAsRoot(stepContext, snapshot, `keeping a copy of ${AEGIR_CONFIG_DIR}/${context}`);
			}
			const items = await runSync(transport, job, options.maxDelete, signal);
			const relink = app !== undefined && !linkIsRight(state, context, app);
			if (app !== undefined && relink) await runAsRoot(stepContext, linkCommand(app), `linking ${AEGIR_CONFIG_DIR}/${app}.conf`);
			const parts = [doneSummary(items), relink ? `${app}.conf → ${context}/${app}.conf` : ''].filter(Boolean);
			if (parts.length === 0) return {status: 'ok', message: 'already in sync'};
			return {message: parts.join('; '), diff: deletionLines(host.name, deletedPaths(AEGIR_CONFIG_DIR, items.deleted), true)};
		},
	};
}
