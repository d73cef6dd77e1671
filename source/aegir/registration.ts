// Registering a pack in Aegir: the exact drush command lines, as argv arrays
// the aegir user runs on the Aegir server, in order. Pure: nothing here runs
// drush; the runner runs these (and --dry-run lists them).
//
//   1. for each member Aegir does not know yet: provision-save + provision-verify
//   2. provision-save of the pack server with its master and slave lists
//   3. provision-verify of the pack
//   4. hosting-import of the pack into the hostmaster front end
//
// Adding or removing a slave later re-saves the pack the same way.

import {aegirContextName} from '../pack/validate.js';
import type {Host, Pack} from '../pack/types.js';
import {commandLine} from '../shell/quote.js';
import {WEB_SERVER_TYPES, type AegirServer} from './alias-files.js';
import type {WebServerKind} from './web-server.js';

export type {WebServerKind} from './web-server.js';

export type DrushCommand = {
	/** Starts with the drush binary; run as the aegir user (see `asAegirUser`). */
	argv: string[];
	/** Why, in words, for the run screen and the log. */
	purpose: string;
};

export type RegistrationRequest = {
	/** The pack as it is after the change (for remove-slave: without the slave). */
	pack: Pack;
	/** The servers Aegir knows now (readAegirServers). */
	servers: readonly AegirServer[];
	/** The web server each member runs, by host name (from its prerequisite facts). */
	webServers: Readonly<Record<string, WebServerKind | undefined>>;
	/** drush binary; default `drush` (on the aegir user's PATH). */
	drush?: string;
};

export type RegistrationPlan = {
	/** Run first; `webPackFeatureEnabled(stdout)` says whether the pack can be imported. */
	featureCheck: DrushCommand;
	/** In order; stop at the first failure. */
	commands: DrushCommand[];
	/** Worth saying, not blocking (e.g. "web1 is already known to Aegir as server_x"). */
	notes: string[];
	/** Non-empty: do not run anything; each says what to fix. */
	problems: string[];
};

export const HOSTMASTER_ALIAS = '@hostmaster';
export const WEB_PACK_MODULE = 'hosting_web_pack';

/** How to turn the feature on, for the message when the check says it is off. */
export const WEB_PACK_FEATURE_HELP = [
	`Aegir's "Web pack" feature (module ${WEB_PACK_MODULE}) is not enabled, so Aegir cannot import a pack server.`,
	'Enable it in the Aegir web UI (Administration » Hosting » Features, "Web pack"),',
	`or as the aegir user: drush ${HOSTMASTER_ALIAS} pm-enable -y ${WEB_PACK_MODULE}`,
	'then run again.',
].join('\n');

/** `drush pm-list --pipe` prints the enabled modules' machine names, whitespace separated. */
export function webPackFeatureEnabled(pmListOutput: string): boolean {
	return pmListOutput.split(/\s+/).includes(WEB_PACK_MODULE);
}

/**
 * Which existing Aegir server a pack host is. By the tool's name first (hosts
 * picked from Aegir's list carry it), then by the context Aegir would derive
 * from that name, then by address among Aegir's web servers.
 */
export function findAegirServer(
	host: Host,
	servers: readonly AegirServer[],
): {server?: AegirServer; note?: string; problem?: string} {
	const byName = servers.find(server => server.name === host.name);
	if (byName) return {server: byName};
	const context = aegirContextName(host.name);
	const byContext = servers.find(server => server.context === context);
	if (byContext) return {server: byContext};
	const address = host.address.toLowerCase();
	const byAddress = servers.filter(
		server => server.remoteHost.toLowerCase() === address && WEB_SERVER_TYPES.includes(server.httpServiceType ?? ''),
	);
	if (byAddress.length === 1) {
		const server = byAddress[0]!;
		return {server, note: `${host.name} (${host.address}) is already known to Aegir as ${server.context}: using that server`};
	}

	if (byAddress.length > 1) {
		const names = byAddress.map(server => server.context).join(', ');
		return {problem: `${host.address} is known to Aegir as several web servers (${names}): name the host ${host.name} after the one to use`};
	}

	return {};
}

/** The pack's own context in Aegir, when it is registered already (the start screen says so). */
export function registeredPack(packName: string, servers: readonly AegirServer[]): AegirServer | undefined {
	const context = aegirContextName(packName);
	return servers.find(server => server.context === context && server.httpServiceType === 'pack');
}

const at = (context: string) => `@${context}`;

