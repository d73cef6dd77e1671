// The web steps of a head, on a fake host: what the config sync sends and
// links, when it refuses, how deletions are listed and limited; the code push
// to the master; the reload step's decision; the removal of stale config.
import {describe, expect, it} from 'vitest';
import type {ExecOptions, PushTreeOptions} from '../../source/contracts/transport.js';
import type {LocalSources} from '../../source/plan/local-sources.js';
import type {ManifestEntry} from '../../source/plan/sync-manifest.js';
import {resolvePlanOptions, type PlanOptions} from '../../source/plan/options.js';
import type {CheckContext, Step} from '../../source/plan/step.js';
import {codeSyncStep} from '../../source/plan/steps/code-sync.js';
import {configSyncStep} from '../../source/plan/steps/config-sync.js';
import {staleConfigStep} from '../../source/plan/steps/stale-config.js';
import {webReloadStep} from '../../source/plan/steps/web-reload.js';
import {CODE_TARGET_STATE_SCRIPT, SNAPSHOT_SCRIPT, WEB_CONFIG_STATE_SCRIPT, WEB_RELOAD_SCRIPT} from '../../source/shell/web-config-scripts.js';
import {FakeTransport, type FakeAnswer} from '../run/fake-transport.js';
import {makeContext, makeFacts, makePack} from './fixtures.js';

const pack = makePack();
const web1 = pack.slaves[0]!;
const master = pack.master;
const withRsync = {rsync: {status: 'ii', version: '3.2.7', installed: true}};

const CONFIG: LocalSources = {
	'/srv/config': {
		state: 'directory',
		entries: [
			{path: 'apache.conf', type: 'link', target: '/var/aegir/config/server_master/apache.conf'},
			{path: 'includes', type: 'directory'},
			{path: 'ssl.d', type: 'directory'},
			{path: 'server_master', type: 'directory'},
			{path: 'server_web1', type: 'directory'},
			{path: 'server_web1/apache.conf', type: 'file'},
			{path: 'server_web2', type: 'directory'},
		],
		sites: [],
	},
	'/srv/platforms': {
		state: 'directory',
		entries: [
			{path: 'drupal-10', type: 'directory'},
			{path: 'drupal-10/web', type: 'directory'},
			{path: 'README', type: 'file'},
		],
		sites: ['drupal-10/web/sites/site1.example.com'],
	},
};

const options = (overrides: PlanOptions = {}) => resolvePlanOptions({configDir: '/srv/config', platformsDir: '/srv/platforms', localSources: CONFIG, ...overrides});

type HostState = {config?: string; code?: string; reload?: FakeAnswer};

/** A head that answers the state scripts with these lines, and the rsync with these items. */
function head(name: string, state: HostState, items: (push: PushTreeOptions) => string[] = () => []) {
	const seen: string[] = [];
	const transport = new FakeTransport(
		name,
		(command: string, _options: ExecOptions): FakeAnswer => {
			if (command.includes(WEB_CONFIG_STATE_SCRIPT.slice(0, 40))) return {output: state.config ?? ''};
			if (command.includes(CODE_TARGET_STATE_SCRIPT.slice(0, 40))) return {output: state.code ?? ''};
			if (command.includes(WEB_RELOAD_SCRIPT.slice(0, 40))) return state.reload ?? {};
			seen.push(command);
			return {};
		},
		items,
	);
	return {transport, seen};
}

const check = (step: Step, transport: FakeTransport, facts = makeFacts({packages: withRsync})) => step.check(makeContext(transport, facts) as CheckContext);
const apply = (step: Step, transport: FakeTransport) => step.apply(makeContext(transport, makeFacts({packages: withRsync})));

const configDir = (...lines: string[]) => ['dir\tdirectory\twritable', ...lines, ''].join('\n');

