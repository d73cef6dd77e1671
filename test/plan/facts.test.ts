import {mkdirSync, readdirSync, symlinkSync, writeFileSync} from 'node:fs';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {FactsParseError, gatherFacts, parseFacts} from '../../source/plan/facts.js';
import {FACTS_SCRIPT, factsCommand} from '../../source/plan/facts-script.js';
import {StepFailedError} from '../../source/contracts/command-error.js';
import type {Transport} from '../../source/contracts/transport.js';
import {LocalShTransport} from './local-sh-transport.js';
import {makeSandbox, type Sandbox} from './sandbox.js';

const N = '0123abcd';
const section = (name: string, content: string) => `\n@@${N}@@ ${name}\n${content}`;
// Files travel as base64 (their exact bytes); the parsed content is one character per byte.
const b64 = (text: string) => Buffer.from(text).toString('base64');

// What the script printed on a Debian 12 NFS client of a working pack (trimmed to what is parsed).
const CLIENT_CAPTURE = [
	section('hostname', 'web1\n'),
	section('uid', '0\n'),
	section(
		'os-release',
		'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nID=debian\n',
	),
	section('commands', 'apt-get\ndpkg\ndpkg-query\nfindmnt\nmount\numount\ninstall\nmktemp\nsha256sum\ntimeout\n'),
	section('packages', 'nfs-common\tii \t1:2.6.2-4\nrsync\tii \t3.2.7-1\n'),
	section('passwd', 'aegir:x:1500:1500:Aegir:/var/aegir:/bin/bash\n'),
	section('group', 'aegir:x:1500:\n'),
	section(
		'df',
		'Filesystem     1024-blocks    Used Available Capacity Mounted on\n/dev/vda1        20466256 5123456  14280032      27% /\n/dev/vda1        20466256 5123456  14280032      27% /\n',
	),
	section('fstab.b64', b64('# /etc/fstab\nUUID=1 / ext4 defaults 0 1\n192.0.2.10:/var/aegir/platforms /var/aegir/platforms nfs rw,hard,_netdev,nofail 0 0  # aegir-pack: p')),
	section('fstab.rc', '0'),
	section('dropin.missing', ''),
	section(
		'mount',
		'{\n   "filesystems": [\n      {\n         "target": "/var/aegir/platforms",\n         "source": "192.0.2.10:/var/aegir/platforms",\n         "fstype": "nfs4",\n         "options": "rw,relatime,vers=4.2,hard"\n      }\n   ]\n}\n',
	),
	section('mount.rc', '0'),
	section('dir', 'directory\n3\nd10\nd9\n.aegir-pack-marker\n'),
	section('dir.rc', '0'),
	section('marker', `file\n${b64('aegir-pack marker of pack "p"\n')}`),
	section('marker.rc', '0'),
	section('end', ''),
].join('');

describe('parsing facts (captured output)', () => {
	it('reads every section of a client', () => {
		const facts = parseFacts(CLIENT_CAPTURE, N);
		expect(facts).toMatchObject({
			hostname: 'web1',
			uid: 0,
			os: {id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)'},
			packages: {'nfs-common': {installed: true, version: '1:2.6.2-4'}, rsync: {installed: true}},
			aegirUser: {name: 'aegir', uid: 1500, gid: 1500, home: '/var/aegir'},
			aegirGroup: {name: 'aegir', gid: 1500},
			freeKb: {'/': 14_280_032, '/var': 14_280_032},
			dropIn: {present: false},
			exports: undefined,
			mount: {target: '/var/aegir/platforms', source: '192.0.2.10:/var/aegir/platforms', fstype: 'nfs4'},
			mountProbeAnswered: true,
			sharedDir: {state: 'directory', entryCount: 3, sample: ['d10', 'd9', '.aegir-pack-marker']},
			marker: {present: true, content: 'aegir-pack marker of pack "p"\n'},
		});
		expect(facts.commands).toContain('findmnt');
	});

	it('keeps file content byte for byte, even without a final newline', () => {
		const facts = parseFacts(CLIENT_CAPTURE, N);
		expect(facts.fstab).toEqual({
			present: true,
			readable: true,
			content: '# /etc/fstab\nUUID=1 / ext4 defaults 0 1\n192.0.2.10:/var/aegir/platforms /var/aegir/platforms nfs rw,hard,_netdev,nofail 0 0  # aegir-pack: p',
		});
	});

	it('cannot be fooled by a file that prints a section marker with another token', () => {
		const fake = CLIENT_CAPTURE.replace(b64('# /etc/fstab\nUUID=1 / ext4 defaults 0 1\n192.0.2.10:/var/aegir/platforms /var/aegir/platforms nfs rw,hard,_netdev,nofail 0 0  # aegir-pack: p'), b64('# /etc/fstab\n\n@@ffff@@ uid\n1000\n'));
		const facts = parseFacts(fake, N);
		expect(facts.uid).toBe(0);
		expect(facts.fstab.present && facts.fstab.content).toContain('@@ffff@@ uid');
	});

	it('reports a hung mount point as unresponsive instead of waiting', () => {
		const hung = CLIENT_CAPTURE.replace(section('mount.rc', '0'), section('mount.rc', '124')).replace(section('dir.rc', '0'), section('dir.rc', '124'));
		const facts = parseFacts(hung, N);
		expect(facts.mountProbeAnswered).toBe(false);
		expect(facts.mount).toBeUndefined();
		expect(facts.sharedDir).toEqual({state: 'unresponsive'});
	});

	it('treats an unreadable marker as absent', () => {
		const facts = parseFacts(CLIENT_CAPTURE.replace(section('marker.rc', '0'), section('marker.rc', '1')), N);
		expect(facts.marker).toEqual({present: false});
	});

	it('parses exportfs -v when the section is there', () => {
		const withExports = CLIENT_CAPTURE.replace(
			section('end', ''),
			`${section('exportfs', '/var/aegir/platforms\n\t\t192.0.2.0/24(sync,wdelay,hide,no_subtree_check,sec=sys,rw,secure,root_squash,no_all_squash)\n')}${section('end', '')}`,
		);
		expect(parseFacts(withExports, N).exports).toEqual([
			expect.objectContaining({path: '/var/aegir/platforms', client: '192.0.2.0/24'}),
		]);
	});

	it('refuses truncated output', () => {
		expect(() => parseFacts(CLIENT_CAPTURE.replace(section('end', ''), ''), N)).toThrow(FactsParseError);
	});
});

