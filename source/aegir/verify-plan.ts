// With Aegir on this machine, config and code reach the heads through Aegir
// itself: once NFS is in place, the aegir user runs, in this order,
//
//   0. drush @hostmaster pm-list …                      only when 3 or 6 runs (hosting_web_pack)
//   1. drush provision-save @server_<m> …               each member Aegir does not know (master, then slaves)
//      drush @server_<m> provision-verify               each member new, or changed (below)
//   3. drush provision-save @server_<pack> …            pack alias missing or not this pack
//   4. drush @server_<pack> provision-verify            pack saved, a member saved, or its alias changed
//   5. drush @platform_<p> provision-verify             each platform the pack serves: pushes its code to the master
//   6. drush @hostmaster hosting-import @server_<pack>  pack saved, or never imported
//
// "Changed" is read against the pack's record of the last fully successful
// run (PackRecord.aegir): a digest of the alias fields that change what a
// verify does, the member's role, and the steps that changed on the member's
// host in this run. A re-run in which nothing changed runs no drush at all;
// --aegir-verify runs every verify and the import. Pure: the runner brings
// what only the run knows (VerifyRuntime).

import {createHash} from 'node:crypto';
import {aegirContextName} from '../pack/validate.js';
import type {AegirVerifyRecord, Pack} from '../pack/types.js';
import type {AegirServer} from './alias-files.js';
import {platformsOnPack, type AegirPlatform} from './platform-aliases.js';
import {
	featureCheckArgv,
	importArgv,
	memberSaveArgv,
	packMembersInAegir,
	packSaveArgv,
	verifyArgv,
	type AegirMember,
} from './registration.js';
import type {WebServerKind} from './web-server.js';

export type {AegirVerifyRecord} from '../pack/types.js';

/** What Aegir knows on this machine, read once before planning. */
export type AegirKnowledge = {
	servers: readonly AegirServer[];
	platforms: readonly AegirPlatform[];
	/** --aegir-verify: run every verify (and the import), changed or not. */
	force: boolean;
	/** Who runs the tool here: drush runs as-is for the aegir user, else through sudo. */
	currentUser: string;
	/** The drush binary (on the aegir user's PATH). */
	drush: string;
};

/** What only the run knows when a drush command is about to run. */
export type VerifyRuntime = {
	/** The web server a member runs (from its prerequisite report), to save a member Aegir does not know. */
	webServerOf(hostName: string): WebServerKind | undefined;
	/** Did one of these steps end `changed` on that host in this run (in a dry run: would it change)? */
	changed(hostName: string, stepIds: readonly string[]): boolean;
};

export type DrushDecision = {run: true; argv: string[]; why: string} | {run: false; why: string} | {problem: string};

export type DrushSpec = {
	/** The step id that runs it, e.g. `aegir/verify:server_web1`. */
	id: string;
	title: string;
	/** The member host this command is about: its own steps must have passed first. */
	member?: string;
	/** The feature check reads drush's output (hosting_web_pack must be enabled). */
	featureCheck?: true;
	decide(runtime: VerifyRuntime): DrushDecision;
};

export type VerifyPlanInput = {
	/** The pack as it is once the run succeeds. */
	pack: Pack;
	/** The members this run deals with, by host name (a whole apply: all; add-slave: the new ones). */
	members: readonly string[];
	knowledge: Pick<AegirKnowledge, 'servers' | 'platforms' | 'force' | 'drush'>;
	record?: AegirVerifyRecord;
};

export type VerifyPlan = {specs: DrushSpec[]; notes: string[]; problems: string[]};

/** Steps on a member whose change Aegir's verify of it must follow (its web server, its account, Aegir's access). */
export const AEGIR_HEAD_STEPS = [
	'preflight/aegir',
	'aegir/rsync',
	'aegir/web-server',
	'aegir/sudoers',
	'aegir/web-include',
	'aegir/php',
	'aegir/mysql-client',
	'aegir/apache-rewrite',
	'aegir/authorized-key',
	'aegir/known-host',
	'web/stale-config',
] as const;

/** Steps after which the code on the share may differ from what Aegir pushed: the master (re)mounted it, or the share was seeded. */
export const SHARE_STEPS = {master: ['nfs-client/mount-point', 'nfs-client/mount'], server: ['nfs-server/seed']} as const;

