// Issue 6 on the lab: registering the pack in Aegir through the real CLI after
// real runs (create, add-slave, remove-slave), and --dry-run listing the same
// drush command lines without running them. The Aegir server is the lab host
// `aegir` (a real aegir user and sudo, which this machine lacks); drush there is
// the recording stand-in, first on sudo's secure_path.
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {packFields, webServerFields} from './helpers/aegir-home.js';
import {hostFileFlags, makeAegirServerHost, type AegirServerHost} from './helpers/aegir-server-host.js';
import {PACK_NAME} from './helpers/apply-run.js';
import {canRunLab, startLab, type Lab} from './helpers/lab.js';

if (!canRunLab.ok) console.warn(`[e2e] skipping the Aegir registration tests: ${canRunLab.reason}`);

const PACK = 'server_packexamplecom';
const AS_AEGIR = ['sudo', '-H', '-u', 'aegir', '--'];
const FEATURE_CHECK = ['drush', '@hostmaster', 'pm-list', '--type=module', '--status=enabled', '--pipe'];

const saveMember = (lab: Lab, host: string) => [
	['drush', 'provision-save', `@server_${host}`, '--context_type=server', `--remote_host=${lab.host(host).address}`, '--http_service_type=apache'],
	['drush', `@server_${host}`, 'provision-verify'],
];

const savePack = (master: string, slaves: string[]) => [
	[
		'drush',
		'provision-save',
		`@${PACK}`,
		'--context_type=server',
		`--remote_host=${PACK_NAME}`,
		'--http_service_type=pack',
		`--master_web_servers=@server_${master}`,
		`--slave_web_servers=${slaves.map(slave => `@server_${slave}`).join(',')}`,
	],
	['drush', `@${PACK}`, 'provision-verify'],
	['drush', '@hostmaster', 'hosting-import', `@${PACK}`],
];

/** The drush command lines --dry-run lists on the Aegir pane (issue 10: Aegir's commands are steps of the run). */
function listed(stdout: string): string[] {
	const lines = stdout
		.split('\n')
		.filter(line => /^Aegir\s+\d+\/\d+ /.test(line))
		.flatMap(line => /\(would run ((?:sudo -H -u aegir -- )?drush .*?) \(/.exec(line)?.[1] ?? []);
	if (lines.length === 0) throw new Error(`no drush listing in:\n${stdout}`);
	return lines;
}

const asLine = (argv: string[]) => [...AS_AEGIR, ...argv].join(' ');

describe.skipIf(!canRunLab.ok)('registering the pack in Aegir through the CLI (lab host as the Aegir server)', () => {
	let lab: Lab;
	let aegir: AegirServerHost;
	const timings: string[] = [];
	beforeAll(async () => {
		const started = Date.now();
		lab = await startLab({names: ['aegir', 'web1', 'web2', 'web3']});
		aegir = await makeAegirServerHost(lab, 'aegir', ['web1', 'web2', 'web3']);
		timings.push(`lab + Aegir server host ready: ${Date.now() - started} ms`);
	}, 300_000);
	afterAll(async () => {
		console.log(`[e2e] ${timings.join('; ')}`);
		await lab?.down();
	});

	const create = ['--name', PACK_NAME, '--master', 'web1', '--slave', 'web2', '--subnet', '127.0.1.0/24', '--yes', '--aegir-register'];

	test('--dry-run lists the drush commands of a new pack, as the aegir user, and runs none', async () => {
		const run = await aegir.cli([...hostFileFlags(), ...create, '--dry-run']);
		expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
		expect(listed(run.stdout)).toEqual([FEATURE_CHECK, ...saveMember(lab, 'web1'), ...saveMember(lab, 'web2'), ...savePack('web1', ['web2'])].map(asLine));
		expect(await aegir.calls()).toEqual([]);
	}, 300_000);

	test('create: after a real apply, every drush command line in order, each run by the aegir user', async () => {
		const started = Date.now();
		const run = await aegir.cli([...hostFileFlags(), ...create]);
		timings.push(`create + register: ${Date.now() - started} ms`);
		expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
		// Aegir's commands ran as steps of the Aegir pane (issue 10), each one changed.
		expect(run.stdout).toMatch(/^Aegir\s+\d+\/\d+ import @server_packexamplecom into the Aegir front end\s+changed/m);
		const calls = await aegir.calls();
		expect(calls.map(call => call.argv)).toEqual([FEATURE_CHECK, ...saveMember(lab, 'web1'), ...saveMember(lab, 'web2'), ...savePack('web1', ['web2'])]);
		expect(new Set(calls.map(call => call.user))).toEqual(new Set(['aegir']));
		// What provision-save would have left behind: Aegir knows the members and the pack now.
		for (const host of ['web1', 'web2']) await aegir.writeAlias(`server_${host}`, webServerFields(lab.host(host).address, 'apache'));
		await aegir.writeAlias(PACK, packFields(PACK_NAME, ['server_web1'], ['server_web2']));
	}, 300_000);

	test('add-slave --dry-run lists the new member and the pack saved again, and runs none', async () => {
		await aegir.clearCalls();
		const run = await aegir.cli(['add-slave', PACK_NAME, 'web3', ...hostFileFlags(), '--yes', '--aegir-register', '--dry-run']);
		expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
		expect(listed(run.stdout)).toEqual([FEATURE_CHECK, ...saveMember(lab, 'web3'), ...savePack('web1', ['web2', 'web3'])].map(asLine));
		expect(await aegir.calls()).toEqual([]);
	}, 300_000);

	test('add-slave: only the new member is saved, then the pack with both slaves', async () => {
		const started = Date.now();
		const run = await aegir.cli(['add-slave', PACK_NAME, 'web3', ...hostFileFlags(), '--yes', '--aegir-register']);
		timings.push(`add-slave + register: ${Date.now() - started} ms`);
		expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
		const calls = await aegir.calls();
		expect(calls.map(call => call.argv)).toEqual([FEATURE_CHECK, ...saveMember(lab, 'web3'), ...savePack('web1', ['web2', 'web3'])]);
		expect(new Set(calls.map(call => call.user))).toEqual(new Set(['aegir']));
		await aegir.writeAlias('server_web3', webServerFields(lab.host('web3').address, 'apache'));
		await aegir.writeAlias(PACK, packFields(PACK_NAME, ['server_web1'], ['server_web2', 'server_web3']));
	}, 300_000);

	test('remove-slave: the pack is saved without it; its own server context stays in Aegir', async () => {
		await aegir.clearCalls();
		const started = Date.now();
		const run = await aegir.cli(['remove-slave', PACK_NAME, 'web2', ...hostFileFlags(), '--yes', '--aegir-register']);
		timings.push(`remove-slave + register: ${Date.now() - started} ms`);
		expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
		const calls = await aegir.calls();
		expect(calls.map(call => call.argv)).toEqual([FEATURE_CHECK, ...savePack('web1', ['web3'])]);
		expect(new Set(calls.map(call => call.user))).toEqual(new Set(['aegir']));
		expect(run.stdout).toContain('server_web2 stays in Aegir as a server of its own');
	}, 300_000);
});
