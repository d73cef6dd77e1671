// Check every host of a pack at once: one connection each, the facts read and
// the NFS service probed, then closed. A host that cannot be reached, or does
// not answer by its deadline, becomes an unreachable row: its work is
// abandoned (aborted, never awaited), so one hung host cannot hang status.
// Read-only: nothing here writes anywhere.

import {packHosts, type Host, type Pack} from '../pack/types.js';
import {gatherFacts} from '../plan/facts.js';
import {resolvePlanOptions, type PlanOptions} from '../plan/options.js';
import {packFiles} from '../plan/pack-files.js';
import {factsRequestFor} from '../plan/planner.js';
import type {FactsRequest} from '../plan/facts-script.js';
import type {Transport} from '../contracts/transport.js';
import {evaluateHealth, type HostObservation} from './evaluate.js';
import {probeNfsServer, probeNfsService} from './nfs-service.js';
import type {HealthReport} from './types.js';
import {CheckStoppedError, explainUnreachable, HostDeadlineError, type Unreachable} from './unreachable.js';

type FactsReadRequest = Omit<FactsRequest, 'nonce'>;

export const DEFAULT_HOST_TIMEOUT_MS = 15_000;

export type CheckPackOptions = {
	connect(host: Host): Promise<Transport>;
	/** How long one host may take, connect included, before it counts as unreachable. */
	hostTimeoutMs?: number;
	signal?: AbortSignal;
	now?: () => Date;
	/** File locations and Aegir's user, as the planner takes them. */
	planOptions?: PlanOptions;
	/** Why a host failed, in words (default: read from the SSH layer's errors). */
	explain?: (error: unknown, host: Host) => Unreachable;
};

export async function checkPackHealth(pack: Pack, options: CheckPackOptions): Promise<HealthReport> {
	const checkedAt = (options.now?.() ?? new Date()).toISOString();
	const planOptions = resolvePlanOptions(options.planOptions);
	const request = factsRequestFor(planOptions, pack, packFiles(pack, planOptions));
	const observations = await Promise.all(packHosts(pack).map(host => observeHost(pack, host, request, options)));
	return evaluateHealth(pack, observations, {checkedAt, ...(options.planOptions ? {planOptions: options.planOptions} : {})});
}

/** Settles with `work`, or rejects at the deadline or on abort, whichever comes first. */
function raceDeadline<T>(work: Promise<T>, deadline: number, signal: AbortSignal, host: Host): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		const seconds = Math.round((deadline - Date.now()) / 100) / 10;
		const timer = setTimeout(() => reject(new HostDeadlineError(`no answer within ${seconds} s`)), Math.max(0, deadline - Date.now()));
		const onAbort = () => reject(new CheckStoppedError(`check of ${host.name} stopped`));
		if (signal.aborted) onAbort();
		signal.addEventListener('abort', onAbort, {once: true});
		work.then(resolve, reject).finally(() => {
			clearTimeout(timer);
			signal.removeEventListener('abort', onAbort);
		});
	});
}

/** Close without waiting past `deadline`: a peer that never answers the goodbye cannot hold the report. */
async function closeBy(transport: Transport, deadline: number): Promise<void> {
	const closing = transport.close().catch(() => undefined);
	const left = deadline - Date.now();
	if (left <= 0) return;
	let timer: NodeJS.Timeout | undefined;
	await Promise.race([closing, new Promise<void>(resolve => (timer = setTimeout(resolve, left)))]);
	clearTimeout(timer);
}

async function observeHost(pack: Pack, host: Host, request: FactsReadRequest, options: CheckPackOptions): Promise<HostObservation> {
	const deadline = Date.now() + (options.hostTimeoutMs ?? DEFAULT_HOST_TIMEOUT_MS);
	const role = host.name === pack.nfsServer.name ? 'server' : 'client';
	// Aborted at the deadline (or by the caller): open channels are closed, late results dropped.
	const stop = new AbortController();
	const forward = () => stop.abort();
	options.signal?.addEventListener('abort', forward, {once: true});
	if (options.signal?.aborted) stop.abort();

	let transport: Transport | undefined;
	const work = (async () => {
		const opened = await options.connect(host);
		if (stop.signal.aborted) {
			// Connected after the deadline: nobody will use this connection.
			void opened.close().catch(() => undefined);
			throw new HostDeadlineError('answered too late');
		}

		transport = opened;
		const address = pack.nfsServer.address;
		const [facts, probed] = await Promise.all([
			gatherFacts(opened, request, stop.signal),
			role === 'server' ? probeNfsServer(opened, address, stop.signal) : probeNfsService(opened, role, address, stop.signal).then(service => ({service})),
		]);
		return {host, state: 'observed', facts, ...probed} satisfies HostObservation;
	})();
	// The late outcome of abandoned work must not surface as an unhandled rejection.
	work.catch(() => undefined);

	try {
		return await raceDeadline(work, deadline, stop.signal, host);
	} catch (error) {
		const explain = options.explain ?? explainUnreachable;
		return {host, state: 'unreachable', ...explain(error, host)};
	} finally {
		options.signal?.removeEventListener('abort', forward);
		stop.abort();
		if (transport) await closeBy(transport, deadline);
	}
}
