// One rsync job of a sync step, run as a check (--dry-run: what would change,
// every path it would delete) and as the real thing (--max-delete as a safety
// net). Deletions are listed path by path: the review's Details and --dry-run
// show them under the step, the host log keeps them. A check first compares
// the manifests (this machine's listing, the host's from its facts): when
// they agree nothing would change or be deleted, and no rsync (no ssh
// handshake) runs; otherwise the rsync --dry-run says what, as before.

import {StepFailedError, tail} from '../../contracts/command-error.js';
import type {PushTreeOptions, PushTreeResult, Transport} from '../../contracts/transport.js';
import {commandLine} from '../../shell/quote.js';
import {receiverCommand, RSYNC_MODE, syncFilterRules} from '../../shell/rsync-argv.js';
import type {Facts} from '../facts.js';
import {sourceListing, type LocalSources} from '../local-sources.js';
import {compareManifests, type ManifestComparison} from '../sync-manifest.js';

export type SyncJob = Omit<PushTreeOptions, 'dryRun' | 'maxDelete' | 'onOutput' | 'signal'>;

export type SyncItems = {changed: string[]; deleted: string[]};

const shortList = (paths: string[]) => `${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ', …' : ''}`;

function failed(what: string, result: PushTreeResult): StepFailedError {
	return new StepFailedError(`${what} failed (exit code ${result.code})`, {command: result.command, code: result.code, stderrTail: tail(result.stderr)});
}

/**
 * The job compared without rsync: this machine's listing of its source
 * against the host's listing `key` in the facts. Not `same` when either is
 * missing (rsync then decides).
 */
export function compareSync(localSources: LocalSources, facts: Facts, key: string, job: SyncJob): ManifestComparison {
	const local = sourceListing(localSources, job.source)?.tree;
	const remote = facts.reads?.trees?.[key];
	const receiver = facts.reads?.receiver;
	if (local?.state !== 'listed') return {same: false, reason: `no listing of ${job.source} here`};
	if (remote?.state !== 'listed') return {same: false, reason: remote?.state === 'unreadable' ? `the host's listing failed: ${remote.reason}` : 'no listing from the host'};
	if (!receiver) return {same: false, reason: 'the receiving user\'s groups are unknown'};
	return compareManifests({local: local.entries, remote: remote.entries, paths: job.paths, filters: syncFilterRules(job.filters), receiver, deletes: job.delete ?? false});
}

/** What a check says the job would change: nothing when the manifests agree, else what rsync --dry-run lists. */
export async function checkSync(transport: Transport, job: SyncJob, comparison: ManifestComparison, signal: AbortSignal): Promise<SyncItems> {
	if (comparison.same) return {changed: [], deleted: []};
	return dryRunSync(transport, job, signal);
}

/** What the job would change; throws when rsync fails. */
export async function dryRunSync(transport: Transport, job: SyncJob, signal: AbortSignal): Promise<SyncItems> {
	const result = await transport.pushTree({...job, dryRun: true, signal});
	if (result.code !== 0) throw failed('rsync --dry-run', result);
	return {changed: result.changed.filter(path => !result.deleted.includes(path)), deleted: result.deleted};
}

/** Run the job; rsync stops deleting past `maxDelete` (exit 25), which fails the step. */
export async function runSync(transport: Transport, job: SyncJob, maxDelete: number, signal: AbortSignal): Promise<SyncItems> {
	const result = await transport.pushTree({...job, maxDelete, signal});
	if (result.code === 25) {
		throw new StepFailedError(`rsync stopped deleting at the --max-delete limit (${maxDelete}): more paths to delete than the check saw; run again to see them`, {
			command: result.command,
			code: result.code,
			stderrTail: tail(result.stderr),
		});
	}
	if (result.code !== 0) throw failed('rsync', result);
	return {changed: result.changed.filter(path => !result.deleted.includes(path)), deleted: result.deleted};
}

/** Full paths on the host of what rsync (would) delete, sorted (rsync lists them deepest first). */
export function deletedPaths(destination: string, deleted: readonly string[]): string[] {
	const base = destination.replace(/\/+$/, '');
	return deleted.map(path => `${base}/${path.replace(/\/$/, '')}`).sort();
}

/** One line per path, shown under the step (dry run and Details) and kept in the host log. */
export function deletionLines(host: string, paths: readonly string[], done = false): string | undefined {
	if (paths.length === 0) return undefined;
	return `${paths.map(path => `${done ? 'deleted' : 'would delete'} on ${host}: ${path}`).join('\n')}\n`;
}

/** The check's refusal when a sync would delete more than the limit. */
export function tooManyDeletions(host: string, count: number, limit: number): string {
	return (
		`would delete ${count} path(s) on ${host} (listed), more than --max-delete ${limit}: ` +
		`look at the list, then run again with --max-delete ${count} if that is right`
	);
}

/** What a check says would change. */
export function changeSummary(items: SyncItems): string {
	const parts: string[] = [];
	if (items.changed.length > 0) parts.push(`update ${items.changed.length} path(s): ${shortList(items.changed)}`);
	if (items.deleted.length > 0) parts.push(`delete ${items.deleted.length} (listed)`);
	return parts.join('; ');
}

/** What an apply says it did. */
export function doneSummary(items: SyncItems): string {
	const parts: string[] = [];
	if (items.changed.length > 0) parts.push(`${items.changed.length} path(s) updated: ${shortList(items.changed)}`);
	if (items.deleted.length > 0) parts.push(`${items.deleted.length} deleted`);
	return parts.join('; ');
}

/** The job as a sysadmin reads it (for --dry-run): rsync's own flags, without the ssh details. */
export function describeSync(host: string, loginUser: string, job: SyncJob, maxDelete: number): string {
	const argv = [
		'rsync',
		RSYNC_MODE,
		...syncFilterRules(job.filters).map(filter => `--${filter.rule}=${filter.pattern}`),
		'--relative',
		'--keep-dirlinks',
		'--omit-dir-times',
		...(job.delete ? ['--delete', `--max-delete=${maxDelete}`] : []),
		`--rsync-path=${receiverCommand(loginUser, job.runAs)}`,
		...job.paths.map(path => `${job.source.replace(/\/+$/, '')}/./${path}`),
		`${host}:${job.destination}`,
	];
	return commandLine(argv);
}
