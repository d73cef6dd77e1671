// The ✔/✖ rows of the Aegir prerequisite check and the fixes they offer.
// A fix is exact: the commands it runs (as root, in order, new file content on
// stdin), the lines a review or --dry-run shows, and the diff of a file it edits.

import type {AegirServer} from './alias-files.js';
import type {AegirServerFacts} from './aegir-server-facts.js';
import type {MemberFacts, MemberPaths} from './member-facts.js';
import type {WebServerKind} from './web-server.js';

export type PrerequisiteId =
	| 'rsync'
	| 'web-server'
	| 'aegir-account'
	| 'sudoers'
	| 'web-include'
	| 'php'
	| 'mysql-client'
	| 'apache-rewrite'
	| 'authorized-key'
	| 'known-host';

export type FixCommand = {
	/** A command line for the host's shell, run as root. */
	command: string;
	/** Bytes for its stdin (new file content). */
	stdin?: string | Uint8Array;
	/** What it does, for failures: "writing /etc/sudoers.d/aegir". */
	what: string;
};

export type PrerequisiteFix = {
	/** The member itself, or the Aegir server (known_hosts of its aegir user). */
	runsOn: 'member' | 'aegir-server';
	/** One line: what the fix does. */
	summary: string;
	commands: FixCommand[];
	/** Every command as a sysadmin reads it (no scripts inlined), for the review and --dry-run. */
	display: string[];
	/** Unified diff of the file the fix writes, when it writes one. */
	diff?: string;
};

export type PrerequisiteRow = {
	id: PrerequisiteId;
	title: string;
	ok: boolean;
	/** What was found: the ✔ evidence, or every ✖ reason. */
	detail: string;
	/** Present when something can be fixed automatically. */
	fix?: PrerequisiteFix;
	/** Present when something must be done by hand (then run again). */
	manual?: string;
};

export type PrerequisiteInput = {
	/** The member's pack host name (for messages). */
	hostName: string;
	/** The address Aegir reaches the member at (its remote_host). */
	remoteHost: string;
	member: MemberFacts;
	aegirServer: AegirServerFacts;
	/** Aegir's record of this member, when it is registered already. */
	aegirRecord?: AegirServer;
	/** The web server to use when Aegir has no record (e.g. what the pack's other heads run). */
	wantedWebServer?: WebServerKind;
	aegirUser: string;
	/** Aegir's home on the member and on the Aegir server (both `/var/aegir` normally). */
	aegirHome: string;
	aegirServerHome: string;
	webGroup: string;
	/** The pack's uid/gid of aegir (the Aegir server's), when known. */
	expectedUid?: number;
	expectedGid?: number;
	paths: MemberPaths;
	/** `YYYYmmdd-HHMMSS` for backups; `<stamp>` in a dry run. */
	stamp: string;
	lockWaitSeconds: number;
};

export type PrerequisiteReport = {
	host: string;
	rows: PrerequisiteRow[];
	/** The web server Aegir uses on this member, when it could be told (registration needs it). */
	webServer?: WebServerKind;
	/** Worth saying beside the rows: e.g. Aegir's own package set this head up already. */
	notes?: string[];
};
