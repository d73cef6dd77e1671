// Issue 10 point 1 on the lab: with Aegir on the machine running the tool,
// config and code reach the heads through Aegir itself. The Aegir server is
// the lab host `aegir` (a real aegir user and sudo); drush there is the
// recording stand-in, which also leaves the alias a provision-save leaves.
// Proved: the drush argv in order, each as aegir, after NFS is in place; no
// rsync of config by the tool; a re-run in which nothing changed runs no
// drush; --aegir-verify; each kind of change; a failed verify keeps the
// record, so the next run verifies again; --dry-run lists and runs nothing.
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {webServerFields} from './helpers/aegir-home.js';
import {hostFileFlags, makeAegirServerHost, STORE_DIR, type AegirServerHost} from './helpers/aegir-server-host.js';
import {PACK_NAME, parseRecap} from './helpers/apply-run.js';
import {canRunLab, startLab, type Lab} from './helpers/lab.js';

if (!canRunLab.ok) console.warn(`[e2e] skipping the Aegir verify tests: ${canRunLab.reason}`);

const PACK = 'server_packexamplecom';
const FEATURE_CHECK = ['drush', '@hostmaster', 'pm-list', '--type=module', '--status=enabled', '--pipe'];
const IMPORT = ['drush', '@hostmaster', 'hosting-import', `@${PACK}`];
const verify = (context: string) => ['drush', `@${context}`, 'provision-verify'];
const PLATFORM = 'platform_drupal10';
const PLATFORM_ROOT = '/var/aegir/platforms/drupal-10/web';

