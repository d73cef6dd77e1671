// How long the wizard takes to show its first screen in an 80x24 pty, beside
// what no program can beat on this machine (`node -e 0`, spawn to exit) and
// the smallest Ink app (spawn to its one line), loaded from node_modules and
// bundled as dist/ is: the same rounds, interleaved, so machine load hits
// all alike. No lab: nothing is contacted.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';
import pty from 'node-pty';
import {bundleOptions} from '../scripts/bundle-options.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
/** The published command: package.json's bin, as `npx aegir-pack` starts it. */
export const BIN = path.join(REPO, JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).bin['aegir-pack']);

// Ink's escapes removed, the screen's text is what a person reads.
const plain = text => text.replace(/\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007]*\u0007|\u001B[()][0-9A-Za-z]|\u001B[=>78]/g, '');

/** The CPU (user + system) a live process has used so far, from /proc (10 ms ticks); undefined elsewhere. */
function cpuSeconds(pid) {
	try {
		// Fields after the command's ") ": state is the 1st, utime the 12th, stime the 13th.
		const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return (Number(fields[11]) + Number(fields[12])) / 100;
	} catch {
		return undefined;
	}
}

/**
 * Spawn `args` in an 80x24 pty; resolve with the seconds from spawn until the
 * plain output matches `until` (or until exit, when `until` is unset), and
 * the CPU the process had used by then (less sensitive to machine load).
 */
function timeOne(args, {env, until, timeoutMs = 20_000}) {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const term = pty.spawn(process.execPath, args, {name: 'xterm-256color', cols: 80, rows: 24, cwd: REPO, env});
		let output = '';
		let seconds;
		let cpu;
		const timer = setTimeout(() => finish(new Error(`no first frame after ${timeoutMs} ms; output:\n${plain(output)}`)), timeoutMs);
		const finish = error => {
			clearTimeout(timer);
			if (error) {
				term.kill('SIGKILL');
				reject(error);
			} else resolve({seconds, cpu});
		};
		term.onData(data => {
			output += data;
			if (seconds === undefined && until && until.test(plain(output))) {
				seconds = (performance.now() - started) / 1000;
				cpu = cpuSeconds(term.pid);
				// Ctrl-C: the wizard quits as a person would leave it; the exit ends the sample.
				term.write('\u0003');
				setTimeout(() => term.kill('SIGKILL'), 2000).unref();
			}
		});
		term.onExit(() => {
			if (!until) seconds = (performance.now() - started) / 1000;
			if (seconds === undefined) finish(new Error(`exited before its first frame; output:\n${plain(output)}`));
			else finish();
		});
	});
}

/** Run a program to its end without a terminal. */
function run(command, args, env) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe']});
		let output = '';
		child.stdout.on('data', chunk => (output += chunk));
		child.stderr.on('data', chunk => (output += chunk));
		child.on('error', reject);
		child.on('close', code => resolve({code, output}));
	});
}

/** A home of its own: an empty store, a small ~/.ssh/config, no Aegir; the user's real ones are never read. */
function scratchHome() {
	const home = fs.mkdtempSync(path.join(os.tmpdir(), 'aegir-first-frame-'));
	fs.mkdirSync(path.join(home, '.ssh'));
	fs.writeFileSync(
		path.join(home, '.ssh', 'config'),
		['master', 'web1', 'web2'].map((name, index) => `Host ${name}\n  HostName 192.0.2.${index + 1}\n  User root\n`).join('\n'),
	);
	return home;
}

