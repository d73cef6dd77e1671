// What the Aegir prerequisite steps need from the run, as an interface: each
// member's ✔/✖ report (read once, again after a fix), the Aegir server's
// connection, and a lock for the one known_hosts file every member's fix
// edits there. The runner hands an implementation to every step's context
// (source/aegir-run/prerequisite-state.ts); the plan holds no state itself.

import type {PrerequisiteReport} from '../../aegir/prerequisite-types.js';
import type {WebServerKind} from '../../aegir/web-server.js';
import type {Transport} from '../../contracts/transport.js';
import type {Host} from '../../pack/types.js';

export interface AegirPrerequisiteSource {
	/** Every ✔/✖ row of one member as things are now (`stamp` names the backups its fixes would make). */
	report(host: Host, context: {transport: Transport; signal?: AbortSignal}, stamp: string): Promise<PrerequisiteReport>;
	/** The member changed: read it again next time. */
	memberChanged(hostName: string): void;
	/** The Aegir server changed (its known_hosts): read it again next time. */
	serverChanged(): void;
	/** One at a time: the Aegir server's known_hosts is one file for every member. */
	withServerLock<T>(work: () => Promise<T>): Promise<T>;
	/** The Aegir server, where its side of a fix runs. */
	serverTransport(): Promise<Transport>;
	/** A member's report as first read, before any fix: the run shows it as a table. */
	shown(report: PrerequisiteReport): void;
	/** The web server a member runs, from its latest report (Aegir's save of a new member needs it). */
	webServerOf?(hostName: string): WebServerKind | undefined;
}
