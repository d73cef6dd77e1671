// What the run needs to check and fix Aegir's prerequisites on the web heads:
// where Aegir lives, what it knows, and how to reach its server. Off unless
// given: a pack applied without it plans and runs exactly as before.

import type {AegirServer} from '../aegir/alias-files.js';
import type {MemberPaths} from '../aegir/member-facts.js';
import type {PrerequisiteReport} from '../aegir/prerequisite-types.js';
import type {WebServerKind} from '../aegir/web-server.js';
import type {Transport} from '../contracts/transport.js';

export type AegirPrerequisiteOptions = {
	/** Aegir's home on the Aegir server (this machine), `/var/aegir`. */
	aegirServerHome: string;
	/** Aegir's home on every web head (default `/var/aegir`). */
	aegirHome?: string;
	/** The web server's group the aegir user must belong to (default `www-data`). */
	webGroup?: string;
	/** The pack's aegir uid/gid; default: the pack record's, else the Aegir server's aegir user. */
	expectedUid?: number;
	expectedGid?: number;
	/** The servers Aegir knows (readAegirServers): a member's record says which web server it runs. */
	servers?: readonly AegirServer[];
	/** What to install where no web server is and Aegir has no record of the head. */
	wantedWebServer?: WebServerKind;
	/**
	 * The Aegir server's side (its aegir user's key and known_hosts): opened once
	 * per plan, on first use. On this machine: `localTransport()` from
	 * source/aegir-run/local-transport.ts.
	 */
	connectAegirServer(): Promise<Transport>;
	/**
	 * Each member's ✔/✖ report as first checked, before any fix: show it
	 * (prerequisite-table.ts) and keep its webServer for the registration.
	 */
	onReport?(report: PrerequisiteReport): void;
	/** System file locations on the members (tests point them at temp dirs). */
	paths?: Partial<MemberPaths>;
	/** The system-wide known hosts file of the Aegir server (default /etc/ssh/ssh_known_hosts). */
	globalKnownHosts?: string;
};
