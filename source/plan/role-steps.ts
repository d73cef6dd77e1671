// The one list of what a host gets for its roles in a pack: each concern (the
// preflight, the packages, the NFS server with its seed and service, the NFS
// client, Aegir's prerequisites, how config and code arrive, the web server)
// says which hosts it is for, the steps it plans in each flow (a whole-pack
// apply, a new slave of add-slave, the NFS server widening its export), a few
// words for the review, and which status checks answer for it. The planners,
// both reviews and status all read this list. With Aegir on this machine,
// config and code arrive by Aegir's own verify: the Aegir pane (withAegirHost) follows the hosts.

import type {HostRole} from '../contracts/roles.js';
import {nfsClients, type Host, type Pack, type PackFields} from '../pack/types.js';
import type {ResolvedPlanOptions} from './options.js';
import type {PackFiles} from './pack-files.js';
import {recordGateStep} from './reruns/record-gate.js';
import type {HostPlan, Step, StepRef} from './step.js';
import {aegirHostPlan} from './steps/aegir-verify.js';
import {aegirAccountSteps, aegirPrerequisiteSteps} from './steps/aegir-prerequisites.js';
import {fstabStep, mountPointStep, mountStep} from './steps/nfs-client.js';
import {exportDirectoryStep, exportStep, exportsFileStep, markerStep} from './steps/nfs-server.js';
import {nfsServiceStep, serverAnswersStep, serviceStepRef} from './steps/nfs-service.js';
import {seedStep, seedStepRef} from './steps/seed.js';
import {packagesStep} from './steps/packages.js';
import {accessStep, aegirStep, diskStep, GATE_STEP, idGateStep, systemStep} from './steps/preflight.js';
import {CODE_SYNC_STEP, codeSyncStep} from './steps/code-sync.js';
import {CONFIG_SYNC_STEP, configSyncStep} from './steps/config-sync.js';
import {staleConfigStep} from './steps/stale-config.js';
import {WEB_RELOAD_STEP, webReloadStep} from './steps/web-reload.js';
import {MOUNT_STEP} from './steps/nfs-client.js';
import {isThisMachine} from './this-machine.js';

/** apply: a whole pack; add-slave: a new slave joining; widen: the NFS server opening its export to new slaves. */
export type Flow = 'apply' | 'add-slave' | 'widen';

/** What a host is in the pack, worked out once and read by every concern. */
export type Situation = {
	host: Host;
	roles: HostRole[];
	isServer: boolean;
	isClient: boolean;
	/** The master or a slave (Aegir's web servers), not a separate NFS server. */
	isWebHead: boolean;
	/** The machine running the tool: it already holds the code and config, nothing is rsynced to it. */
	isLocal: boolean;
	/** Web heads other than this machine get the web server config. */
	receivesSync: boolean;
	/** Platform code reaches the master by rsync (into the share it serves or mounts) unless it is this machine. */
	syncsPlatforms: boolean;
};

/** Everything a concern needs to plan, computed once per run. */
export type PlanInput = {
	pack: Pack;
	options: ResolvedPlanOptions;
	files: PackFiles;
	/** Every host of the pack (the uid/gid gate compares them all). */
	hosts: Host[];
	/** add-slave: the new slaves (their uid/gid gate), the pack's record, and the export step they wait for when it widens. */
	newSlaves?: Host[];
	exportRef?: StepRef;
};

export function rolesOf(pack: PackFields, host: Host): HostRole[] {
	const roles: HostRole[] = [];
	if (host.name === pack.nfsServer.name) roles.push('nfs-server');
	if (host.name === pack.master.name) roles.push('master');
	if (pack.slaves.some(slave => slave.name === host.name)) roles.push('slave');
	return roles;
}

export function situationOf(pack: PackFields, host: Host, options: Pick<ResolvedPlanOptions, 'thisMachine'>): Situation {
	const roles = rolesOf(pack, host);
	const isServer = roles.includes('nfs-server');
	const isClient = nfsClients(pack).some(client => client.name === host.name);
	const isWebHead = roles.includes('master') || roles.includes('slave');
	const isLocal = isThisMachine(host, options.thisMachine);
	return {
		host,
		roles,
		isServer,
		isClient,
		isWebHead,
		isLocal,
		receivesSync: isWebHead && !isLocal,
		syncsPlatforms: roles.includes('master') && !isLocal,
	};
}

