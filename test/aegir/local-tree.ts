// A member and an Aegir server laid out under one temp directory, so the real
// facts scripts and fix commands run on this machine without root: the
// "aegir" user is whoever runs the tests, every system path is inside the tree.

import {spawnSync} from 'node:child_process';
import {chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir, userInfo} from 'node:os';
import path from 'node:path';
import {AEGIR_SERVER_FACTS_SCRIPT, aegirServerFactsCommand, parseAegirServerFacts, type AegirServerFacts} from '../../source/aegir/aegir-server-facts.js';
import {MEMBER_FACTS_SCRIPT, memberFactsCommand, parseMemberFacts, type MemberFacts, type MemberFactsRequest} from '../../source/aegir/member-facts.js';
import type {FixCommand} from '../../source/aegir/prerequisite-types.js';
import {AEGIR} from '../shell/guard-sandbox.js';

export const sshFixtures = path.join(import.meta.dirname, 'fixtures', 'ssh');
export const me = userInfo().username;
export const myGroup = spawnSync('id', ['-gn'], {encoding: 'utf8'}).stdout.trim();
export const myUid = userInfo().uid;
export const myGid = userInfo().gid;

export type Tree = {
	root: string;
	/** The member's Aegir home. */
	home: string;
	/** The Aegir server's Aegir home. */
	serverHome: string;
	request: MemberFactsRequest;
	globalKnownHosts: string;
	cleanup(): void;
};

export function makeTree(): Tree {
	const root = mkdtempSync(path.join(tmpdir(), 'aegir-prereq-'));
	const home = path.join(root, 'member', 'var', 'aegir');
	const serverHome = path.join(root, 'server', 'var', 'aegir');
	for (const directory of [home, serverHome, path.join(root, 'member', 'etc', 'sudoers.d'), path.join(root, 'member', 'etc', 'apache2', 'conf-enabled'), path.join(root, 'member', 'etc', 'nginx', 'conf.d'), path.join(root, 'member', 'etc', 'ssh')]) {
		mkdirSync(directory, {recursive: true});
	}

	const etc = path.join(root, 'member', 'etc');
	return {
		root,
		home,
		serverHome,
		globalKnownHosts: path.join(root, 'server', 'etc', 'ssh', 'ssh_known_hosts'),
		request: {
			aegirUser: me,
			aegirHome: home,
			webGroup: myGroup,
			expectedUid: myUid,
			expectedGid: myGid,
			paths: {
				sudoersFile: path.join(etc, 'sudoers.d', 'aegir'),
				sudoersMain: path.join(etc, 'sudoers'),
				apacheInclude: path.join(etc, 'apache2', 'conf-enabled', 'aegir.conf'),
				nginxInclude: path.join(etc, 'nginx', 'conf.d', 'aegir.conf'),
				shellsFile: path.join(etc, 'shells'),
				sshHostKeyDir: path.join(etc, 'ssh'),
				// Made by the apache2 stand-in of simulated-member.ts, as the package does.
				apacheModsEnabled: path.join(etc, 'apache2', 'mods-enabled'),
			},
		},
		cleanup: () => rmSync(root, {recursive: true, force: true}),
	};
}

/**
 * A tree whose aegir user is not the one running the scripts: as root, the
 * homes (member and Aegir server) belong to `nobody`, who plants links there,
 * and root runs the facts and fixes as on a real host. Not as root, the test
 * user is both (only refusals can be proven then).
 */
export function makeLinkTree(): Tree {
	const tree = makeTree();
	chmodSync(tree.root, 0o755);
	for (const home of [tree.home, tree.serverHome]) chownSync(home, AEGIR.uid, AEGIR.gid);
	tree.request = {...tree.request, aegirUser: AEGIR.name, webGroup: AEGIR.name, expectedUid: AEGIR.uid, expectedGid: AEGIR.gid};
	return tree;
}

