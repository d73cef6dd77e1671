// Aegir reaches each member as `aegir@<remote_host>` with ssh and rsync, from
// the Aegir server, non-interactively. Two things make that work:
//
// - on the member: the Aegir server's aegir public key in
//   <aegirHome>/.ssh/authorized_keys, with modes sshd's StrictModes accepts
//   (home not group/world-writable, .ssh 0700 and the file 0600, owned by aegir);
// - on the Aegir server: the member's host key in aegir's known_hosts, else
//   "Host key verification failed". The member's keys are read from the member
//   over the tool's own ssh connection, whose host key the tool verified.

import path from 'node:path';
import {DEFAULT_IDENTITIES} from './aegir-server-facts.js';
import {linkRefusal} from '../shell/path-guard.js';
import {chmodAsOwner, chmodDirectory, chownDirectory, editFile, makeDirectoryAs, modeText, type FixStep} from './fix-commands.js';
import type {PathStat} from './member-facts.js';
import type {PrerequisiteFix, PrerequisiteInput, PrerequisiteRow} from './prerequisite-types.js';
import {
	appendLine,
	authorizedKeyStatus,
	keyLine,
	knownHostStatus,
	knownHostsLines,
	knownHostsName,
	parsePublicKey,
	type PublicKey,
} from './ssh-keys.js';

const GROUP_OR_WORLD_WRITABLE = 0o022;
const ANY_GROUP_OR_WORLD = 0o077;

function fixOf(runsOn: PrerequisiteFix['runsOn'], summary: string, steps: FixStep[], diff?: string): PrerequisiteFix {
	return {runsOn, summary, commands: steps.map(step => step.command), display: steps.map(step => step.display), ...(diff ? {diff} : {})};
}

function ownedBy(stat: PathStat | undefined, uid: number | undefined): boolean {
	return stat !== undefined && uid !== undefined && stat.uid === uid;
}

export function authorizedKeyRow(input: PrerequisiteInput): PrerequisiteRow {
	const base = {id: 'authorized-key' as const, title: "Aegir server's key authorized"};
	const {member, aegirUser: user} = input;
	const home = input.aegirHome.replace(/\/+$/, '');
	const sshDir = `${home}/.ssh`;
	const file = `${sshDir}/authorized_keys`;
	const keys = input.aegirServer.identities.flatMap(identity => identity.key ?? []);
	if (keys.length === 0) {
		const where = `${input.aegirServerHome.replace(/\/+$/, '')}/.ssh`;
		return {
			...base,
			ok: false,
			detail: `the Aegir server's ${user} user has no ssh key pair in ${where}`,
			manual: `Aegir connects to its servers with the ${user} user's ssh key, and there is none in ${where} (${DEFAULT_IDENTITIES.join(', ')}). Create one as ${user} (ssh-keygen -t ed25519), then run again.`,
		};
	}

	const uid = member.user?.uid;
	const issues: string[] = [];
	const manual: string[] = [];
	const steps: FixStep[] = [];
	let diff: string | undefined;

	// Links where aegir's directories and file belong are refused by name: nothing below them is touched.
	let linked = false;
	if (!member.home) issues.push(`${home} does not exist (the account fix creates it)`);
	else if (member.home.type === 'symlink') {
		manual.push(linkRefusal(home, member.home.target ?? '?', 'a directory'));
		linked = true;
	} else if ((member.home.mode & GROUP_OR_WORLD_WRITABLE) !== 0) {
		issues.push(`${home} is mode ${modeText(member.home.mode)}: sshd ignores keys under a group- or world-writable home`);
		steps.push(chmodDirectory(home, member.home.mode & ~GROUP_OR_WORLD_WRITABLE & 0o7777));
	}

	if (linked) {
		// Nothing below a home that is a link.
	} else if (!member.sshDir) {
		issues.push(`${sshDir} does not exist`);
		steps.push(makeDirectoryAs(sshDir, user, 0o700));
	} else if (member.sshDir.type === 'symlink') {
		manual.push(linkRefusal(sshDir, member.sshDir.target ?? '?', 'a directory'));
		linked = true;
	} else if (member.sshDir.type !== 'directory') {
		manual.push(`${sshDir} is not a directory`);
	} else {
		const owned = ownedBy(member.sshDir, uid);
		const private_ = (member.sshDir.mode & ANY_GROUP_OR_WORLD) === 0;
		if (!owned) issues.push(`${sshDir} does not belong to ${user}`);
		if (!private_) issues.push(`${sshDir} is mode ${modeText(member.sshDir.mode)}, not 0700`);
		if (!owned || !private_) steps.push(chownDirectory(sshDir, user, 0o700));
	}

	const current = member.authorizedKeys.present ? member.authorizedKeys : undefined;
	if (linked) {
		// Not read, not written: see above.
	} else if (current?.link !== undefined) {
		manual.push(linkRefusal(file, current.link, 'a regular file'));
	} else if (current && !current.readable) {
		manual.push(current.stat && current.stat.type !== 'file' ? `${file} is not a regular file` : `${file} exists but cannot be read`);
	} else {
		const status = authorizedKeyStatus(current?.content ?? '', keys);
		const stat = current?.stat;
		const owned = !stat || ownedBy(stat, uid);
		if (status.state === 'restricted') {
			manual.push(
				`the Aegir server's key is in ${file} (line ${status.entry.line}) but limited by ${status.options.join(', ')}: Aegir's ssh and rsync need it without those options; edit that line`,
			);
		} else if (status.state === 'missing') {
			issues.push(`the Aegir server's ${keys[0]!.type} key is not in ${file}`);
		}

		if (!owned) issues.push(`${file} does not belong to ${user}`);
		// aegir writes its own file: a new one is aegir's (0600), a rewritten one becomes aegir's.
		if (status.state === 'missing' || (!owned && status.state !== 'restricted')) {
			const content = status.state === 'missing' ? appendLine(current?.content ?? '', keyLine(keys[0]!)) : current!.content;
			const edit = editFile({target: file, stamp: input.stamp, newFileMode: '0600', current: current?.content, content, user});
			steps.push(...edit.steps);
			if (status.state === 'missing') diff = edit.diff;
		}

		if (stat && (stat.mode & ANY_GROUP_OR_WORLD) !== 0) {
			issues.push(`${file} is mode ${modeText(stat.mode)}, not 0600`);
			steps.push(chmodAsOwner(file, user, 0o600));
		}
	}

	const ok = issues.length === 0 && manual.length === 0;
	return {
		...base,
		ok,
		detail: ok ? `${file} has the Aegir server's key` : [...issues, ...manual].join('; '),
		...(steps.length > 0 ? {fix: fixOf('member', issues.join('; '), steps, diff)} : {}),
		...(manual.length > 0 ? {manual: `${manual.join('; ')}. Then run again.`} : {}),
	};
}

