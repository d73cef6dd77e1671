// registerPack runs the registration with the recording drush stand-in
// (test/aegir/drush-recorder/drush, first on PATH): what it records is exactly
// what real drush would have been asked, in order.

import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir, userInfo} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import type {AegirServer} from '../../source/aegir/alias-files.js';
import {WEB_PACK_FEATURE_HELP} from '../../source/aegir/registration.js';
import type {Host} from '../../source/pack/types.js';
import {registerPack, type RegisterOptions, type RegisterRequest} from '../../source/aegir-run/register-pack.js';
import {makePack, web1, web2, web3} from '../pack/fixtures.js';

const recorder = path.join(import.meta.dirname, '..', 'aegir', 'drush-recorder');
const me = userInfo().username;
const directories: string[] = [];
afterEach(() => {
	for (const directory of directories.splice(0)) rmSync(directory, {recursive: true, force: true});
});

function server(context: string, name: string, remoteHost: string, extra: Partial<AegirServer> = {}): AegirServer {
	return {context, name, remoteHost, httpServiceType: 'apache', masterWebServers: [], slaveWebServers: [], file: `/var/aegir/.drush/${context}.alias.drushrc.php`, ...extra};
}

const hostmaster = server('server_master', 'master', 'aegir.example.com');
const known = (...hosts: Host[]) => hosts.map(host => server(`server_${host.name}`, host.name, host.address));

/** Runs registerPack with the stand-in first on PATH; returns what it recorded and said. */
async function register(request: RegisterRequest, knobs: Record<string, string> = {}, options: Partial<RegisterOptions> = {}) {
	const directory = mkdtempSync(path.join(tmpdir(), 'aegir-register-'));
	directories.push(directory);
	const record = path.join(directory, 'calls.jsonl');
	const said: string[] = [];
	const result = await registerPack(request, {
		dryRun: false,
		env: {...process.env, PATH: `${recorder}:${process.env['PATH'] ?? '/usr/bin:/bin'}`, DRUSH_RECORD_FILE: record, ...knobs},
		say: line => said.push(line),
		// The aegir user is whoever runs the tests: drush runs directly, as it would for aegir itself.
		aegirUser: me,
		currentUser: me,
		...options,
	});
	const calls = existsSync(record)
		? readFileSync(record, 'utf8').trim().split('\n').map(line => JSON.parse(line) as {argv: string[]; user: string})
		: [];
	return {result, said, calls, lines: calls.map(call => call.argv.join(' '))};
}

const CHECK = 'drush @hostmaster pm-list --type=module --status=enabled --pipe';

