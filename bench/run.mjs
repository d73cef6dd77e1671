#!/usr/bin/env node
// `npm run bench`: how long and how much CPU aegir-pack takes to apply a pack
// on the local lab (test/lab/), fresh and as a no-op re-run, piped and in a
// pty, and to add one slave to an applied pack of 2 and of 8 hosts.
// Prints a table; asserts nothing. Needs root (the lab does).
// The lab is shared per machine: run it as `flock /tmp/aegir-lab.lock npm run bench`.
// `--only=fresh-1,noop-8` runs a subset: the labs holding those runs (labels as in the table), each with all its runs.
// `--only=first-frame`: the wizard's first screen beside `node -e 0` and a minimal Ink app (first-frame.mjs; no lab, no root).
// The *-ansible rows (the exported playbook run by ansible-playbook) are bench/ansible.mjs.
// `--repeat=N` runs them N times (a fresh lab each time) and prints medians; `--cpu-prof` keeps a V8 CPU profile per run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {down, labSupport, openLab, up} from '../test/lab/lab.mjs';
import {prepareHeads, seedAegirServer} from './aegir-tree.mjs';
import {CLI, GNU_TIME, hostsCpu, measureCli} from './measure.mjs';
import {ANSIBLE_LABS, ansibleExplanations, ansibleRuns} from './ansible.mjs';
import {explanations, formatTable, machineLines, medianRows, spreadLines} from './table.mjs';
import {firstFrame} from './first-frame.mjs';
import {longPoleLine} from './long-pole.mjs';

const log = message => process.stderr.write(`bench: ${message}\n`);
const webNames = count => ['master', ...Array.from({length: count - 1}, (_, index) => `web${index + 1}`)];

const PACK_NAME = 'pack.example.com';

/** A run of the apply command with output piped (no TTY), or in an 80x24 pty (`tui`). */
const piped = label => ({label, terminal: false});
const tui = label => ({label, terminal: true});

/**
 * The scenarios, one entry per lab. Each lab is brought up fresh; its runs
 * follow one another on it (a no-op run re-runs what the fresh run before it
 * applied). A lab with `pack` applies a pack of its first `pack` hosts first
 * (untimed), then its `add` runs add the next host with `add-slave` (timed).
 * To add a scenario, add an entry (and its label to bench/README.md).
 */
const LABS = [
	{names: webNames(1), runs: [piped('fresh-1')]},
	{names: webNames(3), runs: [piped('fresh-3'), piped('noop-3')]},
	{names: webNames(8), runs: [piped('fresh-8'), piped('noop-8')]},
	{names: webNames(8), runs: [tui('fresh-8-tui'), tui('noop-8-tui')]},
	{names: webNames(24), runs: [piped('fresh-24'), piped('noop-24')]},
	{names: webNames(3), pack: 2, runs: [{label: 'add-2', terminal: false, add: true}]},
	{names: webNames(9), pack: 8, runs: [{label: 'add-8', terminal: false, add: true}]},
];

function onlyLabels(argv) {
	const flag = argv.find(arg => arg.startsWith('--only='));
	return flag ? new Set(flag.slice('--only='.length).split(',')) : undefined;
}

/** `--repeat=N`: every selected lab N times over (a fresh lab each time); the table shows each figure's median. */
function repeatCount(argv) {
	const flag = argv.find(arg => arg.startsWith('--repeat='));
	const count = flag ? Number(flag.slice('--repeat='.length)) : 1;
	if (!Number.isInteger(count) || count < 1 || count > 20) throw new Error(`--repeat takes 1–20 (got ${flag})`);
	return count;
}