const sha256 = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** The server fields that change what a verify does (not the file bytes: the front end rewrites them with fields of its own). */
export function serverDigest(server: AegirServer): string {
	return sha256([
		server.remoteHost,
		server.httpServiceType ?? null,
		server.httpPort ?? null,
		server.httpRestartCmd ?? null,
		server.scriptUser ?? null,
		server.aegirRoot ?? null,
		[...server.masterWebServers].sort(),
		[...server.slaveWebServers].sort(),
	]);
}

export function platformDigest(platform: AegirPlatform): string {
	return sha256([platform.root, platform.webServer ?? null, platform.makefile ?? null]);
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((item, index) => item === [...b].sort()[index]);

/** Why the pack's alias must be saved again, or undefined when it is this pack already. */
function packSaveReason(alias: AegirServer | undefined, pack: Pack, master: string, slaves: readonly string[]): string | undefined {
	if (!alias) return 'not in Aegir yet';
	if (alias.httpServiceType !== 'pack') return undefined;
	if (alias.remoteHost !== pack.name) return `its remote_host is ${alias.remoteHost}`;
	if (!sameSet(alias.masterWebServers, [master])) return `Aegir lists master ${alias.masterWebServers.join(', ') || 'none'}`;
	if (!sameSet(alias.slaveWebServers, slaves)) return `Aegir lists slaves ${alias.slaveWebServers.join(', ') || 'none'}`;
	return undefined;
}

const at = (context: string) => `@${context}`;

function runIf(reasons: readonly string[], argv: string[], none: string): DrushDecision {
	return reasons.length > 0 ? {run: true, argv, why: reasons.join('; ')} : {run: false, why: none};
}

/** Every drush command this run may need, in order; each decides when the run gets to it. */
export function aegirVerifyPlan(input: VerifyPlanInput): VerifyPlan {
	const {pack, knowledge, record} = input;
	const {drush, force} = knowledge;
	const resolved = packMembersInAegir(pack, knowledge.servers);
	const plan: VerifyPlan = {specs: [], notes: resolved.notes, problems: resolved.problems};
	if (plan.problems.length > 0) return plan;

	const packContext = aegirContextName(pack.name);
	const master = resolved.members.find(member => member.role === 'master')!;
	const slaves = resolved.members.filter(member => member.role === 'slave');
	const packAlias = knowledge.servers.find(server => server.context === packContext);
	const inRun = resolved.members.filter(member => input.members.includes(member.host.name));
	const saveReason = packSaveReason(packAlias, pack, master.context, slaves.map(slave => slave.context));
	const savedMembers = inRun.filter(member => !member.known);
	const importReasons = [
		...(saveReason ? ['the pack is saved'] : []),
		...(record?.imported ? [] : ['not imported by aegir-pack yet']),
		...(force ? ['--aegir-verify'] : []),
	];
	const packVerifyReasons = [
		...(saveReason ? ['the pack is saved'] : []),
		...(savedMembers.length > 0 ? [`${savedMembers.map(member => member.context).join(', ')} saved`] : []),
		...(!record?.pack ? ['not verified by aegir-pack yet'] : packAlias && record.pack.digest !== serverDigest(packAlias) ? ["Aegir's record of the pack changed"] : []),
		...(force ? ['--aegir-verify'] : []),
	];

	if (saveReason || importReasons.length > 0) {
		plan.specs.push({
			id: 'aegir/feature-check',
			title: "Aegir's Web pack feature enabled",
			featureCheck: true,
			decide: () => ({run: true, argv: featureCheckArgv(drush), why: 'the pack is saved or imported: hosting_web_pack must be enabled'}),
		});
	}

	for (const member of inRun) plan.specs.push(...memberSpecs(member, input, drush));

	if (saveReason) {
		plan.specs.push({
			id: 'aegir/pack-save',
			title: `save the pack ${at(packContext)} in Aegir`,
			decide: () => ({run: true, argv: packSaveArgv(drush, pack, master.context, slaves.map(slave => slave.context)), why: saveReason}),
		});
	}

	plan.specs.push({
		id: 'aegir/pack-verify',
		title: `verify the pack ${at(packContext)} (every member's server config)`,
		decide: () => runIf(packVerifyReasons, verifyArgv(drush, packContext), 'unchanged since the last verify'),
	});

	for (const platform of platformsOnPack(knowledge.platforms, packContext)) {
		plan.specs.push({
			id: `aegir/platform-verify:${platform.context}`,
			title: `verify ${at(platform.context)} (its code to the master)`,
			decide(runtime) {
				const recorded = record?.platforms[platform.context];
				const reasons = [
					...(packVerifyReasons.length > 0 ? ['the pack is verified'] : []),
					...(recorded === undefined ? ['not verified by aegir-pack yet'] : recorded !== platformDigest(platform) ? ["Aegir's record of it changed"] : []),
					...(runtime.changed(pack.master.name, SHARE_STEPS.master) || runtime.changed(pack.nfsServer.name, SHARE_STEPS.server) ? ['the share changed this run'] : []),
					...(force ? ['--aegir-verify'] : []),
				];
				return runIf(reasons, verifyArgv(drush, platform.context), 'unchanged since the last verify');
			},
		});
	}

	if (importReasons.length > 0) {
		plan.specs.push({
			id: 'aegir/import',
			title: `import ${at(packContext)} into the Aegir front end`,
			decide: () => ({run: true, argv: importArgv(drush, packContext), why: importReasons.join('; ')}),
		});
	}

	return plan;
}

function memberSpecs(member: AegirMember, input: VerifyPlanInput, drush: string): DrushSpec[] {
	const {host, context, known, role} = member;
	const specs: DrushSpec[] = [];
	if (!known) {
		specs.push({
			id: `aegir/save:${context}`,
			title: `save ${host.name} in Aegir as ${at(context)}`,
			member: host.name,
			decide(runtime) {
				const kind = runtime.webServerOf(host.name);
				if (!kind) return {problem: `the web server of ${host.name} is not known (neither apache2 nor nginx was found there): Aegir needs one to save it`};
				return {run: true, argv: memberSaveArgv(drush, member, kind), why: `new to Aegir, an ${kind} server`};
			},
		});
	}

	specs.push({
		id: `aegir/verify:${context}`,
		title: `verify ${at(context)} (${host.name}'s server config)`,
		member: host.name,
		decide(runtime) {
			const recorded = input.record?.members[context];
			const changedHere = AEGIR_HEAD_STEPS.filter(id => runtime.changed(host.name, [id]));
			const reasons = [
				...(known ? [] : ['new to Aegir']),
				...(known && !recorded ? ['not verified by aegir-pack yet'] : []),
				...(known && recorded && recorded.digest !== serverDigest(known) ? ["Aegir's record of it changed"] : []),
				...(recorded && recorded.role !== role ? [`now a ${role}`] : []),
				...(changedHere.length > 0 ? [`changed on ${host.name} this run: ${changedHere.join(', ')}`] : []),
				...(input.knowledge.force ? ['--aegir-verify'] : []),
			];
			return runIf(reasons, verifyArgv(drush, context), 'unchanged since the last verify');
		},
	});
	return specs;
}

/** The commands a run would run, in order, for the runtime it meets (what the steps do, as one list). */
export function drushCommands(plan: VerifyPlan, runtime: VerifyRuntime): string[][] {
	return plan.specs.flatMap(spec => {
		const decision = spec.decide(runtime);
		return 'run' in decision && decision.run ? [decision.argv] : [];
	});
}

export type RecordInput = {
	pack: Pack;
	/** The members this run dealt with (as in VerifyPlanInput). */
	members: readonly string[];
	/** What Aegir knows after the drush commands ran (the aliases read again). */
	servers: readonly AegirServer[];
	platforms: readonly AegirPlatform[];
	previous?: AegirVerifyRecord;
	/** The import ran in this run (or ran before). */
	imported: boolean;
	now: Date;
};

/**
 * The record after a fully successful run: for everything this run dealt
 * with, the digest Aegir has now (each was verified, or equal to the record
 * already); members outside the run keep what was recorded.
 */
export function nextVerifyRecord(input: RecordInput): AegirVerifyRecord {
	const {pack, previous} = input;
	const resolved = packMembersInAegir(pack, input.servers);
	const members = {...previous?.members};
	for (const member of resolved.members) {
		if (!input.members.includes(member.host.name)) continue;
		const now = input.servers.find(server => server.context === member.context);
		if (now) members[member.context] = {digest: serverDigest(now), role: member.role};
		else delete members[member.context];
	}

	const packContext = aegirContextName(pack.name);
	const packAlias = input.servers.find(server => server.context === packContext);
	const platforms = Object.fromEntries(platformsOnPack(input.platforms, packContext).map(platform => [platform.context, platformDigest(platform)]));
	return {
		verifiedAt: input.now.toISOString(),
		members,
		...(packAlias ? {pack: {digest: serverDigest(packAlias)}} : {}),
		platforms,
		imported: input.imported || (previous?.imported ?? false),
	};
}