describe('web/config-sync', () => {
	it('sends the head its own directory and the includes, received by aegir, and links <app>.conf to its own directory', async () => {
		const {transport, seen} = head('web1', {config: configDir('entry\td\tserver_web1\t', 'installed\tapache')}, push => (push.dryRun ? ['server_web1/apache.conf'] : ['server_web1/apache.conf']));
		const step = configSyncStep(web1, options());
		const result = await check(step, transport);
		expect(result).toMatchObject({state: 'change', message: 'update 1 path(s): server_web1/apache.conf; link apache.conf → server_web1/apache.conf'});
		expect(transport.pushes[0]).toMatchObject({
			source: '/srv/config',
			paths: ['server_web1', 'includes'],
			destination: '/var/aegir/config/',
			filters: [{rule: 'exclude', pattern: '/server_web1/ssl.d/*/*.receipt'}],
			delete: true,
			runAs: 'aegir',
			dryRun: true,
		});
		expect(result.state === 'change' && result.commands).toEqual([
			expect.stringContaining("'--rsync-path=runuser -u aegir -- rsync' /srv/config/./server_web1 /srv/config/./includes 192.0.2.11:/var/aegir/config/"),
			'runuser -u aegir -- ln -sfn -- /var/aegir/config/server_web1/apache.conf /var/aegir/config/apache.conf',
		]);

		expect(await apply(step, transport)).toMatchObject({message: '1 path(s) updated: server_web1/apache.conf; apache.conf → server_web1/apache.conf'});
		expect(transport.pushes[1]).toMatchObject({maxDelete: 100});
		expect(transport.pushes[1]!.dryRun).toBeUndefined();
		// A web server is installed: what it runs is kept first, then the link is made as aegir.
		expect(seen[0]).toContain(SNAPSHOT_SCRIPT.slice(0, 40));
		expect(seen[0]).toMatch(/server_web1 \/var\/backups\/aegir-pack\/20240102-030405\/web-config \/var\/lib\/aegir-pack\/web-reload-pending$/);
		expect(seen[1]).toBe('runuser -u aegir -- ln -sfn -- /var/aegir/config/server_web1/apache.conf /var/aegir/config/apache.conf');
	});

	it('is in sync when rsync finds nothing and the link points at its own directory', async () => {
		const state = configDir('entry\tl\tapache.conf\t/var/aegir/config/server_web1/apache.conf', 'entry\td\tserver_web1\t');
		const {transport} = head('web1', {config: state});
		expect(await check(configSyncStep(web1, options()), transport)).toEqual({state: 'ok', message: 'in sync; apache.conf → server_web1/apache.conf'});
	});

	it('compares over the open connection: the host\'s listing in its facts equal to this machine\'s, no rsync; a drifted file, the rsync --dry-run says what', async () => {
		const tree = (size: number): ManifestEntry[] => [
			{path: 'server_web1', type: 'directory', mode: 0o755, owner: 'aegir', uid: 1500, group: 'aegir', gid: 1500, size: 4096, mtime: {seconds: 1, nanoseconds: 0}},
			{path: 'server_web1/apache.conf', type: 'file', mode: 0o644, owner: 'aegir', uid: 1500, group: 'aegir', gid: 1500, size, mtime: {seconds: 1_700_000_000, nanoseconds: 7}},
			{path: 'includes', type: 'directory', mode: 0o755, owner: 'aegir', uid: 1500, group: 'aegir', gid: 1500, size: 4096, mtime: {seconds: 1, nanoseconds: 0}},
		];
		const listed = {...CONFIG, '/srv/config': {...CONFIG['/srv/config']!, tree: {state: 'listed' as const, entries: tree(10)}}} as LocalSources;
		const step = configSyncStep(web1, options({localSources: listed}));
		expect(step.reads).toEqual({
			webConfig: {dir: '/var/aegir/config', pending: '/var/lib/aegir-pack/web-reload-pending'},
			trees: [{key: 'config', dir: '/var/aegir/config', paths: ['server_web1', 'includes']}],
		});
		const state = configDir('entry\tl\tapache.conf\t/var/aegir/config/server_web1/apache.conf', 'entry\td\tserver_web1\t');
		const facts = (size: number) =>
			makeFacts({packages: withRsync, reads: {webConfig: state, receiver: {names: ['aegir'], gids: [1500]}, trees: {config: {state: 'listed', entries: tree(size)}}}});
		const {transport} = head('web1', {});
		expect(await check(step, transport, facts(10))).toEqual({state: 'ok', message: 'in sync; apache.conf → server_web1/apache.conf'});
		// Nothing ran: neither the state script nor rsync.
		expect(transport.execs).toEqual([]);
		expect(transport.pushes).toEqual([]);
		const drifted = head('web1', {}, () => ['server_web1/apache.conf']);
		expect(await check(step, drifted.transport, facts(11))).toMatchObject({state: 'change', message: 'update 1 path(s): server_web1/apache.conf'});
		expect(drifted.transport.pushes).toHaveLength(1);
		expect(drifted.transport.pushes[0]!.dryRun).toBe(true);
	});

	it('sends nothing, and leaves the head\'s copy, when this machine has no directory for it', async () => {
		const {transport} = head('web3', {});
		const web3 = {...web1, name: 'web3'};
		expect(await check(configSyncStep(web3, options()), transport)).toEqual({
			state: 'ok',
			message: "no /srv/config/server_web3 here: nothing sent; web3's own copy is left as it is (provision would delete it)",
		});
		expect(transport.pushes).toEqual([]);
		expect(transport.execs).toEqual([]);
	});

	it('refuses a config dir that is a link, or that aegir cannot write, before any rsync', async () => {
		const linked = head('web1', {config: 'dir\tlink\t/etc\n'});
		expect(await check(configSyncStep(web1, options()), linked.transport)).toEqual({
			state: 'fail',
			message: "/var/aegir/config is a symbolic link to /etc: nothing is synced through it (it should be aegir's own directory)",
		});
		const rootOwned = head('web1', {config: 'dir\tdirectory\tnot-writable\n'});
		expect(await check(configSyncStep(web1, options()), rootOwned.transport)).toMatchObject({state: 'fail', message: expect.stringContaining('aegir cannot write /var/aegir/config')});
		expect([...linked.transport.pushes, ...rootOwned.transport.pushes]).toEqual([]);
	});

	it('refuses an empty or unmounted source with its reason', async () => {
		const {transport} = head('web1', {});
		const empty = options({localSources: {...CONFIG, '/srv/config': {state: 'empty'}}});
		expect(await check(configSyncStep(web1, empty), transport)).toMatchObject({state: 'fail', message: expect.stringContaining('/srv/config is empty on this machine')});
	});

	it('lists every path it would delete, and stops above --max-delete naming the flag', async () => {
		const deletions = ['deleting server_web1/apache/vhost.d/old1', 'deleting server_web1/apache/vhost.d/old2', 'deleting server_web1/apache/vhost.d/old3'];
		const state = configDir('entry\tl\tapache.conf\t/var/aegir/config/server_web1/apache.conf');
		const {transport} = head('web1', {config: state}, () => deletions);
		const listed = await check(configSyncStep(web1, options()), transport);
		expect(listed).toMatchObject({state: 'change', message: 'delete 3 (listed)'});
		expect(listed.state === 'change' && listed.diff).toBe(
			[1, 2, 3].map(index => `would delete on web1: /var/aegir/config/server_web1/apache/vhost.d/old${index}\n`).join(''),
		);
		const limited = await check(configSyncStep(web1, options({maxDelete: 2})), transport);
		expect(limited).toMatchObject({
			state: 'fail',
			message: 'would delete 3 path(s) on web1 (listed), more than --max-delete 2: look at the list, then run again with --max-delete 3 if that is right',
			notice: expect.stringContaining('would delete on web1: /var/aegir/config/server_web1/apache/vhost.d/old3'),
		});
	});
});