async function main() {
	// Needs no lab: first, or alone with --only=first-frame.
	const frames = onlyLabels(process.argv.slice(2));
	if (!frames || frames.has('first-frame')) process.stdout.write(`${(await firstFrame({log})).join('\n')}\n\n`);
	if (frames && [...frames].every(label => label === 'first-frame')) return 0;
	const support = labSupport();
	if (!support.ok) {
		log(`cannot run the bench here: ${support.reason}`);
		return 1;
	}
	if (!fs.existsSync(CLI)) {
		log(`${CLI} is missing: npm run build first`);
		return 1;
	}
	const only = onlyLabels(process.argv.slice(2));
	const repeat = repeatCount(process.argv.slice(2));
	// --cpu-prof: a V8 CPU profile of each timed run in the scratch dir (profiling slows the run: figures are not comparable).
	const profile = process.argv.includes('--cpu-prof');
	const known = ['first-frame', ...LABS.flatMap(lab => lab.runs.map(run => run.label)), ...ANSIBLE_LABS.flatMap(lab => lab.runs)];
	const unknown = only ? [...only].filter(label => !known.includes(label)) : [];
	if (unknown.length > 0) {
		log(`no run named ${unknown.join(', ')} (runs: ${known.join(', ')})`);
		return 1;
	}
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'aegir-bench-'));
	const aegir = seedAegirServer(path.join(scratch, 'aegir'));
	log(`CLI under test: ${CLI}`);
	log(`scratch dir ${scratch} (${aegir.files} files in the local config and platform trees)`);
	if (!GNU_TIME) log('no /usr/bin/time: tool CPU comes from the preload (node + children it reaped)');

	const rows = [];
	const poles = [];
	let snat;
	try {
		// A lab's runs depend on each other (noop-8 re-runs what fresh-8 applied): select whole labs.
		const selected = [...LABS.entries()].filter(([, lab]) => !only || lab.runs.some(run => only.has(run.label)));
		const rounds = Array.from({length: repeat}, (_, round) => selected.map(([index, lab]) => ({index: `${index}-${round}`, lab, round})));
		for (const {index, lab, round} of rounds.flat()) {
			const {runs} = lab;
			log(`fresh lab${repeat > 1 ? ` (round ${round + 1} of ${repeat})` : ''}: ${lab.names.length <= 9 ? lab.names.join(', ') : `${lab.names.length} hosts`}`);
			await labDown();
			const state = await up({names: lab.names, log});
			await prepareHeads(openLab(), lab.names);
			snat = state.snat;
			const storeDir = path.join(scratch, `store-${index}`);
			const files = [
				...['--store-dir', storeDir, '--ssh-config', state.sshConfigFile, '--known-hosts', state.knownHostsFile],
				...['--config-dir', aegir.configDir, '--platforms-dir', aegir.platformsDir],
			];
			const packNames = lab.names.slice(0, lab.pack ?? lab.names.length);
			const args = [
				...files,
				...['--name', PACK_NAME, '--master', 'master'],
				...packNames.slice(1).flatMap(name => ['--slave', name]),
				...['--subnet', `${state.prefix}.0/24`, '--yes'],
			];
			if (lab.pack !== undefined && !(await setupApply({args, scratch, label: `${runs[0]?.label}-setup${repeat > 1 ? `.${round + 1}` : ''}`}))) {
				rows.push(...runs.map(run => ({label: run.label, hosts: lab.pack, terminal: run.terminal, code: 'setup failed', wall: Number.NaN, outputBytes: 0})));
				continue;
			}
			for (const run of runs) {
				// Each round's files (output, GNU time, preload figures) under their own name.
				const fileLabel = repeat > 1 ? `${run.label}.${round + 1}` : run.label;
				log(`${run.label}: running (${run.terminal ? 'in an 80x24 pty' : 'piped, no TTY'})…`);
				const hostsBefore = hostsCpu(state);
				// add-N: one new slave (the lab's next host) joins the applied pack of N hosts.
				const runArgs = run.add ? ['add-slave', PACK_NAME, lab.names[packNames.length], ...files, '--yes'] : args;
				const readyMark = run.add ? 'aegir-pack: applying to' : undefined;
				const result = await measureCli({args: runArgs, terminal: run.terminal, scratch, label: fileLabel, ...(readyMark ? {readyMark} : {}), ...(profile ? {profileDir: path.join(scratch, 'profiles')} : {})});
				const hostsAfter = hostsCpu(state);
				const hosts = hostsBefore === undefined || hostsAfter === undefined ? undefined : hostsAfter - hostsBefore;
				fs.writeFileSync(path.join(scratch, `${fileLabel}.out`), result.output);
				if (result.code !== 0) {
					log(`${run.label}: exit ${result.code}; last output:\n${lastLines(result.output, 25)}`);
				}
				log(`${run.label}: exit ${result.code}, ${result.wall.toFixed(2)} s wall, ${result.total?.toFixed(2) ?? 'n/a'} s tool CPU, ${result.self?.toFixed(2) ?? 'n/a'} s node CPU`);
				rows.push({label: run.label, hosts: packNames.length, terminal: run.terminal, ...result, hostsCpu: hosts});
				if (!run.terminal) poles.push(longPoleLine(run.label, result.output));
			}
		}
		const ansible = await ansibleRuns({only, scratch, aegir, log, labDown});
		rows.push(...ansible.rows);
		snat ??= ansible.snat;
	} finally {
		await labDown().catch(error => log(`lab down failed: ${error.message}`));
	}

	process.stdout.write(`\n${machineLines({snat, gnuTime: GNU_TIME}).join('\n')}\n\n`);
	const table = repeat > 1 ? medianRows(rows) : rows;
	if (repeat > 1) process.stdout.write(`medians of ${repeat} rounds (each on a fresh lab); every round's figures:\n${spreadLines(rows).join('\n')}\n\n`);
	process.stdout.write(`${formatTable(table)}\n\n${[...explanations(table), ...ansibleExplanations(table)].join('\n')}\n`);
	if (poles.length > 0) process.stdout.write(`\n${poles.join('\n')}\n`);
	log(`outputs of each run kept in ${scratch}`);
	if (profile) log(`CPU profiles in ${path.join(scratch, 'profiles')}: node bench/profile-summary.mjs FILE.cpuprofile`);
	return rows.every(row => row.code === 0) ? 0 : 1;
}

/** The untimed apply an add-N run starts from; false (and the output's tail) when it failed. */
async function setupApply({args, scratch, label}) {
	log(`${label}: applying the pack first (not timed)…`);
	const result = await measureCli({args, terminal: false, scratch, label});
	fs.writeFileSync(path.join(scratch, `${label}.out`), result.output);
	log(`${label}: exit ${result.code}, ${result.wall.toFixed(2)} s`);
	if (result.code !== 0) log(`${label}: the pack could not be applied; last output:\n${lastLines(result.output, 25)}`);
	return result.code === 0;
}

async function labDown() {
	await down({log, quiet: true});
}

function lastLines(text, count) {
	// Terminal output: drop escape sequences so the tail reads as text.
	const plain = text.replace(/\u001B\[[0-?]*[ -/]*[@-~]|\u001B[()][0-9A-Za-z]|\u001B[=>78]/g, '');
	return plain.split(/\r?\n/).slice(-count).join('\n');
}

main().then(
	code => process.exit(code),
	error => {
		log(error instanceof Error ? (error.stack ?? error.message) : String(error));
		process.exit(1);
	},
);
