// Collects the members' Aegir prerequisite reports during a run: each becomes
// a ✔/✖ table notice on the run's event stream (the Ink screen and the plain
// reporter both show notices), and the web server each member runs is kept for
// the registration that follows a successful run.

import type {PrerequisiteReport} from '../aegir/prerequisite-types.js';
import {prerequisitesMet} from '../aegir/prerequisites.js';
import {prerequisiteLines} from '../aegir/prerequisite-table.js';
import type {WebServerKind} from '../aegir/web-server.js';
import type {RunEvent} from '../contracts/events.js';

export type NoticeEvent = Extract<RunEvent, {type: 'notice'}>;

/** The table as one notice for the member: info when all ✔, a warning otherwise. */
export function prerequisiteNotice(report: PrerequisiteReport, width = 80, at = Date.now()): NoticeEvent {
	return {
		type: 'notice',
		at,
		host: report.host,
		level: prerequisitesMet(report) ? 'info' : 'warn',
		message: prerequisiteLines(report, width).join('\n'),
	};
}

export type AegirReports = {
	/** Pass as `aegirPrerequisites.onReport`. */
	onReport(report: PrerequisiteReport): void;
	/** The latest report of each member, in the order they came. */
	reports(): PrerequisiteReport[];
	/** For RegistrationRequest.webServers. */
	webServers(): Record<string, WebServerKind | undefined>;
};

export function collectAegirReports(emit?: (event: RunEvent) => void, width?: number): AegirReports {
	const latest = new Map<string, PrerequisiteReport>();
	return {
		onReport(report) {
			latest.set(report.host, report);
			emit?.(prerequisiteNotice(report, width));
		},
		reports: () => [...latest.values()],
		webServers: () => Object.fromEntries([...latest.values()].map(report => [report.host, report.webServer])),
	};
}