/** The drush command lines a dry run lists on the Aegir pane, in order. */
function listed(stdout: string): string[] {
	return stdout
		.split('\n')
		.filter(line => /^Aegir\s+\d+\/\d+ /.test(line))
		.flatMap(line => /\(would run ((?:sudo -H -u aegir -- )?drush .*?) \(/.exec(line)?.[1] ?? []);
}

describe.skipIf(!canRunLab.ok)('Aegir on this machine: its own verify brings config and code to the heads', () => {
	let lab: Lab;
	let aegir: AegirServerHost;
	const timings: string[] = [];
	const create = ['--name', PACK_NAME, '--master', 'web1', '--slave', 'web2', '--subnet', '127.0.1.0/24', '--yes', '--aegir-register'];
	const apply = async (extra: string[] = []) => {
		const started = Date.now();
		const run = await aegir.cli([...hostFileFlags(), ...create, ...extra], 600_000);
		timings.push(`apply ${extra.join(' ') || '(plain)'}: ${Date.now() - started} ms`);
		return run;
	};

	const storedAegirRecord = async () => {
		const store = JSON.parse((await lab.readFile('aegir', `${STORE_DIR}/config.json`)) ?? '{}') as {packs?: Array<{name: string; record?: {aegir?: unknown}}>};
		return store.packs?.find(pack => pack.name === PACK_NAME)?.record?.aegir;
	};

	beforeAll(async () => {
		const started = Date.now();
		lab = await startLab({names: ['aegir', 'web1', 'web2']});
		aegir = await makeAegirServerHost(lab, 'aegir', ['web1', 'web2']);
		// provision-save leaves the alias a real save leaves, so the next run finds what it saved.
		await aegir.knobs({DRUSH_RECORDER_SAVE_ALIASES: 'yes'});
		await aegir.writeAlias(PLATFORM, {context_type: 'platform', server: '@server_master', web_server: `@${PACK}`, root: PLATFORM_ROOT});
		await aegir.writeAlias('platform_other', {context_type: 'platform', server: '@server_master', web_server: '@server_master', root: '/var/aegir/platforms/other/web'});
		timings.push(`lab + Aegir server host ready: ${Date.now() - started} ms`);
	}, 900_000);

	afterAll(async () => {
		console.log(`[e2e] ${timings.join('; ')}`);
		await lab?.down();
	});

	test('--dry-run lists every drush command line on the Aegir pane, in order, as the aegir user, and runs none', async () => {
		const run = await apply(['--dry-run']);
		expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
		const save = (host: string) => `sudo -H -u aegir -- drush provision-save @server_${host} --context_type=server --remote_host=${lab.host(host).address} --http_service_type=apache`;
		const line = (argv: string[]) => ['sudo', '-H', '-u', 'aegir', '--', ...argv].join(' ');
		expect(listed(run.stdout)).toEqual([
			line(FEATURE_CHECK),
			save('web1'),
			line(verify('server_web1')),
			save('web2'),
			line(verify('server_web2')),
			`sudo -H -u aegir -- drush provision-save @${PACK} --context_type=server --remote_host=${PACK_NAME} --http_service_type=pack --master_web_servers=@server_web1 --slave_web_servers=@server_web2`,
			line(verify(PACK)),
			line(verify(PLATFORM)),
			line(IMPORT),
		]);
		expect(await aegir.calls()).toEqual([]);
	}, 600_000);

	test('create: after NFS is in place, each drush in order as aegir; the platform on the pack only; the tool rsyncs no config', async () => {
		const run = await apply();
		expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
		const calls = await aegir.calls();
		expect(calls.map(call => call.argv)).toEqual([
			FEATURE_CHECK,
			['drush', 'provision-save', '@server_web1', '--context_type=server', `--remote_host=${lab.host('web1').address}`, '--http_service_type=apache'],
			verify('server_web1'),
			['drush', 'provision-save', '@server_web2', '--context_type=server', `--remote_host=${lab.host('web2').address}`, '--http_service_type=apache'],
			verify('server_web2'),
			['drush', 'provision-save', `@${PACK}`, '--context_type=server', `--remote_host=${PACK_NAME}`, '--http_service_type=pack', '--master_web_servers=@server_web1', '--slave_web_servers=@server_web2'],
			verify(PACK),
			verify(PLATFORM),
			IMPORT,
		]);
		expect(new Set(calls.map(call => call.user))).toEqual(new Set(['aegir']));
		// The drush output streamed into the Aegir pane's steps, each with its outcome.
		expect(run.stdout).toMatch(/^Aegir\s+\d+\/\d+ verify @platform_drupal10 \(its code to the master\)\s+changed/m);
		// No rsync of config by the tool: nothing of the Aegir server's config dir reached a head.
		for (const head of ['web1', 'web2']) {
			expect((await lab.exec(head, 'find /var/aegir/config -maxdepth 1 -name "server_*"')).stdout).toBe('');
		}
		expect(await storedAegirRecord()).toMatchObject({imported: true, platforms: {[PLATFORM]: expect.any(String)}, pack: {digest: expect.any(String)}});
	}, 900_000);

	test('the same command again: nothing changed, so no drush runs at all, and no host changes', async () => {
		await aegir.clearCalls();
		const run = await apply();
		expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
		expect(await aegir.calls()).toEqual([]);
		const recap = parseRecap(run.stdout);
		for (const host of ['web1', 'web2', 'Aegir']) expect(recap[host], host).toMatchObject({changed: 0, failed: 0, skipped: 0});
	}, 600_000);

	test('--aegir-verify asks for every verify and the import; nothing is saved (nothing is new)', async () => {
		await aegir.clearCalls();
		const run = await apply(['--aegir-verify']);
		expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
		expect((await aegir.calls()).map(call => call.argv)).toEqual([FEATURE_CHECK, verify('server_web1'), verify('server_web2'), verify(PACK), verify(PLATFORM), IMPORT]);
	}, 600_000);

	test("a platform's root or a member's restart command changed in Aegir: only that one is verified", async () => {
		await aegir.writeAlias(PLATFORM, {context_type: 'platform', server: '@server_master', web_server: `@${PACK}`, root: '/var/aegir/platforms/drupal-10.1/web'});
		await aegir.clearCalls();
		const platform = await apply();
		expect(platform.code, `${platform.stdout}${platform.stderr}`).toBe(0);
		expect((await aegir.calls()).map(call => call.argv)).toEqual([verify(PLATFORM)]);

		await aegir.writeAlias('server_web2', {...webServerFields(lab.host('web2').address, 'apache'), http_restart_cmd: 'sudo /usr/sbin/apache2ctl -k graceful'});
		await aegir.clearCalls();
		const member = await apply();
		expect(member.code, `${member.stdout}${member.stderr}`).toBe(0);
		expect((await aegir.calls()).map(call => call.argv)).toEqual([verify('server_web2')]);
	}, 900_000);

	test('a failed verify fails the run with its command and exit code; the record is kept, so the next run verifies again', async () => {
		const before = await storedAegirRecord();
		await aegir.writeAlias('server_web1', {...webServerFields(lab.host('web1').address, 'apache'), http_restart_cmd: 'sudo /usr/sbin/apache2ctl -k graceful'});
		await aegir.knobs({DRUSH_RECORDER_SAVE_ALIASES: 'yes', DRUSH_RECORDER_FAIL: 'provision-verify'});
		await aegir.clearCalls();
		const failed = await apply();
		expect(failed.code).toBe(1);
		expect(failed.stdout).toContain('provision-verify of @server_web1 failed (exit code 1)');
		expect(failed.stdout).toContain('drush (aegir-pack test stand-in): provision-verify fails because DRUSH_RECORDER_FAIL=provision-verify');
		expect((await aegir.calls()).map(call => call.argv)).toEqual([verify('server_web1')]);
		expect(await storedAegirRecord()).toEqual(before);

		await aegir.knobs({DRUSH_RECORDER_SAVE_ALIASES: 'yes'});
		await aegir.clearCalls();
		const again = await apply();
		expect(again.code, `${again.stdout}${again.stderr}`).toBe(0);
		expect((await aegir.calls()).map(call => call.argv)).toEqual([verify('server_web1')]);
	}, 900_000);
});