describe('web/code-sync', () => {
	const member = ['dir\tdirectory\twritable', 'entry\tdrupal-10', 'entry\tdrupal-9', 'member\tyes', ''].join('\n');

	it('pushes every platform and its sites in one rsync as aegir, without files/ and private/, and says what it leaves', async () => {
		const {transport} = head('master', {code: member}, () => ['drupal-10/web/index.php']);
		const result = await check(codeSyncStep(master, pack, options()), transport);
		expect(result).toMatchObject({state: 'change', message: 'update 1 path(s): drupal-10/web/index.php (drupal-9: not here, left as is on master)'});
		expect(transport.pushes[0]).toMatchObject({
			source: '/srv/platforms',
			paths: ['drupal-10'],
			destination: '/var/aegir/platforms/',
			delete: true,
			runAs: 'aegir',
		});
		expect(transport.pushes[0]!.filters?.map(filter => `${filter.rule} ${filter.pattern}`)).toEqual([
			'exclude /drupal-10/web/sites/site1.example.com/files/*',
			'exclude /drupal-10/web/sites/site1.example.com/**/files/*',
			'exclude /drupal-10/web/sites/site1.example.com/private/*',
			'exclude /drupal-10/web/sites/site1.example.com/**/private/*',
			'include /drupal-10/web/sites/site1.example.com',
			'include sites/all',
			'exclude sites/*',
		]);
	});

	it('refuses when aegir is not in www-data there: settings.php would lose its group', async () => {
		const {transport} = head('master', {code: member.replace('member\tyes', 'member\tno')});
		expect(await check(codeSyncStep(master, pack, options()), transport)).toMatchObject({
			state: 'fail',
			message: expect.stringMatching(/^aegir is not in group www-data on master: .*usermod -aG www-data aegir/),
		});
		expect(transport.pushes).toEqual([]);
	});

	it('refuses a destination that is a link, and names with pattern characters', async () => {
		const linked = head('master', {code: 'dir\tlink\t/root\nmember\tyes\n'});
		expect(await check(codeSyncStep(master, pack, options()), linked.transport)).toMatchObject({state: 'fail', message: expect.stringContaining('/var/aegir/platforms is a symbolic link to /root')});
		const odd = options({localSources: {...CONFIG, '/srv/platforms': {state: 'directory', entries: [{path: 'drupal-*', type: 'directory'}], sites: []}}});
		expect(await check(codeSyncStep(master, pack, odd), head('master', {code: member}).transport)).toMatchObject({state: 'fail', message: expect.stringContaining('"drupal-*" has characters rsync reads as a pattern')});
	});
});

