#!/usr/bin/env node
// `npm run bench`: how long and how much CPU aegir-pack takes to apply a pack
// on the local lab (test/lab/), fresh and as a no-op re-run, piped and in a
// pty, and to add one slave to an applied pack of 2 and of 8 hosts.
// Prints a table; asserts nothing. Needs root (the lab does).
// The lab is shared per machine: run it as `flock /tmp/aegir-lab.lock npm run bench`.
// `--only=fresh-1,noop-8` runs a subset: the labs holding those runs (labels as in the table), each with all its runs.
// `--only=first-frame`: the wizard's first screen beside `node -e 0` and a minimal Ink app (first-frame.mjs; no lab, no root).
// The *-ansible rows (the exported playbook run by ansible-playbook) are bench/ansible.mjs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {down, labSupport, openLab, up} from '../test/lab/lab.mjs';
import {prepareHeads, seedAegirServer} from './aegir-tree.mjs';
import {CLI, GNU_TIME, hostsCpu, measureCli} from './measure.mjs';
import {ansibleExplanations, ansibleRuns} from './ansible.mjs';
import {explanations, formatTable, machineLines} from './table.mjs';
import {firstFrame} from './first-frame.mjs';
import {longPoleLine} from './long-pole.mjs';

const log = message => process.stderr.write(`bench: ${message}\n`);
const webNames = count => ['master', ...Array.from({length: count - 1}, (_, index) => `web${index + 1}`)];

const PACK_NAME = 'pack.example.com';

/**
 * Each lab is brought up fresh; its runs follow one another on it. A lab with
 * `pack` applies a pack of its first `pack` hosts first (untimed), then its
 * `add` runs add the next host with `add-slave` (timed).
 */
const LABS = [
	{names: webNames(1), runs: [{label: 'fresh-1', terminal: false}]},
	{names: webNames(3), runs: [{label: 'fresh-3', terminal: false}]},
	{names: webNames(8), runs: [{label: 'fresh-8', terminal: false}, {label: 'noop-8', terminal: false}]},
	{names: webNames(8), runs: [{label: 'fresh-8-tui', terminal: true}, {label: 'noop-8-tui', terminal: true}]},
	{names: webNames(3), pack: 2, runs: [{label: 'add-2', terminal: false, add: true}]},
	{names: webNames(9), pack: 8, runs: [{label: 'add-8', terminal: false, add: true}]},
];

function onlyLabels(argv) {
	const flag = argv.find(arg => arg.startsWith('--only='));
	return flag ? new Set(flag.slice('--only='.length).split(',')) : undefined;
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
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'aegir-bench-'));
	const aegir = seedAegirServer(path.join(scratch, 'aegir'));
	log(`scratch dir ${scratch} (${aegir.files} files in the local config and platform trees)`);
	if (!GNU_TIME) log('no /usr/bin/time: tool CPU comes from the preload (node + children it reaped)');

	const rows = [];
	const poles = [];
	let snat;
	try {
		for (const [index, lab] of LABS.entries()) {
			// A lab's runs depend on each other (noop-8 re-runs what fresh-8 applied): select whole labs.
			if (only && !lab.runs.some(run => only.has(run.label))) continue;
			const {runs} = lab;
			log(`fresh lab: ${lab.names.join(', ')}`);
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
			if (lab.pack !== undefined && !(await setupApply({args, scratch, label: `${runs[0]?.label}-setup`}))) {
				rows.push(...runs.map(run => ({label: run.label, hosts: lab.pack, terminal: run.terminal, code: 'setup failed', wall: Number.NaN, outputBytes: 0})));
				continue;
			}
			for (const run of runs) {
				log(`${run.label}: running (${run.terminal ? 'in an 80x24 pty' : 'piped, no TTY'})…`);
				const hostsBefore = hostsCpu(state);
				// add-N: one new slave (the lab's next host) joins the applied pack of N hosts.
				const runArgs = run.add ? ['add-slave', PACK_NAME, lab.names[packNames.length], ...files, '--yes'] : args;
				const readyMark = run.add ? 'aegir-pack: applying to' : undefined;
				const result = await measureCli({args: runArgs, terminal: run.terminal, scratch, label: run.label, ...(readyMark ? {readyMark} : {})});
				const hostsAfter = hostsCpu(state);
				const hosts = hostsBefore === undefined || hostsAfter === undefined ? undefined : hostsAfter - hostsBefore;
				fs.writeFileSync(path.join(scratch, `${run.label}.out`), result.output);
				if (result.code !== 0) {
					log(`${run.label}: exit ${result.code}; last output:\n${lastLines(result.output, 25)}`);
				}
				log(`${run.label}: exit ${result.code}, ${result.wall.toFixed(2)} s`);
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
	process.stdout.write(`${formatTable(rows)}\n\n${[...explanations(rows), ...ansibleExplanations(rows)].join('\n')}\n`);
	if (poles.length > 0) process.stdout.write(`\n${poles.join('\n')}\n`);
	log(`outputs of each run kept in ${scratch}`);
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
