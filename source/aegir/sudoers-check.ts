// /etc/sudoers.d/aegir on a member: lets Aegir's http_restart_cmd run as root
// without a password or a tty. A new or completed file is checked with
// `visudo -cf` on the temp file before it replaces anything, so sudo is never
// left with a file it cannot parse; then it gets root:root 0440.
//
// Backups and safe-edit's temp files contain a '.', and sudo skips such names
// in an #includedir: neither is ever read as sudoers.

import path from 'node:path';
import {guardedCommand} from '../shell/path-guard.js';
import {commandLine} from '../shell/quote.js';
import {aptInstall, editFile, memberFix, modeText, type FixStep} from './fix-commands.js';
import type {PrerequisiteInput, PrerequisiteRow} from './prerequisite-types.js';
import {allowedProgramsText, restartGrant} from './restart-command.js';
import {SUDOERS_MODE, SUDOERS_VALIDATE, SUDOERS_VALIDATE_LABEL, completeSudoers, extraPrograms, sudoersState} from './sudoers.js';
import {DEFAULT_RESTART_PATHS, type WebServerKind} from './web-server.js';

/** root:root 0440 on the file itself (a root-only directory, but never through a link all the same). */
function ownSudoersFile(file: string): FixStep {
	const script = 'ap_no_link "$1" "a regular file"\nchown -h -- root:root "$1" && chmod 0440 -- "$1" || ap_fail "cannot give $1 root:root 0440"';
	return {
		command: {command: guardedCommand(script, 'aegir-pack-sudoers-owner', [file]), what: `giving ${file} to root, mode 0440`},
		display: `${commandLine(['chown', '-h', '--', 'root:root', file])} && ${commandLine(['chmod', '0440', '--', file])}`,
	};
}

function row(partial: Omit<PrerequisiteRow, 'id' | 'title'>): PrerequisiteRow {
	return {id: 'sudoers', title: 'sudo for web server reloads', ...partial};
}

export function sudoersRow(input: PrerequisiteInput, kind: WebServerKind | undefined): PrerequisiteRow {
	const {member} = input;
	const file = input.paths.sudoersFile;
	if (!kind) return row({ok: false, detail: 'depends on the web server, which is not settled (see above)'});

	let programs: readonly string[] = DEFAULT_RESTART_PATHS[kind];
	const restart = input.aegirRecord?.httpRestartCmd;
	if (restart !== undefined) {
		// Aegir's alias files are the aegir user's to write: the program is checked, never copied as it is.
		const grant = restartGrant(restart, kind);
		if (grant.kind === 'no-sudo') return row({ok: true, detail: `Aegir's restart command (${restart}) does not use sudo`});
		if (grant.kind === 'refused') {
			return row({
				ok: false,
				detail: `${grant.reason}: not a web server restart program`,
				manual: `Aegir's restart command for ${input.hostName} (${JSON.stringify(restart)}): ${grant.reason}; aegir-pack grants sudo only for ${allowedProgramsText()}, as Aegir's documentation does; ${file} was not written. Correct the server's restart command in Aegir, then run again.`,
			});
		}

		programs = [grant.program];
	}

	const need = {user: input.aegirUser, programs};
	const issues: string[] = [];
	const manual: string[] = [];
	const steps: FixStep[] = [];
	let diff: string | undefined;

	const sudoInstalled = member.commands['visudo'] !== undefined || member.packages['sudo'] === true;
	if (!sudoInstalled) {
		issues.push('sudo is not installed');
		steps.push(aptInstall(['sudo'], input.lockWaitSeconds));
	}

	const directory = path.posix.dirname(file);
	if (member.sudoersIncludes !== undefined && !member.sudoersIncludes.includes(directory)) {
		manual.push(`${input.paths.sudoersMain} has no "@includedir ${directory}", so sudo never reads ${file}: add it with visudo`);
	}

	const current = member.sudoers.present ? member.sudoers : undefined;
	if (current && !current.readable) {
		manual.push(`${file} exists but cannot be read`);
	} else if (current?.stat && current.stat.type !== 'file') {
		manual.push(`${file} is not a regular file`);
	} else {
		const completed = completeSudoers(current?.content, need);
		if (completed.changed) {
			if (current) {
				const state = sudoersState(current.content, need);
				if (!state.noRequiretty) issues.push(`no "Defaults:${need.user} !requiretty"`);
				if (state.missingPrograms.length > 0) issues.push(`${need.user} may not run ${state.missingPrograms.join(', ')} without a password`);
			} else {
				issues.push(`${file} is missing`);
			}

			const edit = editFile({
				target: file,
				stamp: input.stamp,
				validate: SUDOERS_VALIDATE,
				validateLabel: SUDOERS_VALIDATE_LABEL,
				newFileMode: modeText(SUDOERS_MODE),
				current: current?.content,
				content: completed.content,
			});
			steps.push(...edit.steps);
			diff = edit.diff;
		}

		const stat = current?.stat;
		if (stat && (stat.uid !== 0 || stat.gid !== 0 || stat.mode !== SUDOERS_MODE)) {
			issues.push(`${file} is mode ${modeText(stat.mode)}, owner ${stat.uid}:${stat.gid}, not 0440 root:root`);
			steps.push(ownSudoersFile(file));
		}
	}

	// Not ours to take back, but said: a person granted more than Aegir needs.
	const extra = current?.readable ? extraPrograms(current.content, need) : [];
	const wider = extra.length > 0 ? `; ${file} also lets ${need.user} run ${extra.join(', ')}: more than Aegir needs` : '';
	const ok = issues.length === 0 && manual.length === 0;
	return row({
		ok,
		detail: ok ? `${file}: ${need.user} runs ${programs.join(', ')} with no password and no tty${wider}` : [...issues, ...manual].join('; '),
		...(steps.length > 0 ? {fix: memberFix(issues.join('; '), steps, diff)} : {}),
		...(manual.length > 0 ? {manual: `${manual.join('; ')}. Then run again.`} : {}),
	});
}
