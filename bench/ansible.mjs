// The bench's Ansible rows (issue 14): the pack exported with `aegir-pack
// export ansible` and applied by Debian's ansible-playbook, fresh and as a
// no-op re-run, beside the tool's own fresh-N and noop-N rows. Same lab, same
// local Aegir trees, same pack as the tool's runs; the hosts are started with
// systemd's booted marker (test/lab/README.md, "Ansible on the lab") so
// Ansible's service module drives systemctl as on a Debian server.
//
//   fresh-N-ansible   ansible-playbook -i inventory.yml site.yml on a fresh lab of N hosts
//   noop-N-ansible    the same command again right after: nothing to change
//
// Skipped, with one line saying so, when ansible-playbook is not installed.
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {openLab, up} from '../test/lab/lab.mjs';
import {prepareHeads} from './aegir-tree.mjs';
import {GNU_TIME, hostsCpu, measureCli} from './measure.mjs';

const PACK_NAME = 'pack.example.com';
const webNames = count => ['master', ...Array.from({length: count - 1}, (_, index) => `web${index + 1}`)];

/** One lab per size; its runs follow one another on it (the no-op needs the fresh run before it). */
export const ANSIBLE_LABS = [3, 8].map(count => ({names: webNames(count), runs: [`fresh-${count}-ansible`, `noop-${count}-ansible`]}));

export const ansibleInstalled = () => spawnSync('ansible-playbook', ['--version'], {stdio: 'ignore'}).status === 0;

/**
 * Runs the Ansible labs `only` selects (all without `only`): their rows in
 * the bench table's shape, and whether the labs had per-host cgroups.
 * @param {{only?: Set<string>, scratch: string, aegir: {configDir: string, platformsDir: string}, log: (message: string) => void, labDown: () => Promise<void>}} options
 */
export async function ansibleRuns({only, scratch, aegir, log, labDown}) {
	const labs = ANSIBLE_LABS.filter(lab => !only || lab.runs.some(label => only.has(label)));
	const rows = [];
	let snat;
	if (labs.length === 0) return {rows, snat};
	if (!ansibleInstalled()) {
		log('ansible-playbook is not installed (apt-get install --no-install-recommends ansible): no *-ansible rows');
		return {rows, snat};
	}
	for (const lab of labs) {
		const count = lab.names.length;
		log(`fresh lab for ansible: ${lab.names.join(', ')} (systemd-booted)`);
		await labDown();
		const state = await up({names: lab.names, systemdBooted: true, log});
		snat = state.snat;
		await prepareHeads(openLab(), lab.names);
		const storeDir = path.join(scratch, `store-ansible-${count}`);
		const out = path.join(scratch, `export-ansible-${count}`);
		const files = ['--store-dir', storeDir, '--ssh-config', state.sshConfigFile, '--known-hosts', state.knownHostsFile];
		const save = [
			...files,
			...['--config-dir', aegir.configDir, '--platforms-dir', aegir.platformsDir],
			...['--name', PACK_NAME, '--master', 'master'],
			...lab.names.slice(1).flatMap(name => ['--slave', name]),
			...['--subnet', `${state.prefix}.0/24`, '--save-only', '--yes'],
		];
		// Saving and exporting are set-up, not timed: no host is contacted.
		for (const [label, args] of [
			[`save-${count}-ansible`, save],
			[`export-${count}-ansible`, ['export', 'ansible', PACK_NAME, '--out', out, '--store-dir', storeDir, '--config-dir', aegir.configDir, '--platforms-dir', aegir.platformsDir]],
		]) {
			const result = await measureCli({args, terminal: false, scratch, label});
			fs.writeFileSync(path.join(scratch, `${label}.out`), result.output);
			if (result.code !== 0) {
				log(`${label}: exit ${result.code}:\n${result.output.split('\n').slice(-15).join('\n')}`);
				rows.push(...lab.runs.map(run => ({label: run, hosts: count, terminal: false, code: `${label} failed`, wall: Number.NaN, outputBytes: 0})));
				break;
			}
		}
		if (rows.some(row => lab.runs.includes(row.label))) continue;
		for (const label of lab.runs) {
			log(`${label}: running ansible-playbook…`);
			const before = hostsCpu(state);
			const result = await measurePlaybook({dir: out, state, scratch, label});
			const after = hostsCpu(state);
			fs.writeFileSync(path.join(scratch, `${label}.out`), result.output);
			const recap = result.output.slice(result.output.lastIndexOf('PLAY RECAP'));
			log(`${label}: exit ${result.code}, ${result.wall.toFixed(2)} s; ${summary(recap)}`);
			if (result.code !== 0) log(`${label}: last output:\n${result.output.split('\n').slice(-25).join('\n')}`);
			rows.push({label, hosts: count, terminal: false, ...result, hostsCpu: before === undefined || after === undefined ? undefined : after - before});
		}
	}
	return {rows, snat};
}

