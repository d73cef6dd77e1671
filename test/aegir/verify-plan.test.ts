// Which drush commands a run with Aegir here runs, and in which order: pinned
// argv for a new pack, a re-run in which nothing changed (none), a forced
// verify, each kind of change, an added slave, and the record kept after.
import {describe, expect, test} from 'vitest';
import type {AegirServer} from '../../source/aegir/alias-files.js';
import type {AegirPlatform} from '../../source/aegir/platform-aliases.js';
import {aegirVerifyPlan, drushCommands, nextVerifyRecord, platformDigest, serverDigest, type VerifyRuntime} from '../../source/aegir/verify-plan.js';
import type {AegirVerifyRecord, Host, Pack} from '../../source/pack/types.js';
import {trustedPackForTests} from '../pack/trusted-pack.js';

const host = (name: string, address: string): Host => ({name, address, port: 22, user: 'root'});
const web1 = host('web1', '192.0.2.11');
const web2 = host('web2', '192.0.2.12');
const web3 = host('web3', '192.0.2.13');
const pack: Pack = trustedPackForTests({
	name: 'pack.example.com',
	master: web1,
	slaves: [web2],
	nfsServer: web1,
	exportPath: '/var/aegir/platforms',
	subnets: ['192.0.2.0/24'],
	exportOptions: 'rw,sync,no_subtree_check',
	mountOptions: 'rw,hard,_netdev,nofail',
});

const server = (context: string, fields: Partial<AegirServer> = {}): AegirServer => ({
	context,
	name: context.replace(/^server_/, ''),
	remoteHost: '192.0.2.99',
	httpServiceType: 'apache',
	httpPort: 80,
	httpRestartCmd: 'sudo /usr/sbin/apache2ctl graceful',
	scriptUser: 'aegir',
	aegirRoot: '/var/aegir',
	masterWebServers: [],
	slaveWebServers: [],
	file: `/var/aegir/.drush/${context}.alias.drushrc.php`,
	...fields,
});

const known = {
	web1: server('server_web1', {remoteHost: '192.0.2.11'}),
	web2: server('server_web2', {remoteHost: '192.0.2.12'}),
	pack: server('server_packexamplecom', {remoteHost: 'pack.example.com', httpServiceType: 'pack', httpPort: undefined, httpRestartCmd: undefined, masterWebServers: ['server_web1'], slaveWebServers: ['server_web2']}),
};

const platform = (context: string, webServer: string, root = `/var/aegir/platforms/${context}/web`): AegirPlatform => ({
	context,
	root,
	webServer,
	server: '@server_master',
	file: `/var/aegir/.drush/${context}.alias.drushrc.php`,
});
const onPack = platform('platform_drupal10', '@server_packexamplecom');
const elsewhere = platform('platform_other', '@server_master');

const AS_IS: VerifyRuntime = {webServerOf: () => 'apache', changed: () => false};

const FEATURE = ['drush', '@hostmaster', 'pm-list', '--type=module', '--status=enabled', '--pipe'];
const save = (name: string, address: string) => ['drush', 'provision-save', `@server_${name}`, '--context_type=server', `--remote_host=${address}`, '--http_service_type=apache'];
const verify = (context: string) => ['drush', `@${context}`, 'provision-verify'];
const savePack = (slaves: string) => [
	'drush',
	'provision-save',
	'@server_packexamplecom',
	'--context_type=server',
	'--remote_host=pack.example.com',
	'--http_service_type=pack',
	'--master_web_servers=@server_web1',
	`--slave_web_servers=${slaves}`,
];
const IMPORT = ['drush', '@hostmaster', 'hosting-import', '@server_packexamplecom'];

/** The record a fully successful earlier run left, for these aliases. */
function recordOf(servers: AegirServer[], platforms: AegirPlatform[]): AegirVerifyRecord {
	return nextVerifyRecord({pack, members: ['web1', 'web2'], servers, platforms, imported: true, now: new Date('2026-01-02T03:04:05Z')});
}

const commands = (servers: AegirServer[], options: {record?: AegirVerifyRecord; force?: boolean; members?: string[]; runtime?: VerifyRuntime; platforms?: AegirPlatform[]; thePack?: Pack} = {}) => {
	const plan = aegirVerifyPlan({
		pack: options.thePack ?? pack,
		members: options.members ?? ['web1', 'web2'],
		knowledge: {servers, platforms: options.platforms ?? [onPack, elsewhere], force: options.force ?? false, drush: 'drush'},
		...(options.record ? {record: options.record} : {}),
	});
	expect(plan.problems).toEqual([]);
	return drushCommands(plan, options.runtime ?? AS_IS);
};

