#!/usr/bin/env node
// Reads a V8 CPU profile (`node --cpu-prof`, or `node bench/run.mjs --cpu-prof`)
// and prints where the time went: self time per package (or source file) and
// the functions with the most self time.
//   node bench/profile-summary.mjs FILE.cpuprofile [--top=30]
import fs from 'node:fs';

const [file] = process.argv.slice(2).filter(arg => !arg.startsWith('--'));
const topFlag = process.argv.find(arg => arg.startsWith('--top='));
const top = topFlag ? Number(topFlag.slice('--top='.length)) : 30;
if (!file) {
	process.stderr.write('usage: node bench/profile-summary.mjs FILE.cpuprofile [--top=30]\n');
	process.exit(2);
}

const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map(node => [node.id, node]));
// timeDeltas[i] is the time before samples[i] was taken: charge it to that sample's node.
const selfUs = new Map();
for (const [index, id] of profile.samples.entries()) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
const totalUs = profile.endTime - profile.startTime;

/** node_modules/<package> (scoped too), the repo's own file, node:internal, or a V8 pseudo-frame. */
function groupOf(url, name) {
	if (!url) return `(${name || 'program'})`;
	const modules = url.lastIndexOf('/node_modules/');
	if (modules !== -1) {
		const rest = url.slice(modules + '/node_modules/'.length).split('/');
		return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
	}
	if (url.startsWith('node:')) return url;
	const dist = url.indexOf('/dist/');
	return dist === -1 ? url.replace(/^file:\/\//, '') : url.slice(dist + 1);
}

const groups = new Map();
const functions = new Map();
for (const [id, us] of selfUs) {
	const node = byId.get(id);
	const {functionName, url, lineNumber} = node.callFrame;
	const group = groupOf(url, functionName);
	groups.set(group, (groups.get(group) ?? 0) + us);
	const key = `${functionName || '(anonymous)'}  ${group}${url ? `:${lineNumber + 1}` : ''}`;
	functions.set(key, (functions.get(key) ?? 0) + us);
}

const ms = us => `${(us / 1000).toFixed(0).padStart(7)} ms`;
const share = us => `${((us / totalUs) * 100).toFixed(1).padStart(5)}%`;
const print = (title, map) => {
	process.stdout.write(`\n${title}\n`);
	for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${ms(us)} ${share(us)}  ${key}\n`);
};
process.stdout.write(`${file}: ${(totalUs / 1e6).toFixed(2)} s profiled, ${profile.samples.length} samples\n`);
print('self time by package / file', groups);
print('self time by function', functions);

// --callers=NAME [--depth=N]: the stacks (up to N frames, default 6) that spent self time in functions named NAME.
const callersFlag = process.argv.find(arg => arg.startsWith('--callers='));
if (callersFlag) {
	const wanted = callersFlag.slice('--callers='.length);
	const depthFlag = process.argv.find(arg => arg.startsWith('--depth='));
	const depth = depthFlag ? Number(depthFlag.slice('--depth='.length)) : 6;
	const parentOf = new Map();
	for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
	const stacks = new Map();
	for (const [id, us] of selfUs) {
		if (byId.get(id).callFrame.functionName !== wanted) continue;
		const frames = [];
		for (let at = parentOf.get(id); at !== undefined && frames.length < depth; at = parentOf.get(at)) {
			const {functionName, url, lineNumber} = byId.get(at).callFrame;
			frames.push(`${functionName || '(anonymous)'}@${groupOf(url, functionName)}${url ? `:${lineNumber + 1}` : ''}`);
		}
		const key = frames.join(' < ');
		stacks.set(key, (stacks.get(key) ?? 0) + us);
	}
	print(`stacks into ${wanted}`, stacks);
}

// --inclusive=NAME,NAME: total time (self and below) spent in functions with those names, counted once per sample.
const inclusiveFlag = process.argv.find(arg => arg.startsWith('--inclusive='));
if (inclusiveFlag) {
	const names = inclusiveFlag.slice('--inclusive='.length).split(',');
	const parentOf = new Map();
	for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
	const totals = new Map(names.map(name => [name, 0]));
	for (const [id, us] of selfUs) {
		const seen = new Set();
		for (let at = id; at !== undefined; at = parentOf.get(at)) {
			const name = byId.get(at).callFrame.functionName;
			if (totals.has(name) && !seen.has(name)) {
				seen.add(name);
				totals.set(name, totals.get(name) + us);
			}
		}
	}
	print('inclusive time', totals);
}
