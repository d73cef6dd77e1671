#!/usr/bin/env node
// The run screen's own cost, without the lab: renders the Ink run screen
// (source/ui/run/render-run.tsx, bundled here as the build bundles it) into an 80x24 fake terminal and feeds it a
// synthetic run: N hosts, each running steps that stream a line of output
// every few ms. Prints the CPU the process spent per second of run, the frames
// written and the bytes. A quick loop for work on source/ui/run/.
//   node bench/tui-cost.mjs [--hosts=8] [--seconds=6] [--line-ms=20] [--max-fps=10]
// As the CLI runs it (source/cli.tsx): React's production build.
process.env['NODE_ENV'] ??= 'production';
import fs from 'node:fs';
import os from 'node:os';
import {Writable} from 'node:stream';
import {build} from 'esbuild';
import {bundleOptions} from '../scripts/bundle-options.mjs';
import {EventEmitter} from 'node:events';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const flag = (name, fallback) => {
	const found = process.argv.find(arg => arg.startsWith(`--${name}=`));
	return found ? Number(found.slice(name.length + 3)) : fallback;
};
const hosts = flag('hosts', 8);
const seconds = flag('seconds', 6);
const lineMs = flag('line-ms', 20);
const stepMs = flag('step-ms', 1500);

const maxFps = flag('max-fps', undefined);

// dist/ is one bundle that does not export the run screen: bundle it alone, with the build's options.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tui-cost-'));
const screenModule = path.join(scratch, 'render-run.mjs');
await build({...bundleOptions, entryPoints: [path.join(HERE, '..', 'source', 'ui', 'run', 'render-run.tsx')], outfile: screenModule, logLevel: 'error'});
const {renderRun} = await import(pathToFileURL(screenModule).href);
fs.rmSync(scratch, {recursive: true, force: true});

let bytes = 0;
let frames = 0;
let writes = 0;
const stdout = Object.assign(
	new Writable({
		write(chunk, _encoding, callback) {
			const text = chunk.toString();
			bytes += Buffer.byteLength(text);
			writes++;
			if (text.includes('\u001B[?2026h')) frames++;
			callback();
		},
	}),
	{isTTY: true, columns: 80, rows: 24},
);
const stdin = Object.assign(new EventEmitter(), {isTTY: false, setEncoding() {}, setRawMode() {}, ref() {}, unref() {}, read: () => null});

const listeners = new Set();
const emit = event => {
	for (const listener of listeners) listener(event);
};
const view = renderRun({
	subscribe(listener) {
		listeners.add(listener);
		return () => listeners.delete(listener);
	},
	onInterrupt() {},
	...(maxFps === undefined ? {} : {maxFps}),
	stdout,
	stdin,
	stderr: stdout,
	patchConsole: false,
});

const names = ['master', ...Array.from({length: hosts - 1}, (_, index) => `web${index + 1}`)];
const start = Date.now();
emit({
	type: 'run-started',
	at: start,
	dryRun: false,
	hosts: names.map((name, index) => ({name, address: `127.0.1.${index + 1}`, roles: index === 0 ? ['master', 'nfs-server'] : ['slave'], stepCount: 12})),
});
for (const name of names) emit({type: 'host-started', at: start, host: name});

const cpuBefore = process.cpuUsage();
const framesBefore = frames;
const bytesBefore = bytes;
let events = 0;
const stepOf = new Map(names.map(name => [name, 0]));
const startStep = (name, at) => {
	const index = (stepOf.get(name) ?? 0) + 1;
	stepOf.set(name, index);
	emit({type: 'step-started', at, host: name, stepId: `s${index}`, title: `Step number ${index} on ${name}`, index: ((index - 1) % 12) + 1, count: 12});
};
for (const name of names) startStep(name, start);
let line = 0;
const ticker = setInterval(() => {
	const at = Date.now();
	for (const [index, name] of names.entries()) {
		line++;
		events++;
		emit({type: 'output', at, host: name, stepId: `s${stepOf.get(name)}`, chunk: `Unpacking package-${line} (1.2.${line}-${index}) over (1.2.${line - 1}) ...\n`});
		if ((at - start) % stepMs < lineMs && at - start > lineMs) {
			emit({type: 'step-finished', at, host: name, stepId: `s${stepOf.get(name)}`, title: 'step', status: 'changed', durationMs: stepMs});
			startStep(name, at);
		}
	}
}, lineMs);

await new Promise(resolve => setTimeout(resolve, seconds * 1000));
clearInterval(ticker);
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const at = Date.now();
for (const name of names) emit({type: 'host-finished', at, host: name, status: 'ok', durationMs: at - start});
emit({type: 'run-finished', at, recap: names.map(name => ({host: name, ok: 1, changed: 1, failed: 0, skipped: 0, durationMs: at - start})), exitCode: 0, interrupted: false});
await view.waitUntilExit();
const wall = seconds;
process.stdout.write(
	`tui-cost: ${hosts} hosts, a line per host every ${lineMs} ms (${events} output events) for ${wall} s: ` +
		`CPU ${cpuSeconds.toFixed(2)} s = ${((cpuSeconds / wall) * 100).toFixed(1)}% of wall, ` +
		`${frames - framesBefore} frames (${((frames - framesBefore) / wall).toFixed(1)}/s), ${((bytes - bytesBefore) / 1024).toFixed(0)} KiB, ${writes} writes\n`,
);
process.exit(0);
