// What Aegir's documentation asks of a remote web server, checked on one pack
// member from its facts (and the Aegir server's): a ✔/✖ row per item, and for
// each ✖ the exact fix or what to do by hand. Pure: the runner gathers the
// facts, shows the rows, applies the fixes in row order (a later row's fix may
// rely on an earlier one, e.g. the aegir user) and checks again.

import {accountRow} from './account-check.js';
import {aptInstall, memberFix} from './fix-commands.js';
import {clusterSlaveNote} from './cluster-slave.js';
import {includeRow} from './include-check.js';
import type {MemberFacts} from './member-facts.js';
import {mysqlClientRow, phpRow, rewriteRow} from './php-checks.js';
import type {PrerequisiteInput, PrerequisiteReport, PrerequisiteRow} from './prerequisite-types.js';
import {authorizedKeyRow, knownHostRow} from './ssh-checks.js';
import {sudoersRow} from './sudoers-check.js';
import {
	APACHE_PACKAGES,
	NGINX_PACKAGES,
	WEB_SERVER_PACKAGE,
	chooseWebServer,
	webServerKindOf,
	type InstalledWebServers,
	type WebServerKind,
} from './web-server.js';

export type * from './prerequisite-types.js';

export function installedWebServers(member: MemberFacts): InstalledWebServers {
	return {
		apache: APACHE_PACKAGES.some(name => member.packages[name]) || member.commands['apache2ctl'] !== undefined,
		nginx: NGINX_PACKAGES.some(name => member.packages[name]) || member.commands['nginx'] !== undefined,
	};
}

function rsyncRow(input: PrerequisiteInput): PrerequisiteRow {
	const base = {id: 'rsync' as const, title: 'rsync'};
	const where = input.member.commands['rsync'];
	if (where !== undefined || input.member.packages['rsync']) return {...base, ok: true, detail: where ? `installed (${where})` : 'installed'};
	const step = aptInstall(['rsync'], input.lockWaitSeconds);
	return {
		...base,
		ok: false,
		detail: "not installed: Aegir's verify copies config with it",
		fix: memberFix('install rsync', [step]),
	};
}

function webServerRow(input: PrerequisiteInput): {row: PrerequisiteRow; kind?: WebServerKind} {
	const base = {id: 'web-server' as const, title: 'web server'};
	const recorded = webServerKindOf(input.aegirRecord?.httpServiceType);
	const wanted = recorded ?? input.wantedWebServer;
	const choice = chooseWebServer(installedWebServers(input.member), wanted);
	switch (choice.state) {
		case 'chosen': {
			return {row: {...base, ok: true, detail: choice.note ?? `${choice.kind} (${WEB_SERVER_PACKAGE[choice.kind]} installed)`}, kind: choice.kind};
		}

		case 'none': {
			if (!wanted) {
				return {
					row: {...base, ok: false, detail: 'neither apache2 nor nginx is installed', manual: 'Install apache2 or nginx (Aegir drives either), then run again.'},
				};
			}

			const step = aptInstall([WEB_SERVER_PACKAGE[wanted]], input.lockWaitSeconds);
			const why = recorded ? `Aegir has ${input.hostName} as an ${wanted} server` : `the pack uses ${wanted}`;
			return {
				row: {
					...base,
					ok: false,
					detail: `no web server installed; ${why}`,
					fix: memberFix(`install ${WEB_SERVER_PACKAGE[wanted]}`, [step]),
				},
				kind: wanted,
			};
		}

		case 'ambiguous': {
			return {
				row: {
					...base,
					ok: false,
					detail: 'apache2 and nginx are both installed',
					manual: 'apache2 and nginx are both installed and Aegir has no record of which it uses here: remove one (or register the server in Aegir with its web server), then run again.',
				},
			};
		}

		case 'mismatch': {
			return {
				row: {
					...base,
					ok: false,
					detail: `Aegir has ${input.hostName} as an ${choice.wanted} server, but ${WEB_SERVER_PACKAGE[choice.installed]} is what is installed`,
					manual: `Aegir's record of ${input.hostName} says ${choice.wanted}, the host runs ${choice.installed}: change the server's web service in Aegir or install ${WEB_SERVER_PACKAGE[choice.wanted]}, then run again.`,
				},
			};
		}
	}
}

/** Every prerequisite row of one member, in the order their fixes must run. */
export function checkPrerequisites(input: PrerequisiteInput): PrerequisiteReport {
	const web = webServerRow(input);
	const rows = [
		rsyncRow(input),
		web.row,
		accountRow(input),
		sudoersRow(input, web.kind),
		includeRow(input, web.kind),
		phpRow(input, web.kind),
		mysqlClientRow(input),
		rewriteRow(input, web.kind),
		authorizedKeyRow(input),
		knownHostRow(input),
	];
	const note = clusterSlaveNote(input.member);
	return {host: input.hostName, rows, ...(web.kind ? {webServer: web.kind} : {}), ...(note ? {notes: [note]} : {})};
}

/** True when every row is ✔. */
export function prerequisitesMet(report: PrerequisiteReport): boolean {
	return report.rows.every(row => row.ok);
}