describe('web/reload', () => {
	it('does nothing without a pending config change, or without a web server', async () => {
		expect(await check(webReloadStep(web1, options()), head('web1', {config: configDir('installed\tapache')}).transport)).toEqual({
			state: 'ok',
			message: 'no web server config change: not reloaded',
		});
		expect(await check(webReloadStep(web1, options()), head('web1', {config: configDir('pending\t/var/backups/x')}).transport)).toEqual({
			state: 'ok',
			message: 'no apache2 or nginx here: nothing to test or reload',
		});
	});

	it('tests and reloads a pending change; a failed test fails the host with the tester\'s output', async () => {
		const pending = configDir('pending\t/var/backups/aegir-pack/1/web-config', 'installed\tapache');
		expect(await check(webReloadStep(web1, options()), head('web1', {config: pending}).transport)).toMatchObject({
			state: 'change',
			commands: ['apache2ctl configtest', 'apache2ctl graceful'],
		});
		const good = head('web1', {config: pending, reload: {output: 'Syntax OK\naegir-pack: apache config tested and reloaded gracefully\n'}});
		expect(await apply(webReloadStep(web1, options()), good.transport)).toEqual({message: 'apache config tested and reloaded gracefully'});

		const rejected = {
			code: 1,
			output: 'aegir-pack: the previous /var/aegir/config/server_web1 and apache.conf are back (the rejected copy: /x/rejected.tar)\naegir-pack: the apache config test failed; apache was not reloaded and keeps running its previous config\n',
			stderr: "AH00526: Syntax error on line 1 of /var/aegir/config/server_web1/apache/vhost.d/broken:\nInvalid command 'NoSuchDirective', perhaps misspelled\n",
		};
		const bad = head('web1', {config: pending, reload: rejected});
		await expect(apply(webReloadStep(web1, options()), bad.transport)).rejects.toMatchObject({
			message: expect.stringMatching(/^web1: the previous .* are back .*; the apache config test failed; apache was not reloaded and keeps running its previous config$/),
			command: 'apache2ctl configtest',
			code: 1,
			stderrTail: expect.stringContaining("Invalid command 'NoSuchDirective'"),
		});
	});
});

describe('web/stale-config', () => {
	it('lists and removes, as aegir, what an earlier whole-directory copy left', async () => {
		const state = configDir(
			'entry\tl\tapache.conf\t/var/aegir/config/server_web1/apache.conf',
			'entry\td\tserver_web1\t',
			'entry\td\tserver_master\t',
			'entry\td\tserver_web2\t',
			'entry\td\tssl.d\t',
			'entry\td\tincludes\t',
			'installed\tapache',
		);
		const {transport, seen} = head('web1', {config: state});
		const step = staleConfigStep(web1, options());
		const result = await check(step, transport);
		expect(result).toMatchObject({state: 'change', message: 'remove what an earlier aegir-pack copied here: server_master, server_web2, ssl.d'});
		expect(result.state === 'change' && result.diff).toBe(
			['server_master', 'server_web2', 'ssl.d'].map(name => `would delete on web1: /var/aegir/config/${name}\n`).join(''),
		);
		await apply(step, transport);
		expect(seen).toEqual(['runuser -u aegir -- rm -rf --one-file-system -- /var/aegir/config/server_master /var/aegir/config/server_web2 /var/aegir/config/ssl.d']);
	});
});
