import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import type {AegirServer} from '../../source/aegir/alias-files.js';
import {
	WEB_PACK_FEATURE_HELP,
	asAegirUser,
	describeRegistration,
	findAegirServer,
	planAddSlave,
	planCreate,
	planRemoveSlave,
	registeredPack,
	webPackFeatureEnabled,
	type RegistrationRequest,
} from '../../source/aegir/registration.js';
import type {Host} from '../../source/pack/types.js';
import {commandLine} from '../../source/shell/quote.js';
import {makePack, web1, web2, web3} from '../pack/fixtures.js';

const recorderDir = path.join(import.meta.dirname, 'drush-recorder');

function server(overrides: Partial<AegirServer> & Pick<AegirServer, 'context' | 'name' | 'remoteHost'>): AegirServer {
	return {
		httpServiceType: 'apache',
		httpPort: 80,
		httpRestartCmd: 'sudo /usr/sbin/apache2ctl graceful',
		scriptUser: 'aegir',
		aegirRoot: '/var/aegir',
		masterWebServers: [],
		slaveWebServers: [],
		file: `/var/aegir/.drush/${overrides.context}.alias.drushrc.php`,
		...overrides,
	};
}

const aegirMaster = server({context: 'server_master', name: 'master', remoteHost: 'aegir.example.com'});
const knownWeb1 = server({context: 'server_web1', name: 'web1', remoteHost: '192.0.2.11'});
const allKinds = {web1: 'apache', web2: 'nginx', web3: 'apache', web4: 'apache'} as const;

const checkArgv = ['drush', '@hostmaster', 'pm-list', '--type=module', '--status=enabled', '--pipe'];

