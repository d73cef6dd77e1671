// Each step's check decides from facts alone (no host needed): ok, change
// (with the commands a dry run shows) or fail (with a message to act on).

import {describe, expect, it} from 'vitest';
import type {Facts} from '../../source/plan/facts.js';
import {resolvePlanOptions} from '../../source/plan/options.js';
import {type CheckContext, type Step} from '../../source/plan/step.js';
import {hasPackSource, mountPointStep, mountStep} from '../../source/plan/steps/nfs-client.js';
import {exportDirectoryStep, exportStep, markerContent, markerStep} from '../../source/plan/steps/nfs-server.js';
import {accessStep, aegirStep, diskStep, systemStep} from '../../source/plan/steps/preflight.js';
import {FakeTransport} from '../run/fake-transport.js';
import {host, makeContext, makeFacts, makePack} from './fixtures.js';

const pack = makePack();
const web1 = pack.slaves[0]!;
const options = resolvePlanOptions();
const withRsync = {rsync: {status: 'ii', version: '3.2.7', installed: true}};
const check = async (step: Step, facts: Partial<Facts>, transport = new FakeTransport('web1')) =>
	step.check(makeContext(transport, makeFacts({packages: withRsync, ...facts})) as CheckContext);

const nfsMount = (source: string) => ({target: pack.exportPath, source, fstype: 'nfs4', options: 'rw'});
const marker = {present: true as const, readable: true, content: markerContent(pack)};

describe('preflight checks', () => {
	it('needs root (or sudo to root)', async () => {
		expect(await check(accessStep(web1), {uid: 0})).toMatchObject({state: 'ok', message: 'logged in as root'});
		expect(await check(accessStep({...web1, user: 'deploy'}), {uid: 0})).toMatchObject({message: 'logged in as deploy, sudo gives root'});
		expect(await check(accessStep({...web1, user: 'deploy'}), {uid: 1000})).toMatchObject({
			state: 'fail',
			message: 'commands run as uid 1000, not root: log in as root or give deploy sudo rights',
		});
	});

	it('accepts Debian and Ubuntu (also by ID_LIKE) and names missing tools', async () => {
		expect(await check(systemStep(web1), {})).toMatchObject({state: 'ok'});
		expect(await check(systemStep(web1), {os: {id: 'linuxmint', idLike: ['ubuntu', 'debian'], versionId: '21', prettyName: 'Mint'}})).toMatchObject({state: 'ok'});
		expect(await check(systemStep(web1), {os: {id: 'rocky', idLike: ['rhel'], versionId: '9', prettyName: 'Rocky Linux 9'}})).toMatchObject({
			state: 'fail',
			message: 'this tool manages Debian and Ubuntu hosts only; found Rocky Linux 9',
		});
		expect(await check(systemStep(web1), {commands: ['apt-get', 'dpkg']})).toMatchObject({state: 'fail', message: expect.stringContaining('missing commands: dpkg-query, findmnt')});
	});

	it('needs the tools the path guard and safe-edit use (issue 11)', async () => {
		const without = (name: string) => makeFacts().commands.filter(command => command !== name);
		for (const tool of ['runuser', 'stat', 'readlink', 'base64']) {
			expect(await check(systemStep(web1), {commands: without(tool)})).toMatchObject({state: 'fail', message: `missing commands: ${tool}`});
		}
	});

	it('wants free space on / and /var', async () => {
		expect(await check(diskStep(web1, options), {freeKb: {'/': 50 * 1024, '/var': 5 * 1024 * 1024}})).toMatchObject({
			state: 'fail',
			message: '/ has 50 MB free; at least 100 MB are needed',
		});
		expect(await check(diskStep(web1, options), {})).toMatchObject({state: 'ok'});
	});

	it('wants the aegir user and group', async () => {
		expect(await check(aegirStep(web1, options), {})).toMatchObject({state: 'ok', message: 'aegir is uid 1500, gid 1500'});
		expect(await check(aegirStep(web1, options), {aegirUser: undefined, aegirGroup: undefined})).toMatchObject({
			state: 'fail',
			message: expect.stringMatching(/^no aegir user and no aegir group on this host/),
		});
	});
});

