// The Aegir side of a run in two calls for the composition root: before the
// plan, read what Aegir knows and build the prerequisite options; after a
// successful run, register the pack with what the run learnt (each member's
// web server).

import {readAegirServers, type AegirServers, type AliasFiles} from '../aegir/alias-files.js';
import {readAegirPlatforms, type AegirPlatform} from '../aegir/platform-aliases.js';
import {webServerKindOf, type WebServerKind} from '../aegir/web-server.js';
import type {Host, Pack} from '../pack/types.js';
import type {AegirPrerequisiteOptions} from './prerequisite-options.js';
import type {Transport} from '../contracts/transport.js';
import {localTransport} from './local-transport.js';
import {registerPack, type RegisterOptions, type RegisterResult} from './register-pack.js';
import {collectAegirReports, type AegirReports} from './prerequisite-reports.js';
import type {RunEvent} from '../contracts/events.js';

/** The context Aegir's installer gives the Aegir server itself. */
export const AEGIR_OWN_SERVER = 'server_master';

export type AegirSetupOptions = {
	/** Aegir's home on this machine (--aegir-home), `/var/aegir`. */
	aegirHome: string;
	/** Add the prerequisite steps to the plan. */
	prerequisites: boolean;
	/** The run's event stream: each member's ✔/✖ table goes there as a notice. */
	emit(event: RunEvent): void;
	/** Table width (the terminal's columns; 80 without one). */
	width?: number;
	/** What to install on a head without a web server that Aegir does not know (default: what the Aegir server itself runs). */
	wantedWebServer?: WebServerKind;
	/** The Aegir server's transport (default: this machine). */
	connectAegirServer?: () => Promise<Transport>;
};

export type AegirSetup = {
	/** For PlanOptions.aegirPrerequisites; undefined when prerequisites are off. */
	prerequisites?: AegirPrerequisiteOptions;
	reports: AegirReports;
	servers: AegirServers;
	/** The platforms Aegir knows (their verify pushes code to a pack's master). */
	platforms: AliasFiles<AegirPlatform>;
	/** Alias files that could not be read (each skipped, never guessed at): worth a warning. */
	warnings: string[];
};

export async function prepareAegir(options: AegirSetupOptions): Promise<AegirSetup> {
	const servers = await readAegirServers(options.aegirHome);
	const platforms = await readAegirPlatforms(options.aegirHome);
	const reports = collectAegirReports(options.emit, options.width);
	const warnings = [...servers.problems, ...platforms.problems].map(problem => `Aegir alias file skipped: ${problem.file} ${problem.message}`);
	if (!options.prerequisites) return {reports, servers, platforms, warnings};
	// Aegir's own server (server_master) says which web server this Aegir setup drives.
	const own = webServerKindOf(servers.servers.find(server => server.context === AEGIR_OWN_SERVER)?.httpServiceType);
	const wanted = options.wantedWebServer ?? own;
	return {
		prerequisites: {
			aegirServerHome: options.aegirHome,
			servers: servers.servers,
			...(wanted ? {wantedWebServer: wanted} : {}),
			connectAegirServer: options.connectAegirServer ?? (async () => localTransport()),
			onReport: reports.onReport,
		},
		reports,
		servers,
		platforms,
		warnings,
	};
}

/** Register after a successful run: a new pack, or the pack after adding (`slave`) or removing (`removed`) a slave. */
export async function registerAfterRun(
	setup: AegirSetup,
	change: {pack: Pack; slave?: string; removed?: Host},
	options: RegisterOptions,
): Promise<RegisterResult> {
	return registerPack({...change, servers: setup.servers.servers, webServers: setup.reports.webServers()}, options);
}