describe('planCreate', () => {
	test('a pack none of whose members Aegir knows: save and verify each, then the pack', () => {
		const plan = planCreate({pack: makePack(), servers: [aegirMaster], webServers: allKinds});
		expect(plan.problems).toEqual([]);
		expect(plan.featureCheck.argv).toEqual(checkArgv);
		expect(plan.commands.map(command => command.argv)).toEqual([
			['drush', 'provision-save', '@server_web1', '--context_type=server', '--remote_host=192.0.2.11', '--http_service_type=apache'],
			['drush', '@server_web1', 'provision-verify'],
			['drush', 'provision-save', '@server_web2', '--context_type=server', '--remote_host=192.0.2.12', '--http_service_type=nginx'],
			['drush', '@server_web2', 'provision-verify'],
			['drush', 'provision-save', '@server_web3', '--context_type=server', '--remote_host=192.0.2.13', '--http_service_type=apache'],
			['drush', '@server_web3', 'provision-verify'],
			[
				'drush',
				'provision-save',
				'@server_packexamplecom',
				'--context_type=server',
				'--remote_host=pack.example.com',
				'--http_service_type=pack',
				'--master_web_servers=@server_web1',
				'--slave_web_servers=@server_web2,@server_web3',
			],
			['drush', '@server_packexamplecom', 'provision-verify'],
			['drush', '@hostmaster', 'hosting-import', '@server_packexamplecom'],
		]);
		expect(plan.commands.map(command => command.purpose)).toEqual([
			'save web1 in Aegir as the apache server server_web1',
			'verify server_web1 (Aegir connects to 192.0.2.11)',
			'save web2 in Aegir as the nginx server server_web2',
			'verify server_web2 (Aegir connects to 192.0.2.12)',
			'save web3 in Aegir as the apache server server_web3',
			'verify server_web3 (Aegir connects to 192.0.2.13)',
			'save the pack pack.example.com in Aegir as server_packexamplecom',
			'verify the pack server_packexamplecom on every member',
			'show the pack pack.example.com in the Aegir web UI',
		]);
	});

	test('members Aegir already knows are not saved again', () => {
		const plan = planCreate({pack: makePack(), servers: [aegirMaster, knownWeb1], webServers: allKinds});
		expect(plan.commands.map(command => command.argv.slice(0, 3).join(' '))).toEqual([
			'drush provision-save @server_web2',
			'drush @server_web2 provision-verify',
			'drush provision-save @server_web3',
			'drush @server_web3 provision-verify',
			'drush provision-save @server_packexamplecom',
			'drush @server_packexamplecom provision-verify',
			'drush @hostmaster hosting-import',
		]);
	});

	test("the Aegir server itself as master keeps its context (picked from Aegir's list as 'master')", () => {
		const master: Host = {name: 'master', address: 'aegir.example.com', port: 22, user: 'root'};
		const plan = planCreate({pack: makePack({master, nfsServer: master, slaves: [web2]}), servers: [aegirMaster], webServers: allKinds});
		expect(plan.commands.at(-3)?.argv).toContain('--master_web_servers=@server_master');
		expect(plan.commands.at(-3)?.argv).toContain('--slave_web_servers=@server_web2');
		expect(plan.commands.some(command => command.argv.includes('@server_master'))).toBe(false);
	});

	test('a host typed by address that Aegir knows under another name reuses that server, and says so', () => {
		const typed: Host = {name: 'aegir', address: 'AEGIR.example.com', port: 22, user: 'root'};
		const plan = planCreate({pack: makePack({master: typed, nfsServer: typed, slaves: [web2]}), servers: [aegirMaster], webServers: allKinds});
		expect(plan.notes).toContain('aegir (AEGIR.example.com) is already known to Aegir as server_master: using that server');
		expect(plan.commands.at(-3)?.argv).toContain('--master_web_servers=@server_master');
	});

	test('a known member reached at another address is noted, not changed', () => {
		const moved = server({context: 'server_web1', name: 'web1', remoteHost: 'web1.example.com'});
		const plan = planCreate({pack: makePack(), servers: [moved], webServers: allKinds});
		expect(plan.notes).toContain('server_web1 in Aegir is reached at web1.example.com; this pack reaches web1 at 192.0.2.11');
		expect(plan.problems).toEqual([]);
	});

	test('no slaves: the slave list is the word null (provision drops an empty option)', () => {
		const plan = planCreate({pack: makePack({slaves: []}), servers: [knownWeb1], webServers: allKinds});
		expect(plan.commands[0]?.argv).toEqual([
			'drush',
			'provision-save',
			'@server_packexamplecom',
			'--context_type=server',
			'--remote_host=pack.example.com',
			'--http_service_type=pack',
			'--master_web_servers=@server_web1',
			'--slave_web_servers=null',
		]);
	});

	test('context names drop every non-word character, as Aegir does', () => {
		const dotted: Host = {name: 'web-1.example.com', address: '192.0.2.21', port: 22, user: 'root'};
		const plan = planCreate({pack: makePack({name: 'pack-1.example.com', master: dotted, nfsServer: dotted, slaves: []}), servers: [], webServers: {'web-1.example.com': 'nginx'}});
		expect(plan.commands.map(command => command.argv.filter(arg => /@server_/.test(arg)).join(' '))).toEqual([
			'@server_web1examplecom',
			'@server_web1examplecom',
			'@server_pack1examplecom --master_web_servers=@server_web1examplecom',
			'@server_pack1examplecom',
			'@server_pack1examplecom',
		]);
	});

	test('a custom drush binary is used for every command', () => {
		const plan = planCreate({pack: makePack({slaves: []}), servers: [knownWeb1], webServers: {}, drush: '/usr/local/bin/drush'});
		expect([plan.featureCheck, ...plan.commands].every(command => command.argv[0] === '/usr/local/bin/drush')).toBe(true);
	});

	test('an IPv6 member is registered, with a note about Aegir rsync', () => {
		const v6: Host = {name: 'web6', address: '2001:db8::16', port: 22, user: 'root'};
		const plan = planCreate({pack: makePack({slaves: [v6], subnets: ['192.0.2.0/24', '2001:db8::16/128']}), servers: [knownWeb1], webServers: {web6: 'apache'}});
		expect(plan.commands[0]?.argv).toContain('--remote_host=2001:db8::16');
		expect(plan.notes.join('\n')).toContain("Aegir's own rsync cannot use an IPv6 literal");
	});

	test.each<[string, Partial<RegistrationRequest>, string]>([
		['an unknown web server on a new member', {webServers: {web1: 'apache', web2: undefined, web3: 'apache'}}, 'the web server of web2 is not known (neither apache2 nor nginx was found there)'],
		[
			'a member known to Aegir as a database server',
			{servers: [server({context: 'server_web2', name: 'web2', remoteHost: '192.0.2.12', httpServiceType: undefined})]},
			'web2 is known to Aegir as server_web2, which has no web service: a pack member must be an apache or nginx web server',
		],
		[
			'a member known to Aegir as a pack',
			{servers: [server({context: 'server_web2', name: 'web2', remoteHost: '192.0.2.12', httpServiceType: 'pack'})]},
			'web2 is known to Aegir as server_web2, whose web service is pack:',
		],
		[
			'a pack name Aegir uses for a web server',
			{servers: [server({context: 'server_packexamplecom', name: 'pack.example.com', remoteHost: 'pack.example.com'})]},
			'server_packexamplecom already exists in Aegir, whose web service is apache, and is not a pack: choose another pack name',
		],
		[
			'an address Aegir knows twice',
			{
				pack: makePack({master: {...web1, name: 'fresh'}, nfsServer: {...web1, name: 'fresh'}}),
				servers: [server({context: 'server_a', name: 'a', remoteHost: '192.0.2.11'}), server({context: 'server_b', name: 'b', remoteHost: '192.0.2.11'})],
			},
			'192.0.2.11 is known to Aegir as several web servers (server_a, server_b)',
		],
		[
			'two members that are the same Aegir server',
			{servers: [server({context: 'server_web1', name: 'web1', remoteHost: '192.0.2.12'})], pack: makePack({slaves: [{...web2, name: 'other'}]})},
			'',
		],
	])('refuses %s, with no command to run', (_what, overrides, fragment) => {
		const plan = planCreate({pack: makePack(), servers: [], webServers: allKinds, ...overrides});
		if (fragment === '') {
			// 'other' at 192.0.2.12 is found by address as server_web1, which web1 already is.
			expect(plan.problems).toContain('web1 and other are the same Aegir server (server_web1): a pack lists each web server once');
		} else {
			expect(plan.problems.join('\n')).toContain(fragment);
		}

		expect(plan.commands).toEqual([]);
		expect(describeRegistration(plan)[0]).toMatch(/^cannot register in Aegir: /);
	});
});