describe('the facts script (run by the local sh)', () => {
	let box: Sandbox;
	beforeEach(() => {
		box = makeSandbox();
	});
	afterEach(() => {
		box.remove();
	});

	it('reads files, the shared directory and the marker in one command', async () => {
		const shared = box.path('platforms');
		mkdirSync(shared);
		writeFileSync(box.path('platforms', '.aegir-pack-marker'), 'marker\n');
		writeFileSync(box.path('platforms', 'drupal-10'), '');
		writeFileSync(box.path('fstab'), 'no final newline');
		const transport = new LocalShTransport();
		const facts = await gatherFacts(transport, {
			user: 'root',
			sharedPath: shared,
			fstabPath: box.path('fstab'),
			dropInPath: box.path('exports.d', 'aegir-pack-p.exports'),
			markerPath: box.path('platforms', '.aegir-pack-marker'),
			packages: ['coreutils', 'surely-not-a-package-name'],
		});
		expect(transport.commands).toHaveLength(1);
		expect(facts.uid).toBe(process.getuid?.());
		expect(facts.os?.id).toBe('debian');
		expect(facts.commands).toEqual(expect.arrayContaining(['findmnt', 'mktemp', 'sha256sum', 'timeout']));
		expect(facts.packages.coreutils?.installed).toBe(true);
		expect(facts.packages['surely-not-a-package-name']).toBeUndefined();
		expect(facts.aegirUser).toMatchObject({name: 'root', uid: 0, gid: 0});
		expect(facts.freeKb['/']).toBeGreaterThan(0);
		expect(facts.fstab).toEqual({present: true, readable: true, content: 'no final newline'});
		expect(facts.dropIn).toEqual({present: false});
		expect(facts.mount).toBeUndefined();
		expect(facts.mountProbeAnswered).toBe(true);
		expect(facts.sharedDir).toEqual({state: 'directory', entryCount: 2, sample: ['.aegir-pack-marker', 'drupal-10']});
		expect(facts.marker).toMatchObject({present: true, content: 'marker\n'});
	});

	it('reads a file that is not UTF-8 byte for byte (one character per byte)', async () => {
		const bytes = Buffer.from('# disque syst\xe8me\nUUID=1 / ext4 defaults 0 1\n', 'latin1');
		writeFileSync(box.path('fstab'), bytes);
		const facts = await gatherFacts(new LocalShTransport(), {
			user: 'root',
			sharedPath: box.path('none'),
			fstabPath: box.path('fstab'),
			dropInPath: box.path('none'),
			markerPath: box.path('none', 'm'),
			packages: [],
		});
		expect(facts.fstab).toMatchObject({present: true, readable: true, content: bytes.toString('latin1')});
	});

	it('reports a link where the shared directory or the marker should be, and never reads through it', async () => {
		writeFileSync(box.path('passwd'), 'root:x:0:0::/root:/bin/bash\n');
		mkdirSync(box.path('victim-dir'));
		symlinkSync(box.path('victim-dir'), box.path('platforms'));
		mkdirSync(box.path('export'));
		symlinkSync(box.path('passwd'), box.path('export', '.aegir-pack-marker'));
		const transport = new LocalShTransport();
		const base = {user: 'root', fstabPath: box.path('none'), dropInPath: box.path('none'), packages: []};
		const linked = await gatherFacts(transport, {...base, sharedPath: box.path('platforms'), markerPath: box.path('export', '.aegir-pack-marker')});
		expect(linked.sharedDir).toEqual({state: 'link', target: box.path('victim-dir')});
		expect(linked.marker).toMatchObject({present: true, link: box.path('passwd')});
		expect(JSON.stringify(linked)).not.toContain('root:x:0:0');
	});

	it('sees a mount point and a missing directory', async () => {
		const transport = new LocalShTransport();
		const base = {user: 'root', fstabPath: box.path('none'), dropInPath: box.path('none'), packages: []};
		const proc = await gatherFacts(transport, {...base, sharedPath: '/proc', markerPath: '/proc/none'});
		expect(proc.mount).toMatchObject({target: '/proc', fstype: 'proc'});
		const missing = await gatherFacts(transport, {...base, sharedPath: box.path('nope'), markerPath: box.path('nope', 'm')});
		expect(missing.sharedDir).toEqual({state: 'missing'});
		expect(missing.marker).toEqual({present: false});
	});

	it('passes hostile paths as arguments, never as code', async () => {
		const hostile = box.path(`x'; touch ${box.path('pwned')}; echo '$(touch ${box.path('pwned2')})`);
		const command = factsCommand({
			nonce: 'n',
			user: 'root',
			sharedPath: hostile,
			fstabPath: hostile,
			dropInPath: hostile,
			markerPath: hostile,
			packages: [],
		});
		const result = await new LocalShTransport().exec(command, {stdin: FACTS_SCRIPT});
		expect(result.code).toBe(0);
		expect(box.list()).toEqual([]);
	});

	it('reads what the steps asked for in the same command: sync trees, the web config and the code destination; hostile names stay data', async () => {
		const transport = new LocalShTransport();
		// No slash in a name: what it would touch lands where the listing runs (in dest) or in the box.
		const hostile = `p'; touch pwned; echo '$(touch pwned2)`;
		mkdirSync(box.path('dest', 'd10', 'web'), {recursive: true});
		writeFileSync(box.path('dest', 'd10', 'web', 'index.php'), '<?php\n');
		mkdirSync(box.path('dest', hostile));
		mkdirSync(box.path('config', 'server_web1'), {recursive: true});
		symlinkSync(box.path('config', 'server_web1', 'apache.conf'), box.path('config', 'apache.conf'));
		const facts = await gatherFacts(transport, {
			user: 'root',
			sharedPath: box.path('dest'),
			fstabPath: box.path('none'),
			dropInPath: box.path('none'),
			markerPath: box.path('none'),
			packages: [],
			reads: {
				webConfig: {dir: box.path('config'), pending: box.path('pending')},
				codeTarget: {dir: box.path('dest'), group: 'root'},
				trees: [
					{key: 'code', dir: box.path('dest'), paths: ['d10', hostile]},
					{key: 'gone', dir: box.path('nothing-here'), paths: ['d10']},
				],
			},
		});
		const code = facts.reads?.trees?.['code'];
		expect(code?.state === 'listed' && code.entries.map(entry => [entry.path, entry.type])).toEqual([
			['d10', 'directory'],
			['d10/web', 'directory'],
			['d10/web/index.php', 'file'],
			[hostile, 'directory'],
		]);
		expect(facts.reads?.trees?.['gone']).toEqual({state: 'missing'});
		expect(facts.reads?.receiver?.gids).toContain(0);
		expect(facts.reads?.webConfig).toContain(`entry\tl\tapache.conf\t${box.path('config', 'server_web1', 'apache.conf')}`);
		expect(facts.reads?.codeTarget).toContain('member\tyes');
		expect(box.list().filter(name => name.startsWith('pwned'))).toEqual([]);
		expect(readdirSync(box.path('dest')).filter(name => name.startsWith('pwned'))).toEqual([]);
	});

	it('turns a failing command into a StepFailedError with the stderr tail', async () => {
		const failing: Transport = {
			hostName: 'web9',
			exec: async command => ({command, code: 1, stdout: '', stderr: 'sudo: a password is required\n', durationMs: 3}),
			pushTree: async () => {
				throw new Error('unused');
			},
			close: async () => {},
		};
		await expect(
			gatherFacts(failing, {
				user: 'aegir',
				sharedPath: '/x',
				fstabPath: '/etc/fstab',
				dropInPath: '/x',
				markerPath: '/x',
				packages: [],
			}),
		).rejects.toSatisfy((error: unknown) => error instanceof StepFailedError && error.stderrTail === 'sudo: a password is required' && error.message === 'could not read the state of web9: sudo: a password is required');
	});
});