describe('NFS client checks', () => {
	const mount = mountStep(web1, pack, options);
	const mountPoint = mountPointStep(web1, pack, options);

	it('mount: ok only when mounted from the server and its marker reads back', async () => {
		expect(await check(mount, {mount: nfsMount('192.0.2.10:/var/aegir/platforms'), marker})).toMatchObject({state: 'ok'});
		expect(await check(mount, {mount: nfsMount('192.0.2.10:/var/aegir/platforms/'), marker})).toMatchObject({state: 'ok'});
		expect(await check(mount, {mount: nfsMount('192.0.2.10:/var/aegir/platforms')})).toMatchObject({
			state: 'fail',
			message: expect.stringContaining('the marker file written on master cannot be read through it'),
		});
	});

	it('mount: the marker read back is the proof, whatever name the source was mounted by', async () => {
		expect(await check(mount, {mount: nfsMount('master.example.com:/var/aegir/platforms'), marker})).toMatchObject({state: 'ok'});
		const bind = {target: pack.exportPath, source: '/dev/vda[/srv/share]', fstype: 'ext4', options: 'rw'};
		expect(await check(mount, {mount: bind, marker})).toMatchObject({state: 'ok'});
		expect(await check(mountPoint, {mount: bind, marker})).toMatchObject({state: 'ok'});
		const otherPack = {present: true as const, readable: true, content: markerContent(makePack({name: 'other.example.com'}))};
		expect(await check(mount, {mount: nfsMount('old:/platforms'), marker: otherPack})).toMatchObject({state: 'change'});
	});

	it('mount: mounts when nothing is mounted, remounts a mount from another server', async () => {
		const mountCommand =
			'mount -t nfs -o rw,hard,_netdev,nofail,nosuid,nodev -- 192.0.2.10:/var/aegir/platforms /var/aegir/platforms (onto the checked directory itself: a symbolic link there is refused)';
		expect(await check(mount, {})).toMatchObject({state: 'change', commands: [mountCommand]});
		expect(await check(mount, {mount: nfsMount('old:/platforms')})).toMatchObject({
			state: 'change',
			message: 'remount: mounted from old:/platforms, wanted 192.0.2.10:/var/aegir/platforms',
			commands: ['umount -- /var/aegir/platforms', mountCommand],
		});
	});

	it('never mounts over a local file system, and reports a hung mount', async () => {
		const disk = {target: pack.exportPath, source: '/dev/sdb1', fstype: 'ext4', options: 'rw'};
		expect(await check(mount, {mount: disk})).toMatchObject({state: 'fail'});
		expect(await check(mountPoint, {mount: disk})).toMatchObject({
			state: 'fail',
			message: expect.stringContaining('is already a mount point of /dev/sdb1 (ext4): refusing to mount NFS over it'),
		});
		expect(await check(mount, {mountProbeAnswered: false})).toMatchObject({state: 'fail', message: expect.stringContaining('does not answer')});
		expect(await check(mountPoint, {mountProbeAnswered: false})).toMatchObject({state: 'fail'});
	});

	it('mount point: creates a missing one, accepts an empty one or the pack mount', async () => {
		expect(await check(mountPoint, {sharedDir: {state: 'missing'}})).toMatchObject({
			state: 'change',
			commands: ['mkdir -m 0755 -- /var/aegir/platforms (owned by aegir; a symbolic link there is refused)'],
		});
		expect(await check(mountPoint, {sharedDir: {state: 'directory', entryCount: 0, sample: []}})).toMatchObject({state: 'ok'});
		expect(await check(mountPoint, {mount: nfsMount('192.0.2.10:/var/aegir/platforms'), sharedDir: {state: 'directory', entryCount: 9, sample: []}})).toMatchObject({
			state: 'ok',
		});
		expect(await check(mountPoint, {sharedDir: {state: 'not-directory'}})).toMatchObject({state: 'fail'});
	});

	it('mount point: a symbolic link there fails, naming it and its target (L7)', async () => {
		expect(await check(mountPoint, {sharedDir: {state: 'link', target: '/usr/local/sbin'}})).toEqual({
			state: 'fail',
			message: '/var/aegir/platforms is a symbolic link to /usr/local/sbin, where the mount point (a directory) is expected: refusing to act through it (remove the link, then run again)',
		});
	});

	it('mount: a mount from before nosuid,nodev stays ok and says they take effect at the next mount (E5)', async () => {
		expect(await check(mount, {mount: nfsMount('192.0.2.10:/var/aegir/platforms'), marker})).toMatchObject({
			state: 'ok',
			message: expect.stringContaining('nosuid,nodev take effect at the next mount of /var/aegir/platforms'),
		});
		const hardened = {...nfsMount('192.0.2.10:/var/aegir/platforms'), options: 'rw,nosuid,nodev,relatime'};
		expect(await check(mount, {mount: hardened, marker})).toMatchObject({state: 'ok', message: expect.not.stringContaining('next mount')});
	});

	it('compares IPv6 sources with brackets', async () => {
		const v6 = makePack({nfsServer: host('nfs', '2001:db8::1')});
		expect(hasPackSource(nfsMount('[2001:db8::1]:/var/aegir/platforms'), v6)).toBe(true);
		expect(hasPackSource(nfsMount('2001:db8::1:/var/aegir/platforms'), v6)).toBe(false);
		const v6Marker = {present: true as const, readable: true, content: markerContent(v6)};
		expect(await check(mountStep(web1, v6, options), {mount: nfsMount('[2001:db8::1]:/var/aegir/platforms'), marker: v6Marker})).toMatchObject({state: 'ok'});
	});
});

describe('NFS server check', () => {
	const step = exportStep(pack.master, pack, options);

	it('the shared directory and the marker: a symbolic link there fails, naming it (L5, L6)', async () => {
		const directory = exportDirectoryStep(pack.master, pack, options);
		expect(await check(directory, {sharedDir: {state: 'link', target: '/etc'}})).toMatchObject({
			state: 'fail',
			message: expect.stringContaining('/var/aegir/platforms is a symbolic link to /etc, where a directory is expected'),
		});
		const markerFile = markerStep(pack.master, pack, {marker: '/var/aegir/platforms/.aegir-pack-marker'}, options);
		expect(await check(markerFile, {marker: {present: true, content: '', readable: false, link: '/etc/passwd'}})).toMatchObject({
			state: 'fail',
			message: expect.stringContaining('/var/aegir/platforms/.aegir-pack-marker is a symbolic link to /etc/passwd, where a regular file is expected'),
		});
	});

	it('exports once exportfs shows every subnet with every option', async () => {
		expect(await check(step, {exports: undefined})).toMatchObject({state: 'change', message: 'export /var/aegir/platforms (exportfs is not installed yet)'});
		expect(await check(step, {exports: []})).toMatchObject({state: 'change', message: 're-export: /var/aegir/platforms is not exported to 192.0.2.0/24'});
		expect(
			await check(step, {exports: [{path: '/var/aegir/platforms', client: '192.0.2.0/24', options: ['sync', 'wdelay', 'no_subtree_check', 'rw', 'root_squash']}]}),
		).toMatchObject({state: 'ok'});
	});
});
