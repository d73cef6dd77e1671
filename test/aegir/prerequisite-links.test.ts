// Issue 11 on a temp tree: the aegir user (nobody, when the tests run as root)
// plants links where its own files belong, on a member and on the Aegir
// server; root's facts never read through them, its rows refuse them by name,
// and its fixes (also those computed before the link appeared) leave the
// root-owned target exactly as it was.

import {spawnSync} from 'node:child_process';
import {chownSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {includeLinkCommand} from '../../source/aegir/include-check.js';
import {MEMBER_FACTS_SCRIPT, memberFactsCommand} from '../../source/aegir/member-facts.js';
import type {PrerequisiteId, PrerequisiteInput, PrerequisiteRow} from '../../source/aegir/prerequisite-types.js';
import {checkPrerequisites} from '../../source/aegir/prerequisites.js';
import {linkRefusal} from '../../source/shell/path-guard.js';
import {AEGIR, asRoot, identity, plant} from '../shell/guard-sandbox.js';
import {arrangeServer, makeLinkTree, memberFacts, runFix, serverFacts, sshFixtures, type Tree} from './local-tree.js';
import {STAMP} from './prerequisite-fixtures.js';

let tree: Tree;
afterEach(() => tree?.cleanup());

function input(): PrerequisiteInput {
	return {
		hostName: 'web1',
		remoteHost: '192.0.2.11',
		member: memberFacts(tree),
		aegirServer: serverFacts(tree, AEGIR.name),
		wantedWebServer: 'apache',
		aegirUser: AEGIR.name,
		aegirHome: tree.home,
		aegirServerHome: tree.serverHome,
		webGroup: AEGIR.name,
		expectedUid: AEGIR.uid,
		expectedGid: AEGIR.gid,
		paths: tree.request.paths,
		stamp: STAMP,
		lockWaitSeconds: 5,
	};
}

const rowOf = (id: PrerequisiteId, from = input()): PrerequisiteRow => checkPrerequisites(from).rows.find(row => row.id === id)!;

function setUp(): void {
	tree = makeLinkTree();
	arrangeServer(tree, '');
	chownTree(path.join(tree.serverHome, '.ssh'));
	for (const type of ['ed25519', 'rsa']) {
		writeFileSync(path.join(tree.request.paths.sshHostKeyDir, `ssh_host_${type}_key.pub`), readFileSync(path.join(sshFixtures, `web1_host_${type}.pub`)));
	}

	plant(`mkdir -m 0700 ${tree.home}/.ssh`);
}

/** What arrangeServer wrote as root belongs to the aegir user, as on a real server. */
function chownTree(directory: string): void {
	chownSync(directory, AEGIR.uid, AEGIR.gid);
	for (const name of ['id_ed25519', 'id_ed25519.pub', 'known_hosts']) {
		if (existsSync(path.join(directory, name))) chownSync(path.join(directory, name), AEGIR.uid, AEGIR.gid);
	}
}

/** A root-owned file standing for /etc/shadow. */
function victim(name = 'victim', content = 'secret\n'): string {
	const file = path.join(tree.root, name);
	writeFileSync(file, content, {mode: 0o640});
	return file;
}

const keys = () => `${tree.home}/.ssh/authorized_keys`;

describe("the member's authorized_keys (L1, L11)", () => {
	test('a link to a root file: the facts report it and never read it, the row refuses it by name, nothing is done through it', () => {
		setUp();
		const shadow = victim();
		const before = identity(shadow);
		plant(`ln -s ${shadow} ${keys()}`);
		const facts = memberFacts(tree);
		expect(facts.authorizedKeys).toMatchObject({present: true, link: shadow, readable: false});
		expect(JSON.stringify(facts)).not.toContain('secret');
		const row = rowOf('authorized-key');
		expect(row.ok).toBe(false);
		expect(row.manual).toContain(linkRefusal(keys(), shadow, 'a regular file'));
		expect(runFix(row.fix?.commands ?? []).status).toBe(0);
		expect(identity(shadow)).toEqual(before);
	});

	test('a dangling link: nothing is created where it points', () => {
		setUp();
		const absent = path.join(tree.root, 'ld.so.preload');
		plant(`ln -s ${absent} ${keys()}`);
		const row = rowOf('authorized-key');
		expect(row.manual).toContain(linkRefusal(keys(), absent, 'a regular file'));
		runFix(row.fix?.commands ?? []);
		expect(existsSync(absent)).toBe(false);
	});

	test.runIf(asRoot)('a link swapped in after the facts were read: the fix fails naming it, the root file keeps its bytes, owner and mode', () => {
		setUp();
		// The key is there but the file is root's: the fix gives aegir its own file.
		writeFileSync(keys(), readFileSync(path.join(tree.serverHome, '.ssh', 'id_ed25519.pub')), {mode: 0o644});
		const row = rowOf('authorized-key');
		expect(row.fix).toBeDefined();
		const shadow = victim();
		const before = identity(shadow);
		plant(`rm -f ${keys()} && ln -s ${shadow} ${keys()}`);
		const result = runFix(row.fix!.commands);
		expect(result.status).not.toBe(0);
		expect(result.stderr).toContain(linkRefusal(keys(), shadow, 'a regular file'));
		expect(identity(shadow)).toEqual(before);
	});

	test('a FIFO where the file belongs does not hold the facts: it is reported as not a regular file', () => {
		setUp();
		plant(`mkfifo ${keys()}`);
		const result = spawnSync('sh', ['-c', memberFactsCommand(tree.request, 'n0nce')], {input: MEMBER_FACTS_SCRIPT, encoding: 'utf8', timeout: 20_000});
		expect(result.status).toBe(0);
		expect(memberFacts(tree).authorizedKeys).toMatchObject({present: true, readable: false});
	});
});

describe("the member's .ssh and home (L2, L3)", () => {
	test(".ssh a link to root's .ssh: the row refuses it by name, root's .ssh and its keys stay as they were", () => {
		setUp();
		const rootSsh = path.join(tree.root, 'root-ssh');
		mkdirSync(rootSsh, {mode: 0o700});
		writeFileSync(path.join(rootSsh, 'authorized_keys'), 'ssh-ed25519 AAAA admin\n', {mode: 0o600});
		const before = [identity(rootSsh), identity(path.join(rootSsh, 'authorized_keys'))];
		plant(`rm -rf ${tree.home}/.ssh && ln -s ${rootSsh} ${tree.home}/.ssh`);
		const row = rowOf('authorized-key');
		expect(row.ok).toBe(false);
		expect(row.manual).toContain(linkRefusal(`${tree.home}/.ssh`, rootSsh, 'a directory'));
		runFix(row.fix?.commands ?? []);
		expect([identity(rootSsh), identity(path.join(rootSsh, 'authorized_keys'))]).toEqual(before);
	});

	test('the home a link (left by someone else): the account and key rows refuse it by name and change nothing where it points', () => {
		setUp();
		const elsewhere = path.join(tree.root, 'root-home');
		mkdirSync(elsewhere, {mode: 0o700});
		const before = identity(elsewhere);
		spawnSync('sh', ['-c', `mv ${tree.home} ${tree.home}.real && ln -s ${elsewhere} ${tree.home}`]);
		const from = input();
		for (const id of ['aegir-account', 'authorized-key'] as const) {
			const row = rowOf(id, from);
			expect(row.manual, id).toContain(linkRefusal(tree.home, elsewhere, 'a directory'));
			runFix(row.fix?.commands ?? []);
		}

		expect(identity(elsewhere)).toEqual(before);
	});
});

describe("the Aegir server's known_hosts (L4)", () => {
	const known = () => path.join(tree.serverHome, '.ssh', 'known_hosts');

	test.each([
		['to a root file', true],
		['dangling', false],
	])('a link %s: the row refuses it by name; a fix computed before it appeared fails, and nothing changes where it points', (_name, exists) => {
		setUp();
		const fix = rowOf('known-host').fix;
		expect(fix).toBeDefined();
		const target = exists ? victim('sudoers') : path.join(tree.root, 'ld.so.preload');
		const before = exists ? identity(target) : undefined;
		plant(`rm -f ${known()} && ln -s ${target} ${known()}`);
		const row = rowOf('known-host');
		expect(row.ok).toBe(false);
		expect(row.manual).toContain(linkRefusal(known(), target, 'a regular file'));
		const result = runFix(fix!.commands);
		expect(result.status).not.toBe(0);
		expect(result.stderr).toContain(linkRefusal(known(), target, 'a regular file'));
		if (before) expect(identity(target)).toEqual(before);
		else expect(existsSync(target)).toBe(false);
	});
});

describe("Aegir's config directory for the web server's include (L8)", () => {
	test("config a link to a root directory: the include script fails naming it, nothing is created there", () => {
		setUp();
		const modprobe = path.join(tree.root, 'modprobe.d');
		mkdirSync(modprobe, {mode: 0o755});
		const before = identity(modprobe);
		plant(`ln -s ${modprobe} ${tree.home}/config`);
		const link = tree.request.paths.apacheInclude;
		const target = path.join(tree.home, 'config', 'apache.conf');
		const result = runFix([{command: includeLinkCommand({link, target, owner: AEGIR.name, configTest: 'true', stamp: STAMP}), what: 'link'}]);
		expect(result.status).not.toBe(0);
		expect(result.stderr).toContain(linkRefusal(`${tree.home}/config`, modprobe, 'a directory'));
		expect(identity(modprobe)).toEqual(before);
		expect(rowOf('web-include').manual).toContain(linkRefusal(`${tree.home}/config`, modprobe, 'a directory'));
	});
});
