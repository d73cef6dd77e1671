// The aegir user and group on a member: they exist with the pack's uid/gid
// (files on the shared platforms must keep their owner on every head), home
// /var/aegir, a login shell (Aegir runs commands over ssh as aegir) and the
// web server's group. Creating what is missing is safe; changing an existing
// uid or gid is not (files keep the old number), so that is left to a human.

import {linkRefusal} from '../shell/path-guard.js';
import {chownDirectory, makeDirectoryAs, memberFix, plain, type FixStep} from './fix-commands.js';
import type {PrerequisiteInput, PrerequisiteRow} from './prerequisite-types.js';

export const LOGIN_SHELL = '/bin/bash';
const NO_LOGIN = new Set(['', '/usr/sbin/nologin', '/sbin/nologin', '/bin/false', '/usr/bin/false']);

export function isLoginShell(shell: string, shells: string[] | undefined): boolean {
	if (NO_LOGIN.has(shell)) return false;
	return shells === undefined || shells.includes(shell);
}

const MANUAL_ID_CHANGE =
	'Change it by hand (usermod --uid / groupmod --gid, then chown the files that kept the old number), or pick the same ids on the Aegir server, then run again.';

export function accountRow(input: PrerequisiteInput): PrerequisiteRow {
	const {member, aegirUser: name, webGroup} = input;
	const home = input.aegirHome.replace(/\/+$/, '');
	const {user, group} = member;
	const issues: string[] = [];
	const manual: string[] = [];
	const steps: FixStep[] = [];

	if (group) {
		if (input.expectedGid !== undefined && group.gid !== input.expectedGid) {
			manual.push(`the ${name} group has gid ${group.gid} here but ${input.expectedGid} on the Aegir server`);
		}
	} else if (input.expectedGid !== undefined && member.gidHolder && member.gidHolder.name !== name) {
		manual.push(`there is no ${name} group, and gid ${input.expectedGid} is taken here by the group ${member.gidHolder.name}`);
	} else {
		issues.push(`no ${name} group`);
		const gid = input.expectedGid === undefined ? [] : ['--gid', String(input.expectedGid)];
		steps.push(plain(['groupadd', '--system', ...gid, name], `creating the group ${name}`));
	}

	const inWebGroup =
		user !== undefined &&
		(member.userGroups.includes(webGroup) || (member.webGroup?.members.includes(name) ?? false) || member.webGroup?.gid === user.gid);
	if (!member.webGroup) manual.push(`the group ${webGroup} does not exist here (Debian's base system and web server packages make it)`);

	if (user) {
		if (input.expectedUid !== undefined && user.uid !== input.expectedUid) {
			manual.push(`the ${name} user has uid ${user.uid} here but ${input.expectedUid} on the Aegir server`);
		}

		if (group && user.gid !== group.gid) manual.push(`the ${name} user's primary group is gid ${user.gid}, not the ${name} group (gid ${group.gid})`);
		if (user.home !== home) {
			issues.push(`home is ${user.home || '(none)'}, not ${home}`);
			steps.push(plain(['usermod', '--home', home, name], `setting the home of ${name}`));
		}

		if (!isLoginShell(user.shell, member.shells)) {
			issues.push(`shell ${user.shell || '(none)'} is not a login shell`);
			steps.push(plain(['usermod', '--shell', LOGIN_SHELL, name], `giving ${name} a login shell`));
		}

		if (!inWebGroup && member.webGroup) {
			issues.push(`not in the ${webGroup} group`);
			steps.push(plain(['usermod', '--append', '--groups', webGroup, name], `adding ${name} to ${webGroup}`));
		}
	} else if (input.expectedUid !== undefined && member.uidHolder && member.uidHolder.name !== name) {
		manual.push(`there is no ${name} user, and uid ${input.expectedUid} is taken here by ${member.uidHolder.name}`);
	} else {
		issues.push(`no ${name} user`);
		const uid = input.expectedUid === undefined ? [] : ['--uid', String(input.expectedUid)];
		steps.push(
			plain(
				['useradd', '--system', ...uid, '--gid', name, '--home-dir', home, '--no-create-home', '--shell', LOGIN_SHELL, '--comment', 'Aegir', name],
				`creating the user ${name}`,
			),
		);
		if (member.webGroup) steps.push(plain(['usermod', '--append', '--groups', webGroup, name], `adding ${name} to ${webGroup}`));
	}

	if (!member.home) {
		issues.push(`${home} does not exist`);
		steps.push(makeDirectoryAs(home, name, 0o755));
	} else if (member.home.type === 'symlink') {
		// Root never gives away a directory it did not check: whoever made the link must decide.
		manual.push(linkRefusal(home, member.home.target ?? '?', 'a directory'));
	} else if (member.home.type !== 'directory') {
		manual.push(`${home} is not a directory`);
	} else if (user && member.home.uid !== user.uid) {
		issues.push(`${home} is owned by uid ${member.home.uid}, not ${name}`);
		steps.push(chownDirectory(home, name));
	}

	const ok = issues.length === 0 && manual.length === 0;
	const detail = ok
		? `uid ${user!.uid}, gid ${group!.gid}, home ${home}, shell ${user!.shell}, in ${webGroup}`
		: [...issues, ...manual].join('; ');
	return {
		id: 'aegir-account',
		title: `${name} user and group`,
		ok,
		detail,
		...(steps.length > 0 ? {fix: memberFix(issues.join('; '), steps)} : {}),
		...(manual.length > 0 ? {manual: `${manual.join('; ')}. ${manual.some(text => / (uid|gid) /.test(text)) ? MANUAL_ID_CHANGE : 'Fix it by hand, then run again.'}`} : {}),
	};
}