describe('the drush commands of a run with Aegir here, in order', () => {
	test('a new pack: each member saved and verified (master first), the pack saved and verified, its platforms verified, then imported', () => {
		expect(commands([])).toEqual([
			FEATURE,
			save('web1', '192.0.2.11'),
			verify('server_web1'),
			save('web2', '192.0.2.12'),
			verify('server_web2'),
			savePack('@server_web2'),
			verify('server_packexamplecom'),
			verify('platform_drupal10'),
			IMPORT,
		]);
	});

	test('a re-run in which nothing changed runs none, not even the feature check', () => {
		const servers = [known.web1, known.web2, known.pack];
		expect(commands(servers, {record: recordOf(servers, [onPack, elsewhere])})).toEqual([]);
	});

	test('--aegir-verify: every verify and the import, no save (nothing is new or different)', () => {
		const servers = [known.web1, known.web2, known.pack];
		expect(commands(servers, {record: recordOf(servers, [onPack]), force: true})).toEqual([
			FEATURE,
			verify('server_web1'),
			verify('server_web2'),
			verify('server_packexamplecom'),
			verify('platform_drupal10'),
			IMPORT,
		]);
	});

	test("a platform's root changed in Aegir: only that platform is verified", () => {
		const servers = [known.web1, known.web2, known.pack];
		const record = recordOf(servers, [onPack]);
		const moved = platform('platform_drupal10', '@server_packexamplecom', '/var/aegir/platforms/drupal-10.1/web');
		expect(commands(servers, {record, platforms: [moved, elsewhere]})).toEqual([verify('platform_drupal10')]);
	});

	test("a member's restart command changed in Aegir: only that member is verified", () => {
		const record = recordOf([known.web1, known.web2, known.pack], [onPack]);
		const edited = {...known.web2, httpRestartCmd: 'sudo /usr/sbin/apache2ctl -k graceful'};
		expect(commands([known.web1, edited, known.pack], {record})).toEqual([verify('server_web2')]);
	});

	test("a member step changed on the host this run (e.g. PHP installed): that member's verify; the share changed: the platforms'", () => {
		const servers = [known.web1, known.web2, known.pack];
		const record = recordOf(servers, [onPack]);
		const php: VerifyRuntime = {...AS_IS, changed: (name, ids) => name === 'web1' && ids.includes('aegir/php')};
		expect(commands(servers, {record, runtime: php})).toEqual([verify('server_web1')]);
		const mounted: VerifyRuntime = {...AS_IS, changed: (name, ids) => name === 'web1' && ids.includes('nfs-client/mount')};
		expect(commands(servers, {record, runtime: mounted})).toEqual([verify('platform_drupal10')]);
	});

	test('a slave that became the master is verified in its new role, and the pack saved with the new lists', () => {
		const servers = [known.web1, known.web2, known.pack];
		const record = recordOf(servers, [onPack]);
		const swapped: Pack = trustedPackForTests({...pack, master: web2, slaves: [web1]});
		expect(commands(servers, {record, thePack: swapped})).toEqual([
			FEATURE,
			// Master first, whatever the order before.
			verify('server_web2'),
			verify('server_web1'),
			[...savePack('@server_web1').slice(0, 6), '--master_web_servers=@server_web2', '--slave_web_servers=@server_web1'],
			verify('server_packexamplecom'),
			verify('platform_drupal10'),
			IMPORT,
		]);
	});

	test('add-slave: only the new member is saved and verified; the pack saved with both slaves, verified, its platforms, imported', () => {
		const servers = [known.web1, known.web2, known.pack];
		const record = recordOf(servers, [onPack]);
		const after: Pack = trustedPackForTests({...pack, slaves: [web2, web3]});
		expect(commands(servers, {record, members: ['web3'], thePack: after})).toEqual([
			FEATURE,
			save('web3', '192.0.2.13'),
			verify('server_web3'),
			savePack('@server_web2,@server_web3'),
			verify('server_packexamplecom'),
			verify('platform_drupal10'),
			IMPORT,
		]);
	});

	test('a pack without slaves is saved with the word null (provision drops empty options)', () => {
		expect(commands([], {thePack: trustedPackForTests({...pack, slaves: []}), members: ['web1'], platforms: []})).toEqual([
			FEATURE,
			save('web1', '192.0.2.11'),
			verify('server_web1'),
			savePack('null'),
			verify('server_packexamplecom'),
			IMPORT,
		]);
	});

	test("each step says why it runs or why not; a new member whose web server is unknown cannot be saved", () => {
		const plan = aegirVerifyPlan({pack, members: ['web1', 'web2'], knowledge: {servers: [], platforms: [onPack], force: false, drush: 'drush'}});
		expect(plan.specs.map(spec => spec.id)).toEqual([
			'aegir/feature-check',
			'aegir/save:server_web1',
			'aegir/verify:server_web1',
			'aegir/save:server_web2',
			'aegir/verify:server_web2',
			'aegir/pack-save',
			'aegir/pack-verify',
			'aegir/platform-verify:platform_drupal10',
			'aegir/import',
		]);
		const save1 = plan.specs[1]!;
		expect(save1.decide({...AS_IS, webServerOf: () => undefined})).toEqual({
			problem: 'the web server of web1 is not known (neither apache2 nor nginx was found there): Aegir needs one to save it',
		});
		expect(plan.specs[2]!.decide(AS_IS)).toMatchObject({run: true, why: 'new to Aegir'});
		const servers = [known.web1, known.web2, known.pack];
		const quiet = aegirVerifyPlan({pack, members: ['web1', 'web2'], knowledge: {servers, platforms: [onPack], force: false, drush: 'drush'}, record: recordOf(servers, [onPack])});
		expect(quiet.specs.map(spec => spec.decide(AS_IS))).toEqual([
			{run: false, why: 'unchanged since the last verify'},
			{run: false, why: 'unchanged since the last verify'},
			{run: false, why: 'unchanged since the last verify'},
			{run: false, why: 'unchanged since the last verify'},
		]);
	});

	test('a member Aegir has as something else than a web server, or a pack name Aegir uses otherwise, stops the registration', () => {
		const db = server('server_web1', {remoteHost: '192.0.2.11', httpServiceType: undefined});
		const plan = aegirVerifyPlan({pack, members: ['web1', 'web2'], knowledge: {servers: [db], platforms: [], force: false, drush: 'drush'}});
		expect(plan.problems[0]).toMatch(/^web1 is known to Aegir as server_web1, which has no web service/);
		expect(plan.specs).toEqual([]);
	});
});

