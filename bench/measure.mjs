// Runs the built CLI once and measures it: wall time from spawn to exit, the
// CPU of the whole process tree the CLI waited for (GNU time), the split of
// that between the node process and its reaped children (self-cpu.mjs), and
// the bytes it wrote to its terminal or pipe.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath, pathToFileURL} from 'node:url';
import pty from 'node-pty';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..');
/** The CLI under test: dist/cli.js, or $AEGIR_BENCH_CLI (e.g. another build, for before/after figures in one session). */
export const CLI = process.env['AEGIR_BENCH_CLI'] ? path.resolve(process.env['AEGIR_BENCH_CLI']) : path.join(REPO, 'dist', 'cli.js');
const PRELOAD = pathToFileURL(path.join(HERE, 'self-cpu.mjs')).href;
export const GNU_TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/**
 * @param {{args: string[], terminal: boolean, scratch: string, label: string, timeoutMs?: number, readyMark?: string, profileDir?: string}} options
 * readyMark: output that ends start-up (default " saved to ", the apply's "Pack … saved to").
 * profileDir: write a V8 CPU profile of the CLI there (`node --cpu-prof`; read it with bench/profile-summary.mjs).
 */
export async function measureCli({args, terminal, scratch, label, timeoutMs = 300_000, readyMark = ' saved to ', profileDir}) {
	const timeFile = path.join(scratch, `${label}.time`);
	const cpuFile = path.join(scratch, `${label}.cpu.json`);
	const env = {
		...process.env,
		NODE_OPTIONS: [`--import=${PRELOAD}`, process.env['NODE_OPTIONS'] ?? ''].join(' ').trim(),
		AEGIR_BENCH_CPU_FILE: cpuFile,
	};
	// -o: time's figures go to a file, never into the screen or output being measured.
	const argv = [
		...(GNU_TIME ? [GNU_TIME, '-f', '%e %U %S', '-o', timeFile] : []),
		process.execPath,
		// Not allowed in NODE_OPTIONS: on node's own command line, so only the CLI is profiled.
		...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${label}.cpuprofile`] : []),
		CLI,
		...args,
	];
	const [command, ...rest] = /** @type {[string, ...string[]]} */ (argv);
	const started = performance.now();
	// When the wizard part is over ("Pack … saved to …" printed, or readyMark) and the run begins.
	let ready;
	const watch = output => {
		if (ready === undefined && output.includes(readyMark)) ready = (performance.now() - started) / 1000;
	};
	const {code, output} = terminal ? await inPty(command, rest, env, timeoutMs, watch) : await piped(command, rest, env, timeoutMs, watch);
	const wall = (performance.now() - started) / 1000;

	let time;
	if (GNU_TIME) {
		// GNU time prefixes "Command exited with non-zero status N" on its own line.
		const last = fs.readFileSync(timeFile, 'utf8').trim().split('\n').at(-1) ?? '';
		const [elapsed, user, system] = last.split(' ').map(Number);
		time = {elapsed, user, system};
	}
	let split;
	try {
		split = JSON.parse(fs.readFileSync(cpuFile, 'utf8'));
	} catch {}
	// Without GNU time the preload's own figures (node + reaped children) stand in for the total.
	const total = time
		? time.user + time.system
		: split
			? split.self.user + split.self.system + (split.children ? split.children.user + split.children.system : 0)
			: undefined;
	const self = split ? split.self.user + split.self.system : undefined;
	// Ink wraps every frame it draws in a synchronized update (CSI ? 2026 h … l).
	const frames = terminal ? output.split('\u001B[?2026h').length - 1 : undefined;
	return {code, wall, ready, time, total, self, maxRssKb: split?.self.maxRssKb, outputBytes: Buffer.byteLength(output), frames, output};
}

function piped(command, args, env, timeoutMs, watch) {
	return new Promise((resolve, reject) => {
		// stdin not a TTY (and stdout a pipe): the CLI prints plain lines, asks nothing.
		const child = spawn(command, args, {cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe']});
		let output = '';
		child.stdout.setEncoding('utf8').on('data', chunk => {
			output += chunk;
			watch(output);
		});
		child.stderr.setEncoding('utf8').on('data', chunk => (output += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', error => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({code: code ?? `signal ${signal}`, output});
		});
	});
}

function inPty(command, args, env, timeoutMs, watch) {
	return new Promise(resolve => {
		// The users' plain terminal: 80x24, and no CI flag (Ink would print only the last frame).
		const {CI: _ci, CONTINUOUS_INTEGRATION: _ci2, ...rest} = env;
		const term = pty.spawn(command, args, {name: 'xterm-256color', cols: 80, rows: 24, cwd: REPO, env: {...rest, TERM: 'xterm-256color'}});
		let output = '';
		term.onData(data => {
			output += data;
			watch(output);
		});
		const timer = setTimeout(() => term.kill('SIGKILL'), timeoutMs);
		term.onExit(({exitCode, signal}) => {
			clearTimeout(timer);
			// Let the last bytes in the pty buffer arrive.
			setTimeout(() => resolve({code: signal ? `signal ${signal}` : exitCode, output}), 100);
		});
	});
}

/** CPU (seconds) used so far by every lab host, from each host's cgroup v2 cpu.stat; undefined without cgroups. */
export function hostsCpu(state) {
	if (!state.cgroup) return undefined;
	let usec = 0;
	for (const host of state.hosts) {
		if (!host.cgroupDir) return undefined;
		const stat = fs.readFileSync(path.join(host.cgroupDir, 'cpu.stat'), 'utf8');
		const line = stat.split('\n').find(entry => entry.startsWith('usage_usec '));
		usec += Number(line?.split(' ')[1] ?? Number.NaN);
	}
	return usec / 1e6;
}
