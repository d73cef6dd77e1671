// What the Aegir prerequisite steps of one run share, held by the run (the
// plan's steps reach it through their context): each member's facts (read
// once, again after a fix), the Aegir server's facts (read once per run for
// every member, again after one of them changed its known_hosts), and a lock,
// because every member's known-host fix edits the same file there.

import {gatherAegirServerFacts, type AegirServerFacts} from '../aegir/aegir-server-facts.js';
import {DEFAULT_MEMBER_PATHS, gatherMemberFacts, type MemberFacts, type MemberPaths} from '../aegir/member-facts.js';
import {checkPrerequisites, type PrerequisiteReport, type PrerequisiteRow} from '../aegir/prerequisites.js';
import {findAegirServer} from '../aegir/registration.js';
import type {WebServerKind} from '../aegir/web-server.js';
import type {Host, Pack} from '../pack/types.js';
import type {Transport} from '../contracts/transport.js';
import type {ResolvedPlanOptions} from '../plan/options.js';
import type {AegirPrerequisiteSource} from '../plan/steps/aegir-context.js';
import {isThisMachine, type MachineIdentity} from '../plan/this-machine.js';
import type {AegirPrerequisiteOptions} from './prerequisite-options.js';

/** Aegir runs its commands on its own machine directly, never over ssh: no key or known host is needed there. */
const LOCAL_SSH_ROWS = new Set(['authorized-key', 'known-host']);

function localRow(row: PrerequisiteRow): PrerequisiteRow {
	if (!LOCAL_SSH_ROWS.has(row.id)) return row;
	return {id: row.id, title: row.title, ok: true, detail: 'this is the Aegir server: Aegir reaches it without ssh'};
}

type Quietable = Transport & {quiet?: () => Transport};

/** The run's wrapper echoes output to the pane; the facts scripts print hundreds of lines not worth it. */
function quietly(transport: Transport): Transport {
	const candidate = transport as Quietable;
	return typeof candidate.quiet === 'function' ? candidate.quiet() : transport;
}

export type ReportContext = {transport: Transport; signal?: AbortSignal};

/** What the state needs of the run's settings. */
export type PrerequisiteRunSettings = Pick<ResolvedPlanOptions, 'thisMachine' | 'aegirUser' | 'lockWaitSeconds'>;

export class AegirPrerequisiteState implements AegirPrerequisiteSource {
	readonly options: AegirPrerequisiteOptions;
	readonly aegirUser: string;
	readonly aegirHome: string;
	readonly webGroup: string;
	readonly paths: MemberPaths;
	readonly lockWaitSeconds: number;
	readonly #pack: Pack;
	readonly #thisMachine: MachineIdentity;
	readonly #members = new Map<string, MemberFacts>();
	readonly #webServers = new Map<string, WebServerKind>();
	#server?: Promise<AegirServerFacts>;
	#serverTransport?: Promise<Transport>;
	#lock: Promise<unknown> = Promise.resolve();

	constructor(pack: Pack, planOptions: PrerequisiteRunSettings, options: AegirPrerequisiteOptions) {
		this.#pack = pack;
		this.#thisMachine = planOptions.thisMachine;
		this.options = options;
		this.aegirUser = planOptions.aegirUser;
		this.aegirHome = options.aegirHome ?? '/var/aegir';
		this.webGroup = options.webGroup ?? 'www-data';
		this.paths = {...DEFAULT_MEMBER_PATHS, ...options.paths};
		this.lockWaitSeconds = planOptions.lockWaitSeconds;
	}

	async serverTransport(): Promise<Transport> {
		this.#serverTransport ??= this.options.connectAegirServer();
		try {
			return await this.#serverTransport;
		} catch (error) {
			this.#serverTransport = undefined;
			throw error;
		}
	}

	/** The Aegir server's facts, shared by every member until one of them changes them. */
	async serverFacts(signal?: AbortSignal): Promise<AegirServerFacts> {
		this.#server ??= (async () => {
			const transport = await this.serverTransport();
			return gatherAegirServerFacts(
				quietly(transport),
				{aegirHome: this.options.aegirServerHome, globalKnownHosts: this.options.globalKnownHosts, aegirUser: this.aegirUser},
				signal,
			);
		})();
		const pending = this.#server;
		try {
			return await pending;
		} catch (error) {
			// A failed read is not kept: the next member tries again.
			if (this.#server === pending) this.#server = undefined;
			throw error;
		}
	}

	serverChanged(): void {
		this.#server = undefined;
	}

	memberChanged(hostName: string): void {
		this.#members.delete(hostName);
	}

	/** One at a time: the Aegir server's known_hosts is one file for every member. */
	async withServerLock<T>(work: () => Promise<T>): Promise<T> {
		const run = this.#lock.then(work, work);
		this.#lock = run.catch(() => undefined);
		return run;
	}

	async expectedIds(signal?: AbortSignal): Promise<{uid?: number; gid?: number}> {
		const server = await this.serverFacts(signal);
		return {
			uid: this.options.expectedUid ?? this.#pack.record?.aegirUid ?? server.user?.uid,
			gid: this.options.expectedGid ?? this.#pack.record?.aegirGid ?? server.group?.gid,
		};
	}

	async memberFacts(host: Host, context: ReportContext): Promise<MemberFacts> {
		const cached = this.#members.get(host.name);
		if (cached) return cached;
		const ids = await this.expectedIds(context.signal);
		const facts = await gatherMemberFacts(
			quietly(context.transport),
			{
				aegirUser: this.aegirUser,
				aegirHome: this.aegirHome,
				webGroup: this.webGroup,
				...(ids.uid === undefined ? {} : {expectedUid: ids.uid}),
				...(ids.gid === undefined ? {} : {expectedGid: ids.gid}),
				paths: this.paths,
			},
			context.signal,
		);
		this.#members.set(host.name, facts);
		return facts;
	}

	shown(report: PrerequisiteReport): void {
		try {
			this.options.onReport?.(report);
		} catch {
			// Showing the table must not break the run.
		}
	}

	/** Every ✔/✖ row of one member as things are now. */
	async report(host: Host, context: ReportContext, stamp: string): Promise<PrerequisiteReport> {
		const member = await this.memberFacts(host, context);
		const aegirServer = await this.serverFacts(context.signal);
		const ids = await this.expectedIds(context.signal);
		const record = this.options.servers ? findAegirServer(host, this.options.servers).server : undefined;
		const report = checkPrerequisites({
			hostName: host.name,
			remoteHost: record?.remoteHost ?? host.address,
			member,
			aegirServer,
			...(record ? {aegirRecord: record} : {}),
			...(this.options.wantedWebServer ? {wantedWebServer: this.options.wantedWebServer} : {}),
			aegirUser: this.aegirUser,
			aegirHome: this.aegirHome,
			aegirServerHome: this.options.aegirServerHome,
			webGroup: this.webGroup,
			...(ids.uid === undefined ? {} : {expectedUid: ids.uid}),
			...(ids.gid === undefined ? {} : {expectedGid: ids.gid}),
			paths: this.paths,
			stamp,
			lockWaitSeconds: this.lockWaitSeconds,
		});
		if (report.webServer) this.#webServers.set(host.name, report.webServer);
		return isThisMachine(host, this.#thisMachine) ? {...report, rows: report.rows.map(localRow)} : report;
	}

	webServerOf(hostName: string): WebServerKind | undefined {
		return this.#webServers.get(hostName);
	}
}
