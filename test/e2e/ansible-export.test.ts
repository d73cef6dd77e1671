// Issue 14 point 3 on the lab: the pack exported to Ansible leaves the hosts as
// the tool's own apply does, and each side then finds nothing to change on
// hosts the other one set up. Debian's `ansible` package on this machine is
// the controller (CI installs it); the lab hosts are standard Debian servers
// to it (python3, python3-apt, systemd's booted marker, so its service module
// drives systemctl, and the daemonless systemctl runs the NFS units' commands
// for real: test/lab/README.md). Hosts are reached at the inventory's address,
// port and user with the lab key, their host keys checked against the lab's
// known_hosts (never a key accepted blindly).
//
//   A. a fresh lab: save the pack (no host contacted), export it, run the
//      playbook; `status` is healthy; the tool's re-apply changes nothing
//      (/etc byte for byte, and its recap); a second playbook run: changed=0.
//   B. another fresh lab, applied by the tool: the playbook in --check --diff
//      mode would change nothing.
//   Both: the same exports drop-in byte for byte, and one fstab entry, the same.
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {
	applyArgs,
	EXPORTS_DROP_IN,
	PACK_NAME,
	parseRecap,
	prepareHeads,
	removeAegirServer,
	runApply,
	SHARE,
	seedAegirServer,
	snapshot,
	type AegirServer,
} from './helpers/apply-run.js';
import {runCli} from './helpers/cli.js';
import {canRunLab, startLab, type Lab} from './helpers/lab.js';
import {parseStatus, redRows, runStatus} from './helpers/rerun.js';

const HOSTS = ['master', 'web1', 'web2'];
const CLIENTS = ['web1', 'web2'];

/** CI installs ansible (.ci/run): there, a missing ansible-playbook fails the file instead of skipping it. */
const mustRun = process.env.AEGIR_PACK_REQUIRE_ANSIBLE === '1' || (Boolean(process.env.CI) && process.env.CI !== 'false');
const ansibleFound = spawnSync('ansible-playbook', ['--version'], {stdio: 'ignore'}).status === 0;
if (canRunLab.ok && !ansibleFound && !mustRun) {
	console.warn("\n!!! SKIPPING the Ansible export e2e test: ansible-playbook is not installed (apt-get install --no-install-recommends ansible). CI runs it. !!!\n");
}

describe.runIf(canRunLab.ok && mustRun && !ansibleFound)('the Ansible export e2e test in CI', () => {
	test('ansible-playbook is installed (.ci/run installs Debian\'s ansible)', () => {
		expect(ansibleFound).toBe(true);
	});
});

type PlaybookRun = {code: number; stdout: string; stderr: string; recap: Record<string, Record<string, number>>};

/** The PLAY RECAP lines: `web1 : ok=7 changed=0 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0`, by host. */
function parsePlayRecap(stdout: string): Record<string, Record<string, number>> {
	const at = stdout.lastIndexOf('PLAY RECAP');
	if (at < 0) return {};
	const recap: Record<string, Record<string, number>> = {};
	for (const line of stdout.slice(at).split('\n').slice(1)) {
		const match = /^(\S+)\s+:\s+(.*)$/.exec(line.trim());
		if (!match) continue;
		recap[match[1]!] = Object.fromEntries([...match[2]!.matchAll(/(\w+)=(\d+)/g)].map(([, key, value]) => [key!, Number(value)]));
	}
	return recap;
}

/** The controller's settings for the lab: its key, its known_hosts (strictly), temp files in the test's scratch dir. */
function ansibleEnv(lab: Lab, scratch: string): NodeJS.ProcessEnv {
	return {
		...process.env,
		ANSIBLE_NOCOLOR: '1',
		ANSIBLE_FORCE_COLOR: '0',
		ANSIBLE_RETRY_FILES_ENABLED: 'false',
		ANSIBLE_HOST_KEY_CHECKING: 'true',
		ANSIBLE_PRIVATE_KEY_FILE: lab.identityFile,
		ANSIBLE_SSH_COMMON_ARGS: `-o UserKnownHostsFile=${lab.knownHostsFile} -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes`,
		ANSIBLE_LOCAL_TEMP: path.join(scratch, 'ansible-local'),
		ANSIBLE_SSH_CONTROL_PATH_DIR: path.join(scratch, 'ansible-cp'),
	};
}

/**
 * `ansible-playbook -i inventory.yml site.yml ARGS` in the export dir, as a
 * user runs it: the inventory's address, port and user, the lab key, and host
 * keys checked strictly against the lab's known_hosts.
 */