describe('the record after a successful run', () => {
	test('digests of what the run dealt with; members outside the run keep theirs; the import is remembered', () => {
		const before = recordOf([known.web1, known.web2, known.pack], [onPack]);
		const web3Alias = server('server_web3', {remoteHost: '192.0.2.13'});
		const edited2 = {...known.web2, httpRestartCmd: 'changed meanwhile'};
		const after = nextVerifyRecord({
			pack: trustedPackForTests({...pack, slaves: [web2, web3]}),
			members: ['web3'],
			servers: [known.web1, edited2, web3Alias, known.pack],
			platforms: [onPack, elsewhere],
			previous: before,
			imported: false,
			now: new Date('2026-02-03T04:05:06Z'),
		});
		expect(after).toEqual({
			verifiedAt: '2026-02-03T04:05:06.000Z',
			members: {
				server_web1: {digest: serverDigest(known.web1), role: 'master'},
				// Not in this run: what was verified stays recorded, so its change is still seen next time.
				server_web2: {digest: serverDigest(known.web2), role: 'slave'},
				server_web3: {digest: serverDigest(web3Alias), role: 'slave'},
			},
			pack: {digest: serverDigest(known.pack)},
			platforms: {platform_drupal10: platformDigest(onPack)},
			imported: true,
		});
	});

	test('a digest reads the fields that change a verify, not those the front end adds', () => {
		expect(serverDigest({...known.web1, file: '/elsewhere', name: 'other'})).toBe(serverDigest(known.web1));
		expect(serverDigest({...known.web1, httpPort: 8080})).not.toBe(serverDigest(known.web1));
		expect(platformDigest({...onPack, server: '@server_other'})).toBe(platformDigest(onPack));
		expect(platformDigest({...onPack, makefile: '/x.make'})).not.toBe(platformDigest(onPack));
	});
});
