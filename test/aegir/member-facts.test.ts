// The facts scripts run for real here, on a temp tree that stands in for a
// member and the Aegir server (no root needed: every path is an argument).

import {mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {MemberFactsParseError, memberFactsCommand, parseMemberFacts, parseStat} from '../../source/aegir/member-facts.js';
import {parsePublicKey} from '../../source/aegir/ssh-keys.js';
import {arrangeGoodMember, arrangeServer, makeTree, me, memberFacts, myGid, myGroup, myUid, serverFacts, sshFixtures, type Tree} from './local-tree.js';

let tree: Tree;
afterEach(() => tree?.cleanup());

describe('the member facts script on a temp tree', () => {
	test('an empty member: nothing there, every file reported absent', () => {
		tree = makeTree();
		const facts = memberFacts(tree);
		expect(facts.user?.name).toBe(me);
		expect(facts.user?.uid).toBe(myUid);
		expect(facts.uidHolder?.name).toBe(me);
		expect(facts.gidHolder?.gid).toBe(myGid);
		expect(facts.webGroup?.name).toBe(myGroup);
		expect(facts.userGroups).toContain(myGroup);
		expect(facts.sudoers).toEqual({present: false});
		expect(facts.sudoersIncludes).toBeUndefined();
		expect(facts.apacheInclude).toEqual({resolves: false});
		expect(facts.apacheTarget).toBeUndefined();
		expect(facts.configDir).toBeUndefined();
		expect(facts.home).toMatchObject({type: 'directory', uid: myUid});
		expect(facts.sshDir).toBeUndefined();
		expect(facts.authorizedKeys).toEqual({present: false});
		expect(facts.shells).toBeUndefined();
		expect(facts.hostKeys).toEqual([]);
	});

	test('a member as Aegir wants it: files with stat and exact content, the link and its target', () => {
		tree = makeTree();
		arrangeGoodMember(tree);
		const facts = memberFacts(tree);
		const {paths} = tree.request;
		expect(facts.sudoers).toEqual({
			present: true,
			stat: {type: 'file', mode: 0o440, uid: myUid, gid: myGid},
			content: readFileSync(paths.sudoersFile, 'utf8'),
			readable: true,
		});
		expect(facts.sudoersIncludes).toEqual(['/etc/sudoers.d']);
		expect(facts.apacheInclude).toEqual({
			stat: {type: 'symlink', mode: 0o777, uid: myUid, gid: myGid},
			target: path.join(tree.home, 'config', 'apache.conf'),
			resolves: true,
		});
		expect(facts.apacheTarget).toMatchObject({type: 'file'});
		expect(facts.configDir).toMatchObject({type: 'directory', uid: myUid});
		expect(facts.sshDir).toMatchObject({type: 'directory', mode: 0o700});
		expect(facts.authorizedKeys).toMatchObject({present: true, readable: true, stat: {mode: 0o600}});
		expect(facts.shells).toEqual(['/bin/sh', '/bin/bash']);
		expect(facts.hostKeys.map(line => parsePublicKey(line)?.type).sort()).toEqual(['ssh-ed25519', 'ssh-rsa']);
	});

	test('a dangling link and a path with spaces and quotes', () => {
		tree = makeTree();
		const odd = path.join(tree.root, "conf d'x", 'aegir.conf');
		tree.request.paths.nginxInclude = odd;
		symlinkSync('/nonexistent/aegir-pack', tree.request.paths.apacheInclude);
		const facts = memberFacts(tree);
		expect(facts.apacheInclude).toMatchObject({stat: {type: 'symlink'}, target: '/nonexistent/aegir-pack', resolves: false});
		expect(facts.nginxInclude).toEqual({resolves: false});
	});

	test('content is read byte for byte, a missing final newline included', () => {
		tree = makeTree();
		arrangeGoodMember(tree);
		const content = `${readFileSync(path.join(sshFixtures, 'aegir_rsa.pub'), 'utf8').trim()}\n\n# x\n@@not a section@@ end`;
		writeFileSync(path.join(tree.home, '.ssh', 'authorized_keys'), content);
		const facts = memberFacts(tree);
		expect(facts.authorizedKeys).toMatchObject({content});
	});

	test('an unreadable file (a directory named like one) is present but not readable', () => {
		tree = makeTree();
		arrangeGoodMember(tree);
		tree.request.paths.sudoersFile = tree.home;
		expect(memberFacts(tree).sudoers).toMatchObject({present: true, readable: false, stat: {type: 'directory'}});
	});

	test('no expected uid/gid: no holder lookups', () => {
		tree = makeTree();
		delete tree.request.expectedUid;
		delete tree.request.expectedGid;
		const facts = memberFacts(tree);
		expect(facts.uidHolder).toBeUndefined();
		expect(facts.gidHolder).toBeUndefined();
	});
});

describe('the Aegir server facts script on a temp tree', () => {
	test('key pairs in ssh order, known_hosts with stat, and absent files', () => {
		tree = makeTree();
		arrangeServer(tree, '192.0.2.11 ssh-ed25519 AAAA\n');
		const facts = serverFacts(tree);
		expect(facts.identities).toEqual([
			{name: 'id_ed25519', key: parsePublicKey(readFileSync(path.join(sshFixtures, 'aegir_ed25519.pub'), 'utf8')), line: readFileSync(path.join(sshFixtures, 'aegir_ed25519.pub'), 'utf8').trim()},
		]);
		expect(facts.sshDir).toMatchObject({type: 'directory'});
		expect(facts.knownHosts).toMatchObject({present: true, readable: true, content: '192.0.2.11 ssh-ed25519 AAAA\n'});
		expect(facts.globalKnownHosts).toEqual({present: false});
	});

	test('a .pub without its private key is not an identity; a bad .pub is kept without a key', () => {
		tree = makeTree();
		arrangeServer(tree);
		writeFileSync(path.join(tree.serverHome, '.ssh', 'id_rsa.pub'), readFileSync(path.join(sshFixtures, 'aegir_rsa.pub')));
		writeFileSync(path.join(tree.serverHome, '.ssh', 'id_ecdsa'), 'x');
		writeFileSync(path.join(tree.serverHome, '.ssh', 'id_ecdsa.pub'), 'garbage\n');
		const facts = serverFacts(tree);
		expect(facts.identities.map(identity => [identity.name, identity.key?.type])).toEqual([
			['id_ecdsa', undefined],
			['id_ed25519', 'ssh-ed25519'],
		]);
	});
});

test('the command quotes every argument and passes empty ids as empty words', () => {
	tree = makeTree();
	delete tree.request.expectedUid;
	const command = memberFactsCommand({...tree.request, aegirHome: "/var/a'gir/"}, 'n0nce');
	expect(command).toMatch(/^sh -s -- n0nce /);
	expect(command).toContain(`'/var/a'\\''gir' ${myGroup} '' ${myGid} `);
	expect(command).toContain(`'/var/a'\\''gir/config/apache.conf'`);
});

describe('parsing', () => {
	test('output cut before the end is an error', () => {
		expect(() => parseMemberFacts('\n@@n@@ uid\n0\n', 'n')).toThrow(MemberFactsParseError);
	});

	test('a section marker with another nonce is content, not a section', () => {
		// Files travel as base64 (issue 11): a section marker inside a file cannot even be printed.
		const b64 = Buffer.from('x\n@@other@@ end\n').toString('base64');
		const facts = parseMemberFacts(`\n@@n@@ authorized-keys.b64\n${b64}\n@@n@@ authorized-keys.rc\n0\n@@n@@ end\n`, 'n');
		expect(facts.authorizedKeys).toMatchObject({present: true, content: 'x\n@@other@@ end\n', readable: true});
	});

	test.each([
		['regular file|644|0|0', {type: 'file', mode: 0o644, uid: 0, gid: 0}],
		['regular empty file|600|33|33', {type: 'file', mode: 0o600, uid: 33, gid: 33}],
		['directory|2775|1000|33', {type: 'directory', mode: 0o2775, uid: 1000, gid: 33}],
		['symbolic link|777|0|0', {type: 'symlink', mode: 0o777, uid: 0, gid: 0}],
		['fifo|644|0|0', {type: 'other', mode: 0o644, uid: 0, gid: 0}],
		['', undefined],
		['directory|rwx|0|0', undefined],
		['directory|755|x|0', undefined],
	])('parseStat(%j)', (text, expected) => {
		expect(parseStat(text)).toEqual(expected);
	});
});

describe('the facts the PHP, rewrite and cluster-slave rows read', () => {
	test("Apache's enabled modules are the *.load names of mods-enabled; without the directory there is no list", () => {
		tree = makeTree();
		expect(memberFacts(tree).apacheModules).toBeUndefined();
		const mods = path.join(tree.root, 'member', 'etc', 'apache2', 'mods-enabled');
		mkdirSync(mods, {recursive: true});
		for (const name of ['rewrite.load', 'php8.2.load', 'php8.2.conf', 'mpm_prefork.load']) writeFileSync(path.join(mods, name), '');
		tree.request.paths.apacheModsEnabled = mods;
		expect(memberFacts(tree).apacheModules?.sort()).toEqual(['mpm_prefork', 'php8.2', 'rewrite']);
	});

	test('parsed: php answering for mysqli, php-fpm, and an installed aegir3-cluster-slave with its version', () => {
		const section = (name: string, body: string) => `\n@@n@@ ${name}\n${body}`;
		const text = [
			section('php-mysql.rc', '0'),
			section('apache-modules', 'rewrite\nphp8.2\n'),
			section('php-fpm', 'php-fpm8.2\n'),
			section('cluster-slave', 'ii \t7.x-3.190\n'),
			section('end', ''),
		].join('');
		expect(parseMemberFacts(text, 'n')).toMatchObject({phpMysql: true, apacheModules: ['rewrite', 'php8.2'], phpFpm: ['php-fpm8.2'], clusterSlave: {version: '7.x-3.190'}});
		const removed = [section('php-mysql.rc', '1'), section('cluster-slave', 'rc \t7.x-3.190\n'), section('end', '')].join('');
		const facts = parseMemberFacts(removed, 'n');
		expect(facts.phpMysql).toBe(false);
		expect(facts.clusterSlave).toBeUndefined();
	});
});