function runPlaybook(lab: Lab, dir: string, scratch: string, args: string[] = []): Promise<PlaybookRun> {
	const env = ansibleEnv(lab, scratch);
	return new Promise((resolve, reject) => {
		const child = spawn('ansible-playbook', ['-i', 'inventory.yml', 'site.yml', ...args], {cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
		child.on('error', reject);
		child.on('close', code => {
			clearTimeout(timer);
			resolve({code: code ?? -1, stdout, stderr, recap: parsePlayRecap(stdout)});
		});
	});
}

/** Every host of the pack in the recap, none unreachable or failed; the changed count by host. */
function changedByHost(run: PlaybookRun): Record<string, number> {
	expect(Object.keys(run.recap).sort(), `${run.stdout}${run.stderr}`).toEqual([...HOSTS].sort());
	for (const [host, row] of Object.entries(run.recap)) {
		expect({host, unreachable: row.unreachable, failed: row.failed}, run.stdout).toEqual({host, unreachable: 0, failed: 0});
	}
	return Object.fromEntries(Object.entries(run.recap).map(([host, row]) => [host, row.changed ?? -1]));
}

const noChange = Object.fromEntries(HOSTS.map(host => [host, 0]));

const out = async (lab: Lab, host: string, command: string) => {
	const result = await lab.exec(host, command);
	expect(result.code, `${host}: ${command}: ${result.stderr}`).toBe(0);
	return result.stdout;
};

/**
 * What each side must leave the same: the drop-in's bytes, the files the NFS
 * server holds for the pack (modes and owners), and on each client the fstab
 * entries for the share (with the tag above) and the live mount's flags.
 */
async function endState(lab: Lab) {
	const clients: Record<string, {entries: string[]; tagAbove: string | undefined; fstabMode: string; mountFlags: string}> = {};
	for (const client of CLIENTS) {
		const lines = ((await lab.readFile(client, '/etc/fstab')) ?? '').split('\n');
		const at = lines.flatMap((line, index) => (!line.trimStart().startsWith('#') && line.trim().split(/\s+/)[1] === SHARE ? [index] : []));
		clients[client] = {
			entries: at.map(index => lines[index]!),
			tagAbove: at.length === 1 ? lines[at[0]! - 1] : undefined,
			fstabMode: await out(lab, client, "stat -c '%a %U:%G' /etc/fstab"),
			mountFlags: await out(lab, client, `findmnt -n -o VFS-OPTIONS --mountpoint ${SHARE}`),
		};
	}
	const server = {
		dropIn: await lab.readFile('master', EXPORTS_DROP_IN),
		exportsDir: await out(lab, 'master', 'ls -A /etc/exports.d'),
		modes: await out(lab, 'master', `stat -c '%n %a %U:%G' /etc/exports.d ${EXPORTS_DROP_IN} ${SHARE} ${SHARE}/.aegir-pack-marker`),
	};
	return {server, clients};
}

/** The pack saved, no host contacted. */
async function savePack(lab: Lab, server: AegirServer): Promise<void> {
	const saved = await runCli(applyArgs(lab, server, {extra: ['--save-only']}), {env: {CI: 'true'}});
	expect(saved.code, `${saved.stdout}${saved.stderr}`).toBe(0);
}

/** `export ansible` of the saved pack into a new directory. */
async function exportPack(server: AegirServer, out: string): Promise<void> {
	// The sync lists come from this machine's config and platforms trees, as the tool's apply reads them.
	const exported = await runCli(
		['export', 'ansible', PACK_NAME, '--out', out, '--store-dir', server.storeDir, '--config-dir', server.configDir, '--platforms-dir', server.platformsDir],
		{env: {CI: 'true'}},
	);
	expect(exported.code, `${exported.stdout}${exported.stderr}`).toBe(0);
	for (const file of ['inventory.yml', 'site.yml', 'README.md']) expect(fs.existsSync(path.join(out, file)), file).toBe(true);
}

describe.skipIf(!canRunLab.ok || !ansibleFound)('a pack exported to Ansible: same end state as the tool, and each side a no-op after the other', () => {
	let scratch: string;
	let playbookState: Awaited<ReturnType<typeof endState>> | undefined;
	let server: AegirServer | undefined;
	let lab: Lab | undefined;
	const timings: string[] = [];

	beforeAll(() => {
		scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'aegir-pack-ansible-'));
	});

	afterAll(async () => {
		try {
			await lab?.down();
		} finally {
			removeAegirServer(server);
			fs.rmSync(scratch, {recursive: true, force: true});
			if (timings.length > 0) console.log(`ansible-playbook timings (a loaded machine; figures, not checks):\n  ${timings.join('\n  ')}`);
		}
	});

	const fresh = async () => {
		await lab?.down();
		removeAegirServer(server);
		lab = await startLab({names: HOSTS, systemdBooted: true});
		await prepareHeads(lab);
		server = seedAegirServer();
		return {lab, server};
	};

	const timed = async <T>(what: string, action: () => Promise<T>): Promise<T> => {
		const started = performance.now();
		const value = await action();
		timings.push(`${what}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
		return value;
	};

	test('A: the exported playbook on a fresh lab; status healthy; the tool then changes nothing; the playbook again: changed=0', async () => {
		const {lab, server} = await fresh();
		await savePack(lab, server);
		for (const host of HOSTS) expect(await lab.sshdLog(host), `saving the pack contacted ${host}`).not.toContain('Accepted');
		// A standard Debian server to Ansible: its service module will drive systemctl.
		const addresses = `${HOSTS.map(host => lab.host(host).address).join(',')},`;
		const facts = spawnSync('ansible', ['all', '-i', addresses, '-u', 'root', '-m', 'setup', '-a', 'filter=ansible_service_mgr'], {encoding: 'utf8', env: ansibleEnv(lab, scratch)});
		expect(facts.status, `${facts.stdout}${facts.stderr}`).toBe(0);
		expect(facts.stdout.match(/"ansible_service_mgr": "systemd"/g)?.length, facts.stdout).toBe(HOSTS.length);

		await exportPack(server, path.join(scratch, 'export-a'));
		const first = await timed('playbook on a fresh lab', () => runPlaybook(lab, path.join(scratch, 'export-a'), scratch));
		expect(first.code, `${first.stdout}${first.stderr}`).toBe(0);
		const changed = changedByHost(first);
		for (const host of HOSTS) expect(changed[host], `${host} changed something on a fresh lab`).toBeGreaterThan(0);

		const status = await runStatus(lab, server, ['--json']);
		expect(status.code, `${status.stdout}${status.stderr}`).toBe(0);
		const report = parseStatus(status);
		expect(report.healthy).toBe(true);
		expect(redRows(report)).toEqual([]);

		const before = await snapshot(lab, HOSTS, ['/etc']);
		const again = await runApply(lab, server);
		expect(again.code, `${again.stdout}${again.stderr}`).toBe(0);
		const toolRecap = parseRecap(again.stdout);
		expect(Object.keys(toolRecap).sort()).toEqual([...HOSTS].sort());
		for (const [host, row] of Object.entries(toolRecap)) expect({host, changed: row.changed, failed: row.failed}, again.stdout).toEqual({host, changed: 0, failed: 0});
		expect(await snapshot(lab, HOSTS, ['/etc'])).toEqual(before);

		const second = await timed('playbook again (nothing to do)', () => runPlaybook(lab, path.join(scratch, 'export-a'), scratch));
		expect(second.code, `${second.stdout}${second.stderr}`).toBe(0);
		expect(changedByHost(second), second.stdout).toEqual(noChange);
		expect(await snapshot(lab, HOSTS, ['/etc'])).toEqual(before);

		playbookState = await endState(lab);
	}, 900_000);

	test('B: on a fresh lab applied by the tool, the playbook in --check --diff would change nothing; both sides leave the same drop-in and fstab entry', async () => {
		const {lab, server} = await fresh();
		const applied = await runApply(lab, server);
		expect(applied.code, `${applied.stdout}${applied.stderr}`).toBe(0);
		// The pack the tool applied and saved, exported as a user would after the fact.
		await exportPack(server, path.join(scratch, 'export-b'));
		const before = await snapshot(lab, HOSTS, ['/etc']);
		const check = await timed('playbook --check --diff on a tool-applied lab', () => runPlaybook(lab, path.join(scratch, 'export-b'), scratch, ['--check', '--diff']));
		expect(check.code, `${check.stdout}${check.stderr}`).toBe(0);
		expect(changedByHost(check), check.stdout).toEqual(noChange);
		expect(await snapshot(lab, HOSTS, ['/etc'])).toEqual(before);

		const toolState = await endState(lab);
		expect(toolState.server.dropIn).toBeDefined();
		for (const client of CLIENTS) {
			expect(toolState.clients[client]!.entries, `${client}: one fstab entry for ${SHARE}`).toHaveLength(1);
			expect(toolState.clients[client]!.tagAbove).toBe(`# aegir-pack: ${PACK_NAME}`);
			expect(toolState.clients[client]!.mountFlags.split(',')).toEqual(expect.arrayContaining(['nosuid', 'nodev']));
		}
		expect(playbookState, 'test A ran').toBeDefined();
		expect(playbookState).toEqual(toolState);
	}, 900_000);
});
