// Pack in, plan out: per host, the ordered steps that make the pack so (the
// list of what each role gets is ./role-steps.ts). Pure: no connection, no
// clock, no local disk; the runner brings those.

import {packHosts, type Pack} from '../pack/types.js';
import {CLUSTER_SLAVE_PACKAGE} from './cluster-slave-fstab.js';
import {gatherFacts} from './facts.js';
import type {FactsReads, FactsRequest} from './facts-script.js';
import {resolvePlanOptions, type PlanOptions, type ResolvedPlanOptions} from './options.js';
import {packFiles, type PackFiles} from './pack-files.js';
import {situationOf, stepsFor, withAegirHost, type PlanInput} from './role-steps.js';
import {aegirNotes} from './steps/aegir-verify.js';
import type {HostPlan, Plan, Step} from './step.js';
import {localHostNames} from './this-machine.js';
import type {Host} from '../pack/types.js';

function notesFor(pack: Pack, options: ResolvedPlanOptions): string[] {
	const notes: string[] = [];
	for (const name of localHostNames(packHosts(pack), options.thisMachine)) notes.push(`${name} is this machine: nothing is rsynced to it`);
	if (options.aegirMode) {
		notes.push('Aegir runs here: its own verify brings config and code to the heads (the Aegir pane); aegir-pack rsyncs nothing');
		notes.push(...aegirNotes(pack, options, [pack.master, ...pack.slaves].map(host => host.name)));
	}

	return notes;
}

/** What every host's facts read: the same for every plan of this pack (apply, add, remove). */
export function factsRequestFor(options: ResolvedPlanOptions, pack: Pack, files: PackFiles): Omit<FactsRequest, 'nonce'> {
	return {
		user: options.aegirUser,
		sharedPath: pack.exportPath,
		fstabPath: files.fstab,
		dropInPath: files.dropIn,
		markerPath: files.marker,
		packages: ['nfs-kernel-server', 'nfs-common', 'rsync', CLUSTER_SLAVE_PACKAGE],
	};
}

/** Everything the steps ask the facts to read for them (the same state asked twice is read once). */
export function readsOf(steps: readonly Step[]): FactsReads | undefined {
	const reads: FactsReads = {};
	for (const step of steps) {
		if (!step.reads) continue;
		reads.webConfig ??= step.reads.webConfig;
		reads.codeTarget ??= step.reads.codeTarget;
		reads.nfsServer ??= step.reads.nfsServer;
		reads.serverAnswers ??= step.reads.serverAnswers;
		for (const tree of step.reads.trees ?? []) if (!reads.trees?.some(known => known.key === tree.key)) (reads.trees ??= []).push(tree);
	}
	return Object.values(reads).some(value => value !== undefined) ? reads : undefined;
}

/** One host of a plan: its steps, and the one batched read of the facts its checks need. */
export function hostPlanOf(input: Pick<PlanInput, 'pack' | 'options' | 'files'>, host: Host, steps: Step[]): HostPlan {
	const reads = readsOf(steps);
	const request = {...factsRequestFor(input.options, input.pack, input.files), ...(reads ? {reads} : {})};
	return {
		host,
		roles: situationOf(input.pack, host, input.options).roles,
		steps,
		gatherFacts: (transport, signal) => gatherFacts(transport, request, signal),
	};
}

export function planPack(pack: Pack, planOptions: PlanOptions = {}): Plan {
	const options = resolvePlanOptions(planOptions);
	const hosts = packHosts(pack);
	const input: PlanInput = {pack, options, files: packFiles(pack, options), hosts};
	const hostPlans = hosts.map(host => hostPlanOf(input, host, stepsFor(input, situationOf(pack, host, options), 'apply')));
	return {packName: pack.name, hosts: withAegirHost(input, hostPlans), notes: notesFor(pack, options)};
}
