// The recording drush stand-in (test/aegir/drush-recorder/drush) is itself
// tested: it must record every argument exactly and refuse to run unconfigured.

import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';

const drush = path.join(import.meta.dirname, 'drush-recorder', 'drush');

const directories: string[] = [];
afterEach(() => {
	for (const directory of directories.splice(0)) rmSync(directory, {recursive: true, force: true});
});

function recordFile(): string {
	const directory = mkdtempSync(path.join(tmpdir(), 'drush-record-'));
	directories.push(directory);
	return path.join(directory, 'calls.jsonl');
}

function run(args: string[], env: Record<string, string> = {}) {
	return spawnSync(drush, args, {env: {PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env}, encoding: 'utf8'});
}

function calls(file: string): Array<{argv: string[]; user: string}> {
	return readFileSync(file, 'utf8')
		.trim()
		.split('\n')
		.map(line => JSON.parse(line) as {argv: string[]; user: string});
}

describe('the recording drush stand-in', () => {
	test('is executable and says in its first lines that it is a test stand-in', () => {
		expect(statSync(drush).mode & 0o111).not.toBe(0);
		expect(readFileSync(drush, 'utf8').split('\n').slice(0, 4).join('\n')).toContain('TEST STAND-IN FOR DRUSH');
	});

	test('appends one JSON line per call: argv exactly, and who ran it', () => {
		const file = recordFile();
		const odd = [`it's "quoted"`, 'back\\slash', 'new\nline\r\n', 'tab\there', 'bell\u0007 esc\u001b del\u007f', 'Ægir ✔ 日本 😀', '', '--flag=a b', 'x=y', '-', '@server_x'];
		expect(run(['provision-save', '@server_web1', '--remote_host=192.0.2.11'], {DRUSH_RECORD_FILE: file}).status).toBe(0);
		expect(run(odd, {DRUSH_RECORD_FILE: file}).status).toBe(0);
		const recorded = calls(file);
		expect(recorded.map(call => call.argv)).toEqual([['drush', 'provision-save', '@server_web1', '--remote_host=192.0.2.11'], ['drush', ...odd]]);
		const me = spawnSync('id', ['-un'], {encoding: 'utf8'}).stdout.trim();
		expect(recorded.every(call => call.user === me)).toBe(true);
	});

	test('an empty call is recorded too', () => {
		const file = recordFile();
		expect(run([], {DRUSH_RECORD_FILE: file}).status).toBe(0);
		expect(calls(file)).toEqual([{argv: ['drush'], user: expect.any(String) as string}]);
	});

	test('without DRUSH_RECORD_FILE it refuses with exit 2 instead of pretending', () => {
		const result = run(['provision-verify']);
		expect(result.status).toBe(2);
		expect(result.stderr).toContain('DRUSH_RECORD_FILE is not set');
	});

	test('an unwritable record file is an error, not a silent success', () => {
		const result = run(['provision-verify'], {DRUSH_RECORD_FILE: '/nonexistent-dir/calls.jsonl'});
		expect(result.status).toBe(2);
		expect(result.stderr).toContain('cannot append');
	});

	test('prints plausible success output for the commands registration runs', () => {
		const file = recordFile();
		const env = {DRUSH_RECORD_FILE: file};
		expect(run(['@server_web1', 'provision-verify'], env).stdout).toContain('[success]');
		expect(run(['@hostmaster', 'hosting-import', '@server_pack'], env).stdout).toContain('Imported @server_pack');
		expect(run(['provision-save', '@server_x', '--context_type=server'], env).stdout).toBe('');
		const modules = run(['@hostmaster', 'pm-list', '--type=module', '--status=enabled', '--pipe'], env).stdout.split('\n');
		expect(modules).toContain('hosting_web_pack');
		expect(calls(file)).toHaveLength(4);
	});

	test('DRUSH_RECORDER_WEB_PACK=disabled leaves hosting_web_pack out of pm-list', () => {
		const result = run(['@hostmaster', 'pm-list', '--pipe'], {DRUSH_RECORD_FILE: recordFile(), DRUSH_RECORDER_WEB_PACK: 'disabled'});
		expect(result.stdout.split('\n')).not.toContain('hosting_web_pack');
		expect(result.stdout.split('\n')).toContain('hosting_server');
	});

	test('DRUSH_RECORDER_FAIL makes that command fail after recording it; others still succeed', () => {
		const file = recordFile();
		const env = {DRUSH_RECORD_FILE: file, DRUSH_RECORDER_FAIL: 'provision-verify'};
		const failed = run(['@server_web1', 'provision-verify'], env);
		expect(failed.status).toBe(1);
		expect(failed.stderr).toContain('provision-verify fails because DRUSH_RECORDER_FAIL=provision-verify');
		expect(run(['provision-save', '@server_web1'], env).status).toBe(0);
		expect(calls(file).map(call => call.argv[2])).toEqual(['provision-verify', '@server_web1']);
	});
});

describe('DRUSH_RECORDER_SAVE_ALIASES: provision-save leaves the alias file a next run reads', () => {
	test('a server and a pack, in the format provision writes (read back by the tool\'s own parser)', async () => {
		const {parseServerAliasFile} = await import('../../source/aegir/alias-files.js');
		const file = recordFile();
		const home = path.dirname(file);
		const env = {DRUSH_RECORD_FILE: file, DRUSH_RECORDER_SAVE_ALIASES: 'yes', HOME: home};
		expect(run(['provision-save', '@server_web1', '--context_type=server', '--remote_host=192.0.2.11', '--http_service_type=apache'], env).status).toBe(0);
		const packArgs = ['provision-save', '@server_packexamplecom', '--context_type=server', '--remote_host=pack.example.com', '--http_service_type=pack'];
		expect(run([...packArgs, '--master_web_servers=@server_web1', '--slave_web_servers=@server_web2,@server_web3'], env).status).toBe(0);
		const read = (context: string) => {
			const alias = path.join(home, '.drush', `${context}.alias.drushrc.php`);
			return parseServerAliasFile(alias, readFileSync(alias));
		};

		expect(read('server_web1')).toMatchObject({context: 'server_web1', remoteHost: '192.0.2.11', httpServiceType: 'apache'});
		expect(read('server_packexamplecom')).toMatchObject({httpServiceType: 'pack', masterWebServers: ['server_web1'], slaveWebServers: ['server_web2', 'server_web3']});
		expect(run([...packArgs, '--master_web_servers=@server_web1', '--slave_web_servers=null'], env).status).toBe(0);
		expect(read('server_packexamplecom')).toMatchObject({slaveWebServers: []});
	});

	test('without the knob nothing is written (the stand-in changes nothing)', () => {
		const file = recordFile();
		const home = path.dirname(file);
		expect(run(['provision-save', '@server_web1', '--remote_host=x'], {DRUSH_RECORD_FILE: file, HOME: home}).status).toBe(0);
		expect(() => statSync(path.join(home, '.drush'))).toThrow();
	});
});