describe('registerPack with the recording drush stand-in', () => {
	test('create: the feature check, each new member saved and verified, then the pack saved, verified and imported', async () => {
		const {result, calls, lines} = await register({pack: makePack(), servers: [hostmaster], webServers: {web1: 'apache', web2: 'nginx', web3: 'apache'}});
		expect(lines).toEqual([
			CHECK,
			'drush provision-save @server_web1 --context_type=server --remote_host=192.0.2.11 --http_service_type=apache',
			'drush @server_web1 provision-verify',
			'drush provision-save @server_web2 --context_type=server --remote_host=192.0.2.12 --http_service_type=nginx',
			'drush @server_web2 provision-verify',
			'drush provision-save @server_web3 --context_type=server --remote_host=192.0.2.13 --http_service_type=apache',
			'drush @server_web3 provision-verify',
			'drush provision-save @server_packexamplecom --context_type=server --remote_host=pack.example.com --http_service_type=pack --master_web_servers=@server_web1 --slave_web_servers=@server_web2,@server_web3',
			'drush @server_packexamplecom provision-verify',
			'drush @hostmaster hosting-import @server_packexamplecom',
		]);
		expect(calls.every(call => call.user === me)).toBe(true);
		expect(result).toEqual({ok: true, commands: lines, message: 'registered pack.example.com in Aegir (9 drush command(s))'});
	});

	test('add-slave: the new slave is saved and verified, then the pack is saved again with it', async () => {
		const web4: Host = {name: 'web4', address: '192.0.2.14', port: 22, user: 'root'};
		const pack = makePack({slaves: [web2, web3, web4]});
		const {result, lines} = await register({pack, servers: [hostmaster, ...known(web1, web2, web3)], webServers: {web4: 'apache'}, slave: 'web4'});
		expect(lines).toEqual([
			CHECK,
			'drush provision-save @server_web4 --context_type=server --remote_host=192.0.2.14 --http_service_type=apache',
			'drush @server_web4 provision-verify',
			'drush provision-save @server_packexamplecom --context_type=server --remote_host=pack.example.com --http_service_type=pack --master_web_servers=@server_web1 --slave_web_servers=@server_web2,@server_web3,@server_web4',
			'drush @server_packexamplecom provision-verify',
			'drush @hostmaster hosting-import @server_packexamplecom',
		]);
		expect(result.ok).toBe(true);
	});

	test("remove-slave: the pack is saved again without it; the slave's own server stays, and that is said", async () => {
		const pack = makePack({slaves: [web2]});
		const {result, lines, said} = await register({pack, servers: [hostmaster, ...known(web1, web2, web3)], webServers: {}, removed: web3});
		expect(lines).toEqual([
			CHECK,
			'drush provision-save @server_packexamplecom --context_type=server --remote_host=pack.example.com --http_service_type=pack --master_web_servers=@server_web1 --slave_web_servers=@server_web2',
			'drush @server_packexamplecom provision-verify',
			'drush @hostmaster hosting-import @server_packexamplecom',
		]);
		expect(said).toContain('server_web3 stays in Aegir as a server of its own: delete it in the Aegir web UI if nothing else uses it');
		expect(result.ok).toBe(true);
	});

	test('Web pack feature off: says how to enable it and runs nothing else', async () => {
		const {result, lines, said} = await register({pack: makePack(), servers: [], webServers: {web1: 'apache', web2: 'apache', web3: 'apache'}}, {DRUSH_RECORDER_WEB_PACK: 'disabled'});
		expect(lines).toEqual([CHECK]);
		expect(result.ok).toBe(false);
		expect(result.message).toBe(WEB_PACK_FEATURE_HELP);
		expect(said.join('\n')).toContain('drush @hostmaster pm-enable -y hosting_web_pack');
	});

	test('stops at the first failing command with its stderr tail', async () => {
		const {result, lines} = await register({pack: makePack(), servers: [], webServers: {web1: 'apache', web2: 'apache', web3: 'apache'}}, {DRUSH_RECORDER_FAIL: 'provision-verify'});
		expect(lines).toEqual([CHECK, 'drush provision-save @server_web1 --context_type=server --remote_host=192.0.2.11 --http_service_type=apache', 'drush @server_web1 provision-verify']);
		expect(result.ok).toBe(false);
		expect(result.message.split('\n')).toEqual([
			'Registering in Aegir stopped: verify server_web1 (Aegir connects to 192.0.2.11) failed (exit code 1).',
			'command: drush @server_web1 provision-verify',
			'drush (aegir-pack test stand-in): provision-verify fails because DRUSH_RECORDER_FAIL=provision-verify',
		]);
		expect(result.commands).toEqual(lines);
	});

	test('--dry-run lists the command lines and runs nothing', async () => {
		const {result, calls, said} = await register({pack: makePack({slaves: [web2]}), servers: known(web1, web2), webServers: {}}, {}, {dryRun: true});
		expect(calls).toEqual([]);
		expect(result.commands).toEqual([
			CHECK,
			'drush provision-save @server_packexamplecom --context_type=server --remote_host=pack.example.com --http_service_type=pack --master_web_servers=@server_web1 --slave_web_servers=@server_web2',
			'drush @server_packexamplecom provision-verify',
			'drush @hostmaster hosting-import @server_packexamplecom',
		]);
		expect(said).toEqual(['would register the pack in Aegir:', ...result.commands.map(line => `  ${line}`)]);
	});

	test('a problem in the plan runs nothing and says what to fix', async () => {
		const {result, calls} = await register({pack: makePack(), servers: [], webServers: {web1: 'apache'}});
		expect(calls).toEqual([]);
		expect(result.ok).toBe(false);
		expect(result.message).toContain('cannot register in Aegir: the web server of web2 is not known');
	});

	test('not the aegir user: every command goes through sudo -H -u aegir (drush reads ~aegir/.drush)', async () => {
		const argvs: string[][] = [];
		const result = await registerPack(
			{pack: makePack({slaves: []}), servers: known(web1), webServers: {}},
			{
				dryRun: false,
				currentUser: 'root',
				say() {},
				run: async argv => {
					argvs.push(argv);
					return {code: 0, stdout: argv.includes('pm-list') ? 'hosting\nhosting_web_pack\n' : '', stderr: ''};
				},
			},
		);
		expect(result.ok).toBe(true);
		expect(argvs.map(argv => argv.slice(0, 7).join(' '))).toEqual([
			'sudo -H -u aegir -- drush @hostmaster',
			'sudo -H -u aegir -- drush provision-save',
			'sudo -H -u aegir -- drush @server_packexamplecom',
			'sudo -H -u aegir -- drush @hostmaster',
		]);
	});
});