/** `changed=` summed over the recap's hosts, and how many hosts failed or were unreachable. */
function summary(recap) {
	const sum = key => [...recap.matchAll(new RegExp(`\\b${key}=(\\d+)`, 'g'))].reduce((total, match) => total + Number(match[1]), 0);
	return `changed=${sum('changed')} failed=${sum('failed')} unreachable=${sum('unreachable')} (all hosts)`;
}

/**
 * One timed `ansible-playbook -i inventory.yml site.yml` in the export dir:
 * wall from spawn to exit, and the CPU of ansible-playbook with every child it
 * waited for (its forks and their ssh) from GNU time. The lab key and the
 * lab's known_hosts (strict), ssh connection sharing as Ansible sets it up.
 */
function measurePlaybook({dir, state, scratch, label}) {
	const timeFile = path.join(scratch, `${label}.time`);
	const env = {
		...process.env,
		ANSIBLE_NOCOLOR: '1',
		ANSIBLE_RETRY_FILES_ENABLED: 'false',
		ANSIBLE_HOST_KEY_CHECKING: 'true',
		ANSIBLE_PRIVATE_KEY_FILE: state.identityFile,
		ANSIBLE_SSH_COMMON_ARGS: `-o UserKnownHostsFile=${state.knownHostsFile} -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes`,
		ANSIBLE_LOCAL_TEMP: path.join(scratch, 'ansible-local'),
		ANSIBLE_SSH_CONTROL_PATH_DIR: path.join(scratch, 'ansible-cp'),
	};
	const argv = [...(GNU_TIME ? [GNU_TIME, '-f', '%e %U %S', '-o', timeFile] : []), 'ansible-playbook', '-i', 'inventory.yml', 'site.yml'];
	const [command, ...args] = /** @type {[string, ...string[]]} */ (argv);
	const started = performance.now();
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe']});
		let output = '';
		child.stdout.setEncoding('utf8').on('data', chunk => (output += chunk));
		child.stderr.setEncoding('utf8').on('data', chunk => (output += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
		child.on('error', error => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			const wall = (performance.now() - started) / 1000;
			let total;
			if (GNU_TIME) {
				const [, user, system] = (fs.readFileSync(timeFile, 'utf8').trim().split('\n').at(-1) ?? '').split(' ').map(Number);
				total = (user ?? Number.NaN) + (system ?? Number.NaN);
			}
			resolve({code: code ?? `signal ${signal}`, wall, total, outputBytes: Buffer.byteLength(output), output});
		});
	});
}

const seconds = value => (value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(2));

/** What the *-ansible rows mean, and each beside the tool's row of the same size when the table has it. */
export function ansibleExplanations(rows) {
	const find = label => rows.find(row => row.label === label);
	if (!rows.some(row => row.label.endsWith('-ansible'))) return [];
	const lines = [
		'*-ansible    `aegir-pack export ansible` of the same pack, then `ansible-playbook -i inventory.yml site.yml` (Debian 12 ansible, default',
		'             forks 5, ssh connection sharing) on a fresh lab with systemd\'s booted marker; noop-N-ansible: the same again right after.',
		'             tool CPU s = ansible-playbook and its forks and ssh (GNU time); ready, node CPU, RSS: n/a. Saving and exporting not timed.',
	];
	for (const count of [3, 8]) {
		for (const kind of ['fresh', 'noop']) {
			const tool = find(`${kind}-${count}`);
			const playbook = find(`${kind}-${count}-ansible`);
			if (!playbook) continue;
			lines.push(
				`${kind} ${count} hosts: playbook ${seconds(playbook.wall)} s wall (controller CPU ${seconds(playbook.total)} s, hosts CPU ${seconds(playbook.hostsCpu)} s)` +
					(tool ? ` vs the tool ${seconds(tool.wall)} s (CPU ${seconds(tool.total)} s, hosts CPU ${seconds(tool.hostsCpu)} s)` : ` (no tool row ${kind}-${count} in this run)`),
			);
		}
	}
	return lines;
}
