// The fixes that need no root run for real here, on a temp tree standing in
// for a member and the Aegir server: the aegir user is whoever runs the tests.
// A broken tree is fixed to ✔ in one pass, and a second pass finds nothing to do.
// (Account and sudoers fixes need root and visudo: the lab proves those.)

import {lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {includeLinkCommand} from '../../source/aegir/include-check.js';
import type {PrerequisiteId, PrerequisiteInput} from '../../source/aegir/prerequisite-types.js';
import {checkPrerequisites} from '../../source/aegir/prerequisites.js';
import {STAMP} from './prerequisite-fixtures.js';
import {arrangeGoodMember, arrangeServer, makeTree, me, memberFacts, myGid, myGroup, myUid, runFix, serverFacts, sshFixtures, type Tree} from './local-tree.js';

let tree: Tree;
afterEach(() => tree?.cleanup());

const FIXABLE: PrerequisiteId[] = ['authorized-key', 'web-include', 'known-host'];

function input(): PrerequisiteInput {
	return {
		hostName: 'web1',
		remoteHost: '192.0.2.11',
		member: memberFacts(tree),
		aegirServer: serverFacts(tree),
		wantedWebServer: 'apache',
		aegirUser: me,
		aegirHome: tree.home,
		aegirServerHome: tree.serverHome,
		webGroup: myGroup,
		expectedUid: myUid,
		expectedGid: myGid,
		paths: tree.request.paths,
		stamp: STAMP,
		lockWaitSeconds: 5,
	};
}

function rows() {
	return checkPrerequisites(input()).rows.filter(row => FIXABLE.includes(row.id));
}

function copyHostKeys(): void {
	for (const type of ['ed25519', 'rsa']) {
		writeFileSync(path.join(tree.request.paths.sshHostKeyDir, `ssh_host_${type}_key.pub`), readFileSync(path.join(sshFixtures, `web1_host_${type}.pub`)));
	}
}

describe('fixing a broken member for real', () => {
	test('no .ssh, no include, nothing in known_hosts: one pass of fixes, then all ✔, then nothing to do', () => {
		tree = makeTree();
		arrangeServer(tree);
		copyHostKeys();
		const before = rows();
		expect(before.map(row => [row.id, row.ok, row.fix !== undefined])).toEqual([
			['web-include', false, true],
			['authorized-key', false, true],
			['known-host', false, true],
		]);

		for (const row of before) {
			const result = runFix(row.fix!.commands);
			expect(result, `${row.id}: ${result.stderr}`).toMatchObject({status: 0});
		}

		const after = rows();
		expect(after.map(row => [row.id, row.ok, row.fix, row.manual])).toEqual([
			['web-include', true, undefined, undefined],
			['authorized-key', true, undefined, undefined],
			['known-host', true, undefined, undefined],
		]);

		// What the fixes left: modes sshd accepts, the key, the link, aegir's config dir.
		const ssh = path.join(tree.home, '.ssh');
		expect(statSync(ssh).mode & 0o777).toBe(0o700);
		expect(statSync(path.join(ssh, 'authorized_keys')).mode & 0o777).toBe(0o600);
		expect(readFileSync(path.join(ssh, 'authorized_keys'), 'utf8')).toBe(readFileSync(path.join(sshFixtures, 'aegir_ed25519.pub'), 'utf8'));
		expect(readlinkSync(tree.request.paths.apacheInclude)).toBe(path.join(tree.home, 'config', 'apache.conf'));
		expect(readFileSync(path.join(tree.home, 'config', 'apache.conf'), 'utf8')).toBe('');
		expect(readFileSync(path.join(tree.serverHome, '.ssh', 'known_hosts'), 'utf8').split('\n').filter(Boolean)).toHaveLength(2);

		// A second pass: the facts read again say every row is ✔ and nothing is offered.
		expect(rows().every(row => row.ok && row.fix === undefined)).toBe(true);
	});

	test('a good member stays untouched: no fixes offered', () => {
		tree = makeTree();
		arrangeGoodMember(tree);
		arrangeServer(tree, `192.0.2.11 ${readFileSync(path.join(sshFixtures, 'web1_host_ed25519.pub'), 'utf8')}`);
		expect(rows().map(row => [row.id, row.ok])).toEqual([
			['web-include', true],
			['authorized-key', true],
			['known-host', true],
		]);
	});

	test('existing keys and known hosts are kept, with backups of the old files', () => {
		tree = makeTree();
		arrangeGoodMember(tree);
		const authorized = path.join(tree.home, '.ssh', 'authorized_keys');
		const someone = readFileSync(path.join(sshFixtures, 'aegir_rsa.pub'), 'utf8').replace('aegir@', 'someone@');
		writeFileSync(authorized, someone);
		arrangeServer(tree, 'web9.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE\n');
		for (const row of rows().filter(candidate => !candidate.ok)) expect(runFix(row.fix!.commands).status).toBe(0);
		expect(readFileSync(authorized, 'utf8')).toBe(`${someone}${readFileSync(path.join(sshFixtures, 'aegir_ed25519.pub'), 'utf8')}`);
		expect(readFileSync(`${authorized}.aegir-pack-${STAMP}.bak`, 'utf8')).toBe(someone);
		expect(readFileSync(path.join(tree.serverHome, '.ssh', 'known_hosts'), 'utf8')).toMatch(/^web9\.example\.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE\n192\.0\.2\.11 ssh-ed25519 /);
	});

	test('a file changed after the facts were read is not overwritten', () => {
		tree = makeTree();
		arrangeGoodMember(tree);
		const authorized = path.join(tree.home, '.ssh', 'authorized_keys');
		writeFileSync(authorized, '');
		arrangeServer(tree, `192.0.2.11 ${readFileSync(path.join(sshFixtures, 'web1_host_ed25519.pub'), 'utf8')}`);
		const row = rows().find(candidate => candidate.id === 'authorized-key')!;
		writeFileSync(authorized, 'changed by someone else\n');
		const result = runFix(row.fix!.commands);
		expect(result.status).not.toBe(0);
		expect(result.stderr).toContain('changed since it was read; run again');
		expect(readFileSync(authorized, 'utf8')).toBe('changed by someone else\n');
	});
});

describe('the include link script', () => {
	function setUp(): {link: string; target: string} {
		tree = makeTree();
		return {link: tree.request.paths.apacheInclude, target: path.join(tree.home, 'config', 'apache.conf')};
	}

	const run = (link: string, target: string, configTest: string) =>
		runFix([{command: includeLinkCommand({link, target, owner: me, configTest, stamp: STAMP}), what: 'link'}]);

	test('a regular file in the way is kept as a .bak that the web server does not read', () => {
		const {link, target} = setUp();
		writeFileSync(link, '# hand-made include\n');
		const result = run(link, target, 'true');
		expect(result.status).toBe(0);
		expect(readlinkSync(link)).toBe(target);
		const kept = `${link}.aegir-pack-${STAMP}.bak`;
		expect(readFileSync(kept, 'utf8')).toBe('# hand-made include\n');
		expect(kept.endsWith('.conf')).toBe(false);
		expect(result.stdout).toContain(`kept the previous ${link} as ${kept}`);
	});

	test('a config test that passed before and fails after: the link is undone and the old file put back', () => {
		const {link, target} = setUp();
		writeFileSync(link, '# hand-made include\n');
		// Passes while the path is a regular file, fails once it is a link.
		const result = run(link, target, `test ! -L ${link}`);
		expect(result.status).toBe(1);
		expect(result.stderr).toContain("the web server rejects its config with Aegir's include");
		expect(lstatSync(link).isFile()).toBe(true);
		expect(readFileSync(link, 'utf8')).toBe('# hand-made include\n');
		expect(readdirSync(path.dirname(link))).toEqual(['aegir.conf']);
	});

	test('a config test that was already failing does not block, and says so', () => {
		const {link, target} = setUp();
		const result = run(link, target, 'false');
		expect(result.status).toBe(0);
		expect(result.stdout).toContain('was failing before this change too');
		expect(readlinkSync(link)).toBe(target);
	});

	test("a dangling link where Aegir's config belongs is replaced by the empty stand-in", () => {
		const {link, target} = setUp();
		mkdirSync(path.dirname(target), {recursive: true});
		symlinkSync(path.join(tree.home, 'config', 'server_gone', 'apache.conf'), target);
		expect(run(link, target, 'true').status).toBe(0);
		expect(lstatSync(target).isFile()).toBe(true);
		expect(readFileSync(target, 'utf8')).toBe('');
	});

	test('running it again changes nothing', () => {
		const {link, target} = setUp();
		expect(run(link, target, 'true').status).toBe(0);
		const again = run(link, target, 'false');
		expect(again.status).toBe(0);
		expect(again.stdout).toContain('already points to');
		expect(readdirSync(path.dirname(link))).toEqual(['aegir.conf']);
	});

	test('no include directory (web server not installed): fails and creates nothing there', () => {
		const {target} = setUp();
		const link = path.join(tree.root, 'member', 'etc', 'missing', 'aegir.conf');
		const result = run(link, target, 'true');
		expect(result.status).toBe(1);
		expect(result.stderr).toContain('does not exist (is the web server installed?)');
	});
});