export function knownHostRow(input: PrerequisiteInput): PrerequisiteRow {
	const base = {id: 'known-host' as const, title: 'member known to Aegir ssh'};
	const {aegirServer, aegirUser: user} = input;
	const sshDir = `${input.aegirServerHome.replace(/\/+$/, '')}/.ssh`;
	const file = `${sshDir}/known_hosts`;
	const name = knownHostsName(input.remoteHost);
	const hostKeys: PublicKey[] = input.member.hostKeys.flatMap(line => parsePublicKey(line) ?? []);
	if (hostKeys.length === 0) {
		return {
			...base,
			ok: false,
			detail: `no ssh host key found on ${input.hostName} (${path.posix.join(input.paths.sshHostKeyDir, 'ssh_host_*_key.pub')})`,
			manual: `Aegir's ssh must know ${input.hostName}'s host key, and none could be read there. Check its sshd host keys, then run again.`,
		};
	}

	if (aegirServer.sshDir?.type === 'symlink') {
		const refusal = linkRefusal(sshDir, aegirServer.sshDir.target ?? '?', 'a directory');
		return {...base, ok: false, detail: refusal, manual: `On the Aegir server: ${refusal}.`};
	}

	const known = aegirServer.knownHosts.present ? aegirServer.knownHosts : undefined;
	if (known?.link !== undefined) {
		const refusal = linkRefusal(file, known.link, 'a regular file');
		return {...base, ok: false, detail: refusal, manual: `On the Aegir server: ${refusal}.`};
	}

	if (known && !known.readable) {
		return {...base, ok: false, detail: `${file} cannot be read`, manual: `${file} on the Aegir server exists but cannot be read. Fix its permissions, then run again.`};
	}

	const global = aegirServer.globalKnownHosts.present && aegirServer.globalKnownHosts.readable ? [aegirServer.globalKnownHosts.content] : [];
	const status = knownHostStatus([known?.content ?? '', ...global], name, hostKeys);
	switch (status.state) {
		case 'known': {
			return {...base, ok: true, detail: `${name} is in the Aegir server's known hosts`};
		}

		case 'revoked': {
			return {
				...base,
				ok: false,
				detail: `${input.hostName}'s ${status.key.type} host key is marked @revoked on the Aegir server`,
				manual: `The Aegir server revoked ${input.hostName}'s host key: find out why before trusting it, then run again.`,
			};
		}

		case 'conflict': {
			const types = status.recorded.map(key => key.type).join(', ');
			return {
				...base,
				ok: false,
				detail: `the Aegir server knows ${name} with other host keys (${types})`,
				manual: `The Aegir server's known hosts hold another key for ${name}: a reinstalled host, or another machine at that address. If you are sure it is ${input.hostName}, remove the old key as ${user} (ssh-keygen -R ${name} -f ${file}), then run again.`,
			};
		}

		case 'missing': {
			const steps: FixStep[] = [];
			if (!aegirServer.sshDir) steps.push(makeDirectoryAs(sshDir, user, 0o700));
			let content = known?.content ?? '';
			for (const line of knownHostsLines(name, hostKeys)) content = appendLine(content, line);
			// aegir's own file, written by aegir where aegir owns the directory (root where root does).
			const edit = editFile({target: file, stamp: input.stamp, newFileMode: '0644', current: known?.content, content, user});
			steps.push(...edit.steps);
			return {
				...base,
				ok: false,
				detail: `${name} is not in ${file} on the Aegir server`,
				fix: fixOf('aegir-server', `add ${input.hostName}'s host keys to ${file}`, steps, edit.diff),
			};
		}
	}
}