const serviceOf = (server: AegirServer) =>
	server.httpServiceType ? `whose web service is ${server.httpServiceType}` : 'which has no web service';

function isIpv6Literal(address: string): boolean {
	return address.includes(':');
}

/** A pack member as Aegir has (or will have) it. */
export type AegirMember = {
	host: Host;
	role: 'master' | 'slave';
	/** Its server context: Aegir's when it knows the host, else the one a save gives it. */
	context: string;
	/** Aegir's record of it, when Aegir knows it already. */
	known?: AegirServer;
};

export type AegirMembers = {members: AegirMember[]; notes: string[]; problems: string[]};

/** The pack's members in Aegir, master first, then slaves in pack order; what is worth saying; what stops a registration. */
export function packMembersInAegir(pack: Pack, servers: readonly AegirServer[]): AegirMembers {
	const result: AegirMembers = {members: [], notes: [], problems: []};
	const hosts = [pack.master, ...pack.slaves];
	for (const host of hosts) {
		const role = host.name === pack.master.name ? 'master' : 'slave';
		const found = findAegirServer(host, servers);
		if (found.problem) {
			result.problems.push(found.problem);
			continue;
		}

		if (found.note) result.notes.push(found.note);
		const server = found.server;
		if (!server) {
			if (isIpv6Literal(host.address)) {
				result.notes.push(
					`${host.name} is registered in Aegir at the IPv6 address ${host.address}; Aegir's own rsync cannot use an IPv6 literal, so give it a DNS name if Aegir's verify fails`,
				);
			}

			result.members.push({host, role, context: aegirContextName(host.name)});
			continue;
		}

		if (!WEB_SERVER_TYPES.includes(server.httpServiceType ?? '')) {
			result.problems.push(
				`${host.name} is known to Aegir as ${server.context}, ${serviceOf(server)}: a pack member must be an apache or nginx web server. Give it a web service in Aegir (or rename the host), then run again`,
			);
			continue;
		}

		if (server.remoteHost.toLowerCase() !== host.address.toLowerCase()) {
			result.notes.push(`${server.context} in Aegir is reached at ${server.remoteHost}; this pack reaches ${host.name} at ${host.address}`);
		}

		result.members.push({host, role, context: server.context, known: server});
	}

	const seen = new Map<string, string>();
	for (const member of result.members) {
		const other = seen.get(member.context);
		if (other) result.problems.push(`${other} and ${member.host.name} are the same Aegir server (${member.context}): a pack lists each web server once`);
		seen.set(member.context, member.host.name);
	}

	const packContext = aegirContextName(pack.name);
	const existingPack = servers.find(server => server.context === packContext);
	if (existingPack && existingPack.httpServiceType !== 'pack') {
		result.problems.push(`${packContext} already exists in Aegir, ${serviceOf(existingPack)}, and is not a pack: choose another pack name`);
	}

	if (result.members.some(member => member.context === packContext)) {
		result.problems.push(`the pack ${pack.name} and one of its members are both ${packContext} in Aegir: give the pack another name`);
	}

	return result;
}

/** `drush provision-save @server_web1 …` for a member Aegir does not know yet. */
export function memberSaveArgv(drush: string, member: Pick<AegirMember, 'context' | 'host'>, kind: WebServerKind): string[] {
	return [drush, 'provision-save', at(member.context), '--context_type=server', `--remote_host=${member.host.address}`, `--http_service_type=${kind}`];
}

/** `drush @ctx provision-verify`. */
export function verifyArgv(drush: string, context: string): string[] {
	return [drush, at(context), 'provision-verify'];
}

/** `drush provision-save @server_<pack> --http_service_type=pack …` with its master and slave lists. */
export function packSaveArgv(drush: string, pack: Pack, master: string, slaves: readonly string[]): string[] {
	// provision drops empty options, so "no slaves" must be said as the word null
	// (Provision_Context::setProperty turns 'null' into the default: an empty list).
	const slaveList = slaves.length > 0 ? slaves.map(at).join(',') : 'null';
	return [
		drush,
		'provision-save',
		at(aegirContextName(pack.name)),
		'--context_type=server',
		`--remote_host=${pack.name}`,
		'--http_service_type=pack',
		`--master_web_servers=${at(master)}`,
		`--slave_web_servers=${slaveList}`,
	];
}

export function featureCheckArgv(drush: string): string[] {
	return [drush, HOSTMASTER_ALIAS, 'pm-list', '--type=module', '--status=enabled', '--pipe'];
}