/** The member as Aegir wants it (for what a non-root test can arrange). */
export function arrangeGoodMember(tree: Tree): void {
	const {home, request} = tree;
	mkdirSync(path.join(home, 'config'), {recursive: true});
	writeFileSync(path.join(home, 'config', 'apache.conf'), '');
	symlinkSync(path.join(home, 'config', 'apache.conf'), request.paths.apacheInclude);
	mkdirSync(path.join(home, '.ssh'), {mode: 0o700});
	chmodSync(path.join(home, '.ssh'), 0o700);
	writeFileSync(path.join(home, '.ssh', 'authorized_keys'), readFileSync(path.join(sshFixtures, 'aegir_ed25519.pub')));
	chmodSync(path.join(home, '.ssh', 'authorized_keys'), 0o600);
	writeFileSync(request.paths.sudoersFile, `Defaults:${me} !requiretty\n${me} ALL=NOPASSWD: /usr/sbin/apache2ctl\n`);
	chmodSync(request.paths.sudoersFile, 0o440);
	writeFileSync(request.paths.sudoersMain, 'Defaults env_reset\n@includedir /etc/sudoers.d\n');
	writeFileSync(request.paths.shellsFile, '# /etc/shells\n/bin/sh\n/bin/bash\n');
	copyFileSync(path.join(sshFixtures, 'web1_host_ed25519.pub'), path.join(request.paths.sshHostKeyDir, 'ssh_host_ed25519_key.pub'));
	copyFileSync(path.join(sshFixtures, 'web1_host_rsa.pub'), path.join(request.paths.sshHostKeyDir, 'ssh_host_rsa_key.pub'));
}

/** The Aegir server with an ed25519 key pair (the private half is a placeholder: only its presence counts). */
export function arrangeServer(tree: Tree, knownHosts?: string): void {
	const ssh = path.join(tree.serverHome, '.ssh');
	mkdirSync(ssh, {recursive: true, mode: 0o700});
	writeFileSync(path.join(ssh, 'id_ed25519'), 'placeholder: not a key\n', {mode: 0o600});
	copyFileSync(path.join(sshFixtures, 'aegir_ed25519.pub'), path.join(ssh, 'id_ed25519.pub'));
	if (knownHosts !== undefined) writeFileSync(path.join(ssh, 'known_hosts'), knownHosts);
}

const NONCE = 'n0nce';

export function memberFacts(tree: Tree): MemberFacts {
	const result = spawnSync('sh', ['-c', memberFactsCommand(tree.request, NONCE)], {input: MEMBER_FACTS_SCRIPT, encoding: 'utf8'});
	if (result.status !== 0) throw new Error(`member facts failed: ${result.stderr}`);
	return parseMemberFacts(result.stdout, NONCE);
}

export function serverFacts(tree: Tree, aegirUser?: string): AegirServerFacts {
	const command = aegirServerFactsCommand({aegirHome: tree.serverHome, globalKnownHosts: tree.globalKnownHosts, ...(aegirUser ? {aegirUser} : {})}, NONCE);
	const result = spawnSync('sh', ['-c', command], {input: AEGIR_SERVER_FACTS_SCRIPT, encoding: 'utf8'});
	if (result.status !== 0) throw new Error(`server facts failed: ${result.stderr}`);
	return parseAegirServerFacts(result.stdout, NONCE);
}

/** Run fix commands as the runner would (sh, stdin), stopping at the first failure. */
export function runFix(commands: FixCommand[]): {status: number; stdout: string; stderr: string} {
	let stdout = '';
	let stderr = '';
	for (const command of commands) {
		const result = spawnSync('sh', ['-c', command.command], {input: command.stdin ?? '', encoding: 'utf8'});
		stdout += result.stdout;
		stderr += result.stderr;
		if (result.status !== 0) return {status: result.status ?? -1, stdout, stderr};
	}

	return {status: 0, stdout, stderr};
}