/** Packages a host needs: the NFS server's, a client's, and rsync on web heads that receive a sync. */
export function packagesOf(at: Pick<Situation, 'isServer' | 'isClient' | 'receivesSync'>): string[] {
	const packages: string[] = [];
	if (at.isServer) packages.push('nfs-kernel-server');
	if (at.isClient) packages.push('nfs-common');
	if (at.receivesSync) packages.push('rsync');
	return packages;
}

type Concern = {
	id: string;
	/** The steps of this concern for this host in this flow ([] when it does not apply). */
	steps(input: PlanInput, at: Situation, flow: Flow): Step[];
	/** A few words for the review of what such a host gets. */
	review?(at: Situation, input?: Pick<PlanInput, 'options'>): string[];
	/** The status checks (source/health) that answer for this concern on such a host. */
	health?(at: Situation): string[];
};

/** Aegir's prerequisites are for its web servers: the heads, not a separate NFS server. */
const checksAegir = (input: Pick<PlanInput, 'options'>, at: Situation) => input.options.aegirPrerequisites && at.isWebHead;

const CONCERNS: readonly Concern[] = [
	{
		id: 'preflight',
		steps(input, at, flow) {
			const {host} = at;
			if (flow === 'widen') return [accessStep(host)];
			const account = checksAegir(input, at) ? aegirAccountSteps(host, input.options.aegirUser) : [aegirStep(host, input.options)];
			const gate = flow === 'add-slave' ? recordGateStep(host, input.newSlaves ?? [host], input.pack.record, input.options) : idGateStep(host, input.hosts, input.options);
			return [accessStep(host), systemStep(host), diskStep(host, input.options), ...account, gate];
		},
		health: () => ['reachable', 'aegir'],
	},
	{
		id: 'packages',
		steps(input, at, flow) {
			if (flow === 'widen') return [];
			const packages = packagesOf(at);
			return packages.length > 0 ? [packagesStep(at.host, packages, input.options)] : [];
		},
		review: at => packagesOf(at),
	},
	{
		id: 'nfs-server',
		steps(input, at, flow) {
			if (!at.isServer) return [];
			const {host} = at;
			if (flow === 'widen') {
				// Every new slave must pass the uid/gid gate before the export opens to it.
				const gates: StepRef[] = (input.newSlaves ?? []).map(slave => ({host: slave.name, id: GATE_STEP}));
				return [{...exportsFileStep(host, input.pack, input.files), dependsOn: gates}, exportStep(host, input.pack, input.options), nfsServiceStep(host, input.pack)];
			}
			if (flow === 'add-slave') return [];
			return [
				exportDirectoryStep(host, input.pack, input.options),
				// Before the marker and the export: no client ever mounts a half-seeded share.
				seedStep(host, input.pack, input.options),
				markerStep(host, input.pack, input.files, input.options),
				exportsFileStep(host, input.pack, input.files),
				exportStep(host, input.pack, input.options),
				nfsServiceStep(host, input.pack),
			];
		},
		review: at => (at.isServer ? ['exports the share', ...(at.roles.includes('master') ? [] : ['seeds it first when empty'])] : []),
		health: at => (at.isServer ? ['export', 'nfs-enabled', 'nfs-service', 'responsive', 'marker'] : []),
	},
	{
		id: 'nfs-client',
		steps(input, at, flow) {
			if (!at.isClient || flow === 'widen') return [];
			const {host} = at;
			const mount = mountStep(host, input.pack, input.options);
			// In add-slave, the server's export step is in the plan only when the export changes; otherwise it already serves.
			const waited = flow === 'add-slave' ? {...mount, dependsOn: input.exportRef ? [input.exportRef] : undefined} : mount;
			// The server's service step is in the plan on a whole-pack apply, and in add-slave only when the export widens.
			const serverInPlan = flow === 'apply' || input.exportRef !== undefined;
			const answers = serverAnswersStep(host, input.pack, serverInPlan ? serviceStepRef(input.pack) : undefined);
			// The master's own copy is moved aside only once the share holds it (the NFS server's seed).
			const mountPoint = mountPointStep(host, input.pack, input.options);
			const seeded = flow === 'apply' && at.roles.includes('master') ? {...mountPoint, dependsOn: [seedStepRef(input.pack)]} : mountPoint;
			return [seeded, fstabStep(host, input.pack, input.options), answers, waited];
		},
		review: at => (at.isClient ? ['mount', 'fstab entry'] : []),
		health: at => (at.isClient ? ['nfs-service', 'fstab', 'mount', 'responsive', 'marker'] : []),
	},
	{
		id: 'aegir-prerequisites',
		steps: (input, at, flow) => (flow !== 'widen' && checksAegir(input, at) ? aegirPrerequisiteSteps(at.host) : []),
		review: (at, input) => (input && checksAegir(input, at) ? ['Aegir prerequisites'] : []),
	},
	{
		// Without Aegir here, the tool does what provision's sync would (with Aegir, its verify does).
		id: 'sync',
		steps(input, at, flow) {
			// With Aegir here, Aegir's own verify moves config and code (the Aegir pane): the tool rsyncs nothing.
			if (flow === 'widen' || input.options.aegirMode) return [];
			const steps: Step[] = [];
			if (at.syncsPlatforms && flow === 'apply') {
				// Into the share: the master serves it (its directory exists) or mounts it.
				const share: StepRef = at.isServer ? {host: at.host.name, id: 'nfs-server/directory'} : {host: at.host.name, id: MOUNT_STEP};
				steps.push({...codeSyncStep(at.host, input.pack, input.options), dependsOn: [share]});
			}
			if (at.receivesSync) steps.push(configSyncStep(at.host, input.options));
			return steps;
		},
		// How config and code arrive: Aegir's own verify when Aegir runs here, else the tool's rsync.
		review(at, input) {
			if (input?.options.aegirMode) return at.isWebHead ? ['Aegir verify'] : [];
			return [...(at.receivesSync ? ['config sync'] : []), ...(at.syncsPlatforms ? ['code sync'] : [])];
		},
	},
	{
		// After the head's web server config changed: tested and reloaded (whoever changed it: the sync, an
		// Aegir prerequisite fix), then what an earlier version copied removed (with Aegir here, Aegir re-points first).
		id: 'web',
		steps(input, at, flow) {
			if (flow === 'widen' || !at.receivesSync) return [];
			const {host} = at;
			const master = situationOf(input.pack, input.pack.master, input.options);
			// A slave's vhosts include the platform code it sees through the share: the master's copy comes first.
			const codeFirst = flow === 'apply' && !input.options.aegirMode && master.syncsPlatforms && host.name !== master.host.name;
			const reload = webReloadStep(host, input.options, codeFirst ? [{host: master.host.name, id: CODE_SYNC_STEP}] : []);
			if (input.options.aegirMode) return [reload];
			return [
				reload,
				staleConfigStep(host, input.options, [
					{host: host.name, id: CONFIG_SYNC_STEP},
					{host: host.name, id: WEB_RELOAD_STEP},
				]),
			];
		},
	},
];

/** The steps a host gets in a flow, in order. */
export function stepsFor(input: PlanInput, at: Situation, flow: Flow): Step[] {
	return CONCERNS.flatMap(concern => concern.steps(input, at, flow));
}

/** What a host gets, in the words of the review ("nfs-common, rsync, mount, fstab entry, config sync"). */
export function reviewWordsFor(at: Situation, input?: Pick<PlanInput, 'options'>): string[] {
	return CONCERNS.flatMap(concern => concern.review?.(at, input) ?? []);
}

/**
 * The plan's pack hosts, then (with Aegir on this machine) the Aegir pane that
 * runs Aegir's own save and verify once their steps are done.
 */
export function withAegirHost(input: Pick<PlanInput, 'pack' | 'options'>, hostPlans: HostPlan[]): HostPlan[] {
	const aegir = aegirHostPlan({pack: input.pack, options: input.options, hostPlans});
	return aegir ? [...hostPlans, aegir] : hostPlans;
}

/** The status checks that apply to a host of this situation, by id. */
export function healthChecksFor(at: Situation): Set<string> {
	return new Set(CONCERNS.flatMap(concern => concern.health?.(at) ?? []));
}
