import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir, userInfo} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {prepareAegir, registerAfterRun} from '../../source/aegir-run/aegir-setup.js';
import type {RunEvent} from '../../source/contracts/events.js';
import type {Host} from '../../source/pack/types.js';
import {makePack} from '../pack/fixtures.js';

const fixtureHome = path.join(import.meta.dirname, '..', 'aegir', 'fixtures', 'aegir-home');
const recorder = path.join(import.meta.dirname, '..', 'aegir', 'drush-recorder');
const directories: string[] = [];
afterEach(() => {
	for (const directory of directories.splice(0)) rmSync(directory, {recursive: true, force: true});
});

describe('prepareAegir and registerAfterRun', () => {
	test("reads what Aegir knows, warns of unreadable alias files, and installs the Aegir server's own web server where none is", async () => {
		const setup = await prepareAegir({aegirHome: fixtureHome, prerequisites: true, emit() {}});
		expect(setup.servers.servers.map(server => server.context)).toContain('server_web1examplecom');
		expect(setup.warnings.some(line => line.includes('server_garbage.alias.drushrc.php'))).toBe(true);
		expect(setup.prerequisites).toMatchObject({aegirServerHome: fixtureHome, wantedWebServer: 'apache'});
		expect(setup.prerequisites?.servers).toBe(setup.servers.servers);
	});

	test('prerequisites off: nothing for the plan, the servers still read for the registration', async () => {
		const setup = await prepareAegir({aegirHome: fixtureHome, prerequisites: false, emit() {}});
		expect(setup.prerequisites).toBeUndefined();
		expect(setup.servers.found).toBe(true);
	});

	test('the reports of the run become table notices, and their web servers go to the registration', async () => {
		const events: RunEvent[] = [];
		const setup = await prepareAegir({aegirHome: fixtureHome, prerequisites: true, emit: event => events.push(event)});
		const web5: Host = {name: 'web5', address: '192.0.2.15', port: 22, user: 'root'};
		const web1: Host = {name: 'web1.example.com', address: 'web1.example.com', port: 22, user: 'root'};
		setup.prerequisites!.onReport!({host: 'web5', rows: [{id: 'rsync', title: 'rsync', ok: true, detail: 'installed'}], webServer: 'nginx'});
		expect(events).toMatchObject([{type: 'notice', host: 'web5', level: 'info'}]);

		const directory = mkdtempSync(path.join(tmpdir(), 'aegir-setup-'));
		directories.push(directory);
		const record = path.join(directory, 'calls.jsonl');
		const me = userInfo().username;
		const result = await registerAfterRun(setup, {pack: makePack({name: 'newpack.example.com', master: web1, nfsServer: web1, slaves: [web5]})}, {
			dryRun: false,
			env: {...process.env, PATH: `${recorder}:${process.env['PATH'] ?? ''}`, DRUSH_RECORD_FILE: record},
			say() {},
			aegirUser: me,
			currentUser: me,
		});
		expect(result.ok).toBe(true);
		const lines = readFileSync(record, 'utf8').trim().split('\n').map(line => (JSON.parse(line) as {argv: string[]}).argv.join(' '));
		expect(lines).toEqual([
			'drush @hostmaster pm-list --type=module --status=enabled --pipe',
			'drush provision-save @server_web5 --context_type=server --remote_host=192.0.2.15 --http_service_type=nginx',
			'drush @server_web5 provision-verify',
			'drush provision-save @server_newpackexamplecom --context_type=server --remote_host=newpack.example.com --http_service_type=pack --master_web_servers=@server_web1examplecom --slave_web_servers=@server_web5',
			'drush @server_newpackexamplecom provision-verify',
			'drush @hostmaster hosting-import @server_newpackexamplecom',
		]);
	});
});