describe('planAddSlave and planRemoveSlave', () => {
	const registered = [
		aegirMaster,
		knownWeb1,
		server({context: 'server_web2', name: 'web2', remoteHost: '192.0.2.12', httpServiceType: 'nginx'}),
		server({context: 'server_packexamplecom', name: 'pack.example.com', remoteHost: 'pack.example.com', httpServiceType: 'pack', masterWebServers: ['server_web1'], slaveWebServers: ['server_web2']}),
	];

	test('adding web3: save and verify web3, then save, verify and import the pack with it', () => {
		const plan = planAddSlave({pack: makePack({slaves: [web2, web3]}), servers: registered, webServers: {web3: 'apache'}, slave: 'web3'});
		expect(plan.problems).toEqual([]);
		expect(plan.commands.map(command => command.argv)).toEqual([
			['drush', 'provision-save', '@server_web3', '--context_type=server', '--remote_host=192.0.2.13', '--http_service_type=apache'],
			['drush', '@server_web3', 'provision-verify'],
			[
				'drush',
				'provision-save',
				'@server_packexamplecom',
				'--context_type=server',
				'--remote_host=pack.example.com',
				'--http_service_type=pack',
				'--master_web_servers=@server_web1',
				'--slave_web_servers=@server_web2,@server_web3',
			],
			['drush', '@server_packexamplecom', 'provision-verify'],
			['drush', '@hostmaster', 'hosting-import', '@server_packexamplecom'],
		]);
	});

	test('adding a host that is not in the pack is refused', () => {
		const plan = planAddSlave({pack: makePack({slaves: [web2]}), servers: registered, webServers: {}, slave: 'web3'});
		expect(plan.problems).toEqual(['web3 is not a slave of pack.example.com']);
		expect(plan.commands).toEqual([]);
	});

	test('removing web2: the pack is saved without it; server_web2 stays, and the note says so', () => {
		const plan = planRemoveSlave({pack: makePack({slaves: []}), servers: registered, webServers: {}, removed: web2});
		expect(plan.commands.map(command => command.argv)).toEqual([
			[
				'drush',
				'provision-save',
				'@server_packexamplecom',
				'--context_type=server',
				'--remote_host=pack.example.com',
				'--http_service_type=pack',
				'--master_web_servers=@server_web1',
				'--slave_web_servers=null',
			],
			['drush', '@server_packexamplecom', 'provision-verify'],
			['drush', '@hostmaster', 'hosting-import', '@server_packexamplecom'],
		]);
		expect(plan.notes).toEqual(['server_web2 stays in Aegir as a server of its own: delete it in the Aegir web UI if nothing else uses it']);
	});

	test('removing one of two slaves keeps the other', () => {
		const plan = planRemoveSlave({pack: makePack({slaves: [web2]}), servers: registered, webServers: {web3: 'apache'}, removed: web3});
		expect(plan.commands[0]?.argv.at(-1)).toBe('--slave_web_servers=@server_web2');
		expect(plan.notes).toEqual([]);
	});

	test('removing a host that is still a member is refused', () => {
		const plan = planRemoveSlave({pack: makePack({slaves: [web2]}), servers: registered, webServers: {}, removed: web2});
		expect(plan.problems).toEqual(['web2 is still a member of pack.example.com']);
		expect(plan.commands).toEqual([]);
	});
});

describe('findAegirServer', () => {
	test('by name, then by derived context, then by address among web servers only', () => {
		const db = server({context: 'server_db', name: 'db', remoteHost: '192.0.2.50', httpServiceType: undefined});
		const named = server({context: 'server_custom', name: 'web1', remoteHost: 'x'});
		expect(findAegirServer(web1, [named, knownWeb1]).server).toBe(named);
		expect(findAegirServer(web1, [knownWeb1]).server).toBe(knownWeb1);
		expect(findAegirServer({...web1, name: 'n', address: '192.0.2.50'}, [db])).toEqual({});
	});
});