export function importArgv(drush: string, packContext: string): string[] {
	return [drush, HOSTMASTER_ALIAS, 'hosting-import', at(packContext)];
}

/** The pack's members in Aegir: the save and verify of each member Aegir does not know, in order. */
function planMembers(request: RegistrationRequest, drush: string, plan: RegistrationPlan): {master?: string; slaves: string[]} {
	const resolved = packMembersInAegir(request.pack, request.servers);
	plan.notes.push(...resolved.notes);
	plan.problems.push(...resolved.problems);
	for (const member of resolved.members) {
		if (member.known) continue;
		const kind = request.webServers[member.host.name];
		if (!kind) {
			plan.problems.push(`the web server of ${member.host.name} is not known (neither apache2 nor nginx was found there): Aegir needs one to register it`);
			continue;
		}

		plan.commands.push(
			{argv: memberSaveArgv(drush, member, kind), purpose: `save ${member.host.name} in Aegir as the ${kind} server ${member.context}`},
			{argv: verifyArgv(drush, member.context), purpose: `verify ${member.context} (Aegir connects to ${member.host.address})`},
		);
	}

	const contextOf = (name: string) => resolved.members.find(member => member.host.name === name)?.context;
	return {
		master: contextOf(request.pack.master.name),
		slaves: request.pack.slaves.flatMap(slave => contextOf(slave.name) ?? []),
	};
}

function planRegistration(request: RegistrationRequest): RegistrationPlan {
	const drush = request.drush ?? 'drush';
	const plan: RegistrationPlan = {
		featureCheck: {argv: featureCheckArgv(drush), purpose: `check that Aegir's Web pack feature (${WEB_PACK_MODULE}) is enabled`},
		commands: [],
		notes: [],
		problems: [],
	};

	const packContext = aegirContextName(request.pack.name);
	const {master, slaves} = planMembers(request, drush, plan);
	if (plan.problems.length > 0 || master === undefined) return {...plan, commands: []};
	plan.commands.push(
		{argv: packSaveArgv(drush, request.pack, master, slaves), purpose: `save the pack ${request.pack.name} in Aegir as ${packContext}`},
		{argv: verifyArgv(drush, packContext), purpose: `verify the pack ${packContext} on every member`},
		{argv: importArgv(drush, packContext), purpose: `show the pack ${request.pack.name} in the Aegir web UI`},
	);
	return plan;
}

/** Register a new pack (or bring an existing pack context up to date). */
export function planCreate(request: RegistrationRequest): RegistrationPlan {
	return planRegistration(request);
}

/** A slave was added: the pack (which includes it) is saved again. */
export function planAddSlave(request: RegistrationRequest & {slave: string}): RegistrationPlan {
	if (!request.pack.slaves.some(host => host.name === request.slave)) {
		return {...planRegistration(request), commands: [], problems: [`${request.slave} is not a slave of ${request.pack.name}`]};
	}

	return planRegistration(request);
}

/** A slave was removed: the pack (without it) is saved again; its own server context stays. */
export function planRemoveSlave(request: RegistrationRequest & {removed: Host}): RegistrationPlan {
	const members = [request.pack.master, ...request.pack.slaves];
	if (members.some(host => host.name === request.removed.name)) {
		return {...planRegistration(request), commands: [], problems: [`${request.removed.name} is still a member of ${request.pack.name}`]};
	}

	const plan = planRegistration(request);
	const server = findAegirServer(request.removed, request.servers).server;
	if (server) {
		plan.notes.push(`${server.context} stays in Aegir as a server of its own: delete it in the Aegir web UI if nothing else uses it`);
	}

	return plan;
}

/** The argv to run as the aegir user: as-is when already aegir, else through sudo with aegir's HOME (drush reads ~/.drush). */
export function asAegirUser(argv: readonly string[], options: {currentUser: string; aegirUser?: string}): string[] {
	const aegirUser = options.aegirUser ?? 'aegir';
	if (options.currentUser === aegirUser) return [...argv];
	return ['sudo', '-H', '-u', aegirUser, '--', ...argv];
}

/** What --dry-run prints: the check, then every command, one quoted line each. */
export function describeRegistration(plan: RegistrationPlan): string[] {
	if (plan.problems.length > 0) return plan.problems.map(problem => `cannot register in Aegir: ${problem}`);
	return [plan.featureCheck, ...plan.commands].map(command => commandLine(command.argv));
}
