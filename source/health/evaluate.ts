// Pure: the pack and what was observed on each host in, the health report out.
// Every check reuses the planner's own reading of the facts (fstab edit, mount
// state, export problems, marker), so status and apply never disagree.

import {packHosts, type Host, type Pack} from '../pack/types.js';
import type {Facts} from '../plan/facts.js';
import {resolvePlanOptions, type PlanOptions} from '../plan/options.js';
import {healthChecksFor, situationOf} from '../plan/role-steps.js';
import {mountState} from '../plan/steps/nfs-client.js';
import {aegirCheck, expectedIds, idsOf} from './aegir-ids.js';
import {clientMarkerCheck, clientServiceCheck, fstabCheck, mountCheck, mountResponsiveCheck} from './client-checks.js';
import {exportCheck, serverDirectoryCheck, serverEnabledCheck, serverMarkerCheck, serverServiceCheck} from './server-checks.js';
import type {HealthCheck, HealthReport, HealthRow, ServiceObservation} from './types.js';
import type {Unreachable} from './unreachable.js';

export type HostObservation =
	| ({host: Host; state: 'observed'; facts: Facts} & ServiceObservation)
	| ({host: Host; state: 'unreachable'} & Unreachable);

export type EvaluateOptions = {checkedAt: string; planOptions?: PlanOptions};

const notApplicable = (id: string, label: string, why: string): HealthCheck => ({id, label, ok: null, detail: why});

function reachableCheck(ok: boolean, detail: string, fix?: string): HealthCheck {
	return {id: 'reachable', label: 'reachable', ok, detail, ...(fix === undefined ? {} : {fix})};
}

/** Every check id in the same order on every row, so columns line up and JSON is regular. */
function unreachableChecks(reason: string, fix: string): HealthCheck[] {
	const skipped = (id: string, label: string) => notApplicable(id, label, 'not checked: host not reachable');
	return [
		reachableCheck(false, reason, fix),
		skipped('aegir', 'aegir uid/gid'),
		skipped('export', 'export present'),
		skipped('nfs-enabled', 'NFS server enabled at boot'),
		skipped('nfs-service', 'NFS service answering'),
		skipped('fstab', 'fstab entry'),
		skipped('mount', 'mounted from the server'),
		skipped('responsive', 'mount responsive'),
		skipped('marker', 'marker round trip'),
	];
}

export function problemsOf(checks: readonly HealthCheck[]): string[] {
	return checks.filter(check => check.ok === false).map(check => (check.fix ? `${check.detail} — ${check.fix}` : check.detail));
}

export function evaluateHealth(pack: Pack, observations: readonly HostObservation[], options: EvaluateOptions): HealthReport {
	const planOptions = resolvePlanOptions(options.planOptions);
	const observed = observations.flatMap(observation => (observation.state === 'observed' ? [idsOf(observation.facts)] : []));
	const expected = expectedIds(pack, observed);
	const byName = new Map(observations.map(observation => [observation.host.name, observation]));

	const rows = packHosts(pack).map((host): HealthRow => {
		// What this host is in the pack, and so which checks answer for it, from the same list the planner reads.
		const at = situationOf(pack, host, planOptions);
		const applies = healthChecksFor(at);
		const roles = at.roles;
		const observation = byName.get(host.name) ?? {host, state: 'unreachable', reason: 'not checked', fix: 'check again'};
		if (observation.state === 'unreachable') {
			const checks = unreachableChecks(observation.reason, observation.fix);
			return {host: host.name, address: host.address, roles, reachable: false, checks, problems: problemsOf(checks)};
		}

		const {facts, service, unit} = observation;
		const {isServer, isClient} = at;
		const state = mountState(facts, pack);
		const checks: HealthCheck[] = [
			reachableCheck(true, `logged in, state read (${facts.hostname || host.name})`),
			aegirCheck(facts, expected, planOptions.aegirUser),
			applies.has('export') ? exportCheck(host, pack, facts) : notApplicable('export', 'export present', `not the NFS server (${pack.nfsServer.name} is)`),
			applies.has('nfs-enabled') ? serverEnabledCheck(host, unit) : notApplicable('nfs-enabled', 'NFS server enabled at boot', `not the NFS server (${pack.nfsServer.name} is)`),
			isServer ? serverServiceCheck(host, service, unit) : clientServiceCheck(host, pack, service),
			applies.has('fstab') ? fstabCheck(pack, facts, planOptions.fstabPath) : notApplicable('fstab', 'fstab entry', 'the NFS server does not mount the share'),
			applies.has('mount') ? mountCheck(host, pack, state) : notApplicable('mount', 'mounted from the server', 'the NFS server does not mount the share'),
			isClient ? mountResponsiveCheck(host, pack, facts, state) : serverDirectoryCheck(pack, facts),
			isClient ? clientMarkerCheck(host, pack, state) : serverMarkerCheck(pack, facts),
		];
		const nfsService = isServer && unit ? {nfsService: {enabled: unit.enabled, active: unit.active, answering: service.state === 'answering'}} : {};
		return {host: host.name, address: host.address, roles, reachable: true, aegir: idsOf(facts), ...nfsService, checks, problems: problemsOf(checks)};
	});

	return {
		pack: pack.name,
		checkedAt: options.checkedAt,
		...(pack.record?.lastAppliedAt === undefined ? {} : {lastAppliedAt: pack.record.lastAppliedAt}),
		healthy: rows.every(row => row.problems.length === 0),
		rows,
	};
}
