// Pack in, plan out: per host, the ordered steps that make the pack so. Pure:
// no connection, no clock; the runner brings those.

import {nfsClients, packHosts, type Host, type Pack} from '../pack/types.js';
import type {HostRole} from '../contracts/roles.js';
import {dropInPath} from './exports-file.js';
import {gatherFacts} from './facts.js';
import {resolvePlanOptions, type PlanOptions, type ResolvedPlanOptions} from './options.js';
import type {HostPlan, Plan, Step} from './step.js';
import {packagesStep} from './steps/packages.js';
import {accessStep, aegirStep, diskStep, idGateStep, systemStep} from './steps/preflight.js';
import {exportDirectoryStep, exportStep, exportsFileStep, markerPath, markerStep} from './steps/nfs-server.js';
import {fstabStep, mountPointStep, mountStep} from './steps/nfs-client.js';
import {configSyncStep, platformsSyncStep} from './steps/sync.js';
import {aegirAccountSteps, aegirPrerequisiteSteps} from './steps/aegir-prerequisites.js';
import {AegirPrerequisiteState} from './steps/aegir-state.js';

/** Packages a host needs: the NFS server's, a client's, and rsync on web nodes that receive a sync. */
export function packagesFor(isServer: boolean, isClient: boolean, receivesSync: boolean): string[] {
	const packages: string[] = [];
	if (isServer) packages.push('nfs-kernel-server');
	if (isClient) packages.push('nfs-common');
	if (receivesSync) packages.push('rsync');
	return packages;
}

export function rolesOf(pack: Pack, host: Host): HostRole[] {
	const roles: HostRole[] = [];
	if (host.name === pack.nfsServer.name) roles.push('nfs-server');
	if (host.name === pack.master.name) roles.push('master');
	if (pack.slaves.some(slave => slave.name === host.name)) roles.push('slave');
	return roles;
}

function hostSteps(pack: Pack, host: Host, hosts: Host[], options: ResolvedPlanOptions, aegir?: AegirPrerequisiteState): Step[] {
	const roles = rolesOf(pack, host);
	const isServer = roles.includes('nfs-server');
	const isClient = nfsClients(pack).some(client => client.name === host.name);
	const isWebNode = roles.includes('master') || roles.includes('slave');
	const isLocal = options.localHostNames.includes(host.name);
	const receivesSync = isWebNode && !isLocal;
	// Platforms reach the master by rsync only when nothing else provides them:
	// not when it is this machine, and not when it mounts the share.
	const syncsPlatforms = roles.includes('master') && !isLocal && isServer;

	// Aegir's prerequisites are for its web servers: the heads, not a separate NFS server.
	const aegirHere = aegir && isWebNode ? aegir : undefined;
	const account = aegirHere ? aegirAccountSteps(host, aegirHere) : [aegirStep(host, options)];
	const steps: Step[] = [accessStep(host), systemStep(host), diskStep(host, options), ...account, idGateStep(host, hosts, options)];
	const packages = packagesFor(isServer, isClient, receivesSync);
	if (packages.length > 0) steps.push(packagesStep(host, packages, options));
	if (isServer) {
		steps.push(
			exportDirectoryStep(host, pack, options),
			markerStep(host, pack),
			exportsFileStep(host, pack, options),
			exportStep(host, pack),
		);
	}

	if (isClient) steps.push(mountPointStep(host, pack, options), fstabStep(host, pack, options), mountStep(host, pack));
	if (receivesSync) steps.push(configSyncStep(host, options));
	if (syncsPlatforms) steps.push(platformsSyncStep(host, pack.exportPath, options));
	if (aegirHere) steps.push(...aegirPrerequisiteSteps(host, aegirHere));
	return steps;
}

function notesFor(pack: Pack, options: ResolvedPlanOptions): string[] {
	const notes: string[] = [];
	for (const name of options.localHostNames) {
		if (packHosts(pack).some(host => host.name === name)) notes.push(`${name} is this machine: nothing is rsynced to it`);
	}

	if (pack.master.name !== pack.nfsServer.name) {
		notes.push(`platform code is not rsynced to ${pack.master.name}: it mounts ${pack.exportPath} from ${pack.nfsServer.name}`);
	}

	return notes;
}

/** What every host's facts read: the same for every plan of this pack (apply, add, remove). */
export function factsRequestFor(pack: Pack, options: ResolvedPlanOptions) {
	return {
		user: options.aegirUser,
		sharedPath: pack.exportPath,
		fstabPath: options.fstabPath,
		dropInPath: dropInPath(options.exportsDir, pack.name),
		markerPath: markerPath(pack.exportPath),
		packages: ['nfs-kernel-server', 'nfs-common', 'rsync'],
	};
}

export function planPack(pack: Pack, planOptions: PlanOptions = {}): Plan {
	const options = resolvePlanOptions(planOptions);
	const hosts = packHosts(pack);
	const factsRequest = factsRequestFor(pack, options);
	const aegir = options.aegirPrerequisites ? new AegirPrerequisiteState(pack, options, options.aegirPrerequisites) : undefined;
	const hostPlans: HostPlan[] = hosts.map(host => ({
		host,
		roles: rolesOf(pack, host),
		steps: hostSteps(pack, host, hosts, options, aegir),
		gatherFacts: (transport, signal) => gatherFacts(transport, factsRequest, signal),
	}));
	return {packName: pack.name, hosts: hostPlans, notes: notesFor(pack, options)};
}