test('registeredPack finds the pack context by the pack name, packs only', () => {
	const pack = server({context: 'server_packexamplecom', name: 'pack.example.com', remoteHost: 'pack.example.com', httpServiceType: 'pack'});
	expect(registeredPack('pack.example.com', [aegirMaster, pack])).toBe(pack);
	expect(registeredPack('pack.example.com', [{...pack, httpServiceType: 'apache'}])).toBeUndefined();
	expect(registeredPack('other.example.com', [pack])).toBeUndefined();
});

describe('the feature check', () => {
	test('reads pm-list --pipe output', () => {
		expect(webPackFeatureEnabled('hosting\nhosting_server\nhosting_web_pack\n')).toBe(true);
		expect(webPackFeatureEnabled('hosting hosting_web_pack_extra')).toBe(false);
		expect(webPackFeatureEnabled('')).toBe(false);
	});

	test('the help says where to enable it and the drush command', () => {
		expect(WEB_PACK_FEATURE_HELP).toContain('Administration » Hosting » Features');
		expect(WEB_PACK_FEATURE_HELP).toContain('drush @hostmaster pm-enable -y hosting_web_pack');
	});
});

describe('asAegirUser and describeRegistration', () => {
	test('as root (or a sudo user): through sudo -H -u aegir; as aegir: unchanged', () => {
		expect(asAegirUser(['drush', 'x'], {currentUser: 'root'})).toEqual(['sudo', '-H', '-u', 'aegir', '--', 'drush', 'x']);
		expect(asAegirUser(['drush', 'x'], {currentUser: 'aegir'})).toEqual(['drush', 'x']);
		expect(asAegirUser(['drush'], {currentUser: 'aegir', aegirUser: 'o1'})).toEqual(['sudo', '-H', '-u', 'o1', '--', 'drush']);
	});

	test('--dry-run lists the check and every command, quoted for a shell', () => {
		const plan = planCreate({pack: makePack({slaves: [web2]}), servers: [knownWeb1], webServers: allKinds});
		expect(describeRegistration(plan)).toEqual([
			'drush @hostmaster pm-list --type=module --status=enabled --pipe',
			'drush provision-save @server_web2 --context_type=server --remote_host=192.0.2.12 --http_service_type=nginx',
			'drush @server_web2 provision-verify',
			'drush provision-save @server_packexamplecom --context_type=server --remote_host=pack.example.com --http_service_type=pack --master_web_servers=@server_web1 --slave_web_servers=@server_web2',
			'drush @server_packexamplecom provision-verify',
			'drush @hostmaster hosting-import @server_packexamplecom',
		]);
	});
});

describe('through the recording drush stand-in on PATH', () => {
	const directories: string[] = [];
	afterEach(() => {
		for (const directory of directories.splice(0)) rmSync(directory, {recursive: true, force: true});
	});

	function record(run: (env: NodeJS.ProcessEnv) => void): Array<{argv: string[]}> {
		const directory = mkdtempSync(path.join(tmpdir(), 'drush-record-'));
		directories.push(directory);
		const file = path.join(directory, 'calls.jsonl');
		run({...process.env, PATH: `${recorderDir}:${process.env['PATH'] ?? '/usr/bin:/bin'}`, DRUSH_RECORD_FILE: file});
		return readFileSync(file, 'utf8')
			.trim()
			.split('\n')
			.map(line => JSON.parse(line) as {argv: string[]});
	}

	test.each([
		['create', planCreate({pack: makePack(), servers: [aegirMaster], webServers: allKinds})],
		['add-slave', planAddSlave({pack: makePack({slaves: [web2, web3]}), servers: [knownWeb1], webServers: allKinds, slave: 'web3'})],
		['remove-slave', planRemoveSlave({pack: makePack({slaves: [web3]}), servers: [knownWeb1], webServers: allKinds, removed: web2})],
	])('%s: the recorded command lines are the planned ones, in order, also after shell quoting', (_what, plan) => {
		const planned = [plan.featureCheck, ...plan.commands].map(command => command.argv);
		const direct = record(env => {
			for (const argv of planned) execFileSync(argv[0]!, argv.slice(1), {env, stdio: 'pipe'});
		});
		expect(direct.map(call => call.argv)).toEqual(planned);
		const quoted = record(env => {
			for (const argv of planned) execFileSync('sh', ['-c', commandLine(argv)], {env, stdio: 'pipe'});
		});
		expect(quoted.map(call => call.argv)).toEqual(planned);
	});
});