const median = values => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Each subject `rounds` times, interleaved; the medians (and ranges) as printable lines. */
export async function firstFrame({rounds = 9, bins = [BIN], log = () => {}} = {}) {
	const home = scratchHome();
	const env = {};
	for (const [key, value] of Object.entries({...process.env, HOME: home, TERM: 'xterm-256color'})) {
		// An interactive terminal as a person has one: no CI marker, no store or ssh config from elsewhere.
		if (!['CI', 'CONTINUOUS_INTEGRATION', 'AEGIR_PACK_HOME', 'AEGIR_PACK_SSH_CONFIG', 'NODE_ENV', 'NODE_OPTIONS'].includes(key)) env[key] = value;
	}
	const minimalInk = path.join(HERE, 'minimal-ink.mjs');
	const minimalBundle = path.join(home, 'minimal-ink.bundle.mjs');
	const subjects = [
		{label: 'node -e 0 (spawn to exit)', args: ['-e', '0']},
		{label: 'minimal Ink app (node_modules)', args: [minimalInk], until: /Minimal Ink app/},
		{label: 'minimal Ink app (bundled)', args: [minimalBundle], until: /Minimal Ink app/},
		...bins.flatMap(bin => [
			{
				label: `aegir-pack wizard (${path.relative(REPO, bin)})`,
				args: [bin, '--store-dir', path.join(home, 'store'), '--aegir-home', path.join(home, 'aegir')],
				// The whole first screen: its title, then its keys line at the bottom.
				until: /aegir-pack: [^\n]*Name the pack[\s\S]*Ctrl-C quit/,
			},
			{
				// A returning user: the store is read before the first screen, the start menu.
				label: `  the same, 1 pack saved (start menu)`,
				args: [bin, '--store-dir', path.join(home, 'saved'), '--aegir-home', path.join(home, 'aegir')],
				until: /aegir-pack: Start[\s\S]*Ctrl-C quit/,
			},
		]),
	];
	const samples = subjects.map(() => []);
	try {
		// One saved pack, saved by the command itself (no host is contacted with --save-only).
		const saved = await run(process.execPath, [bins[0], '--store-dir', path.join(home, 'saved'), '--name', 'pack.example.com', '--master', 'master', '--slave', 'web1', '--subnet', '192.0.2.2/32', '--yes', '--save-only'], {...env, CI: 'true'});
		if (saved.code !== 0) throw new Error(`could not save the pack the start menu shows: ${saved.output}`);
		// The floor of a bundled Ink app: the minimal one, bundled as the CLI is.
		await build({...bundleOptions, entryPoints: [minimalInk], outfile: minimalBundle, absWorkingDir: REPO});
		// One untimed warm-up each: the first spawn pays for the file cache.
		for (const subject of subjects) await timeOne(subject.args, {env, until: subject.until});
		for (let round = 0; round < rounds; round++) {
			for (const [index, subject] of subjects.entries()) samples[index].push(await timeOne(subject.args, {env, until: subject.until}));
			log(`first-frame: round ${round + 1}/${rounds}`);
		}
	} finally {
		fs.rmSync(home, {recursive: true, force: true});
	}
	const width = Math.max(...subjects.map(subject => subject.label.length));
	const seconds = value => `${value.toFixed(3)} s`;
	return [
		`First frame in an 80x24 pty, spawn to first screen: median of ${rounds} rounds (range), and the CPU the process had used by then`,
		`(${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)} at the end; wall times follow the load, CPU much less):`,
		...subjects.map((subject, index) => {
			const walls = samples[index].map(sample => sample.seconds);
			const cpus = samples[index].map(sample => sample.cpu).filter(cpu => cpu !== undefined);
			const range = `(${Math.min(...walls).toFixed(3)}–${Math.max(...walls).toFixed(3)})`;
			return `  ${subject.label.padEnd(width)}  ${seconds(median(walls))}  ${range}   CPU ${cpus.length > 0 ? seconds(median(cpus)) : 'n/a (gone)'}`;
		}),
	];
}

// `node bench/first-frame.mjs [--rounds=N] [--bin=FILE]...`: this table alone (several --bin: compared in the same rounds).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const option = name => process.argv.find(arg => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
	const rounds = Number(option('rounds') ?? 9);
	const bins = process.argv.filter(arg => arg.startsWith('--bin=')).map(arg => path.resolve(arg.slice('--bin='.length)));
	const lines = await firstFrame({rounds, bins: bins.length > 0 ? bins : [BIN], log: message => process.stderr.write(`bench: ${message}\n`)});
	process.stdout.write(`${lines.join('\n')}\n`);
}
