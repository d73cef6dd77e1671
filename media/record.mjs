#!/usr/bin/env node
// `npm run media`: the README's pictures, made from a real run on the lab.
//
//  1. Under the lab lock (flock /tmp/aegir-lab.lock, like every lab user), it
//     runs `npm run demo` in an 80x24 pseudo-terminal and drives the wizard as
//     a person would: it waits for each screen before each key, with pauses a
//     viewer can follow. It names a pack, picks the master, ticks two slaves,
//     confirms, and lets the run panes and the recap play out. Then, on the
//     same lab, it runs `status` on the pack. Both are kept as asciinema v2
//     casts (media/demo.cast, media/status.cast), written from the pty stream,
//     with idle time trimmed. The lab is taken down at the end, failed or not.
//  2. Without the lock, it renders them with svg-term-cli (pinned, run with
//     npx): media/demo.svg (animated), media/run-panes.svg and
//     media/status.svg (stills).
//
// Every wait is bounded: a screen that never comes fails the script (non-zero)
// with the screen as it was.
//
//   node media/record.mjs                 record (under the lock) and render
//   node media/record.mjs --render-only   render the committed casts again (no lab)
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const MEDIA_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_DIR = path.resolve(MEDIA_DIR, '..');
const LOCK_FILE = '/tmp/aegir-lab.lock';
/** Seconds to wait for the lab lock (tests or benches may hold it). */
const LOCK_WAIT_S = 1800;
/** The renderer: an npm package at an exact version, run with npx (not a project dependency). */
const SVG_TERM = 'svg-term-cli@2.1.1';

const COLS = 80;
const ROWS = 24;
const PACK = 'pack.example.com';
const HOSTS = ['master', 'web1', 'web2'];
/** Gaps longer than this (a build, a lab coming up) are shortened to it in the casts. */
const IDLE_LIMIT_S = 3;
/** Output closer together than this is one frame of the cast (keeps the SVG small). */
const FRAME_S = 0.1;
/** The last screen stays this long before the animation starts over. */
const HOLD_S = 5;
/** The whole demo cast may not be longer than this (after trimming). */
const MAX_CAST_S = 150;

const log = message => process.stderr.write(`media: ${message}\n`);

const CASTS = {
	demo: path.join(MEDIA_DIR, 'demo.cast'),
	status: path.join(MEDIA_DIR, 'status.cast'),
};
const SVGS = {
	demo: path.join(MEDIA_DIR, 'demo.svg'),
	runPanes: path.join(MEDIA_DIR, 'run-panes.svg'),
	status: path.join(MEDIA_DIR, 'status.svg'),
};

async function main(argv) {
	if (argv.includes('--record')) {
		// The child: recording only, and only under the lock.
		if (process.env.AEGIR_MEDIA_LAB_LOCKED !== LOCK_FILE) {
			log(`--record must run under flock ${LOCK_FILE} (npm run media does that)`);
			return 2;
		}
		return record();
	}
	if (!argv.includes('--render-only')) {
		const code = await recordUnderLock();
		if (code !== 0) {
			log(`recording failed (exit ${code}); media/ left as it was`);
			return code;
		}
	}
	return render();
}

// ---------------------------------------------------------------------------
// Recording (under the lock)
// ---------------------------------------------------------------------------

/** Re-runs this script with --record under `flock`, so it never meets a test or a bench on the lab. */
function recordUnderLock() {
	if (spawnSync('flock', ['--version'], {stdio: 'ignore'}).status !== 0) {
		log('flock (util-linux) is missing: apt-get install util-linux');
		return Promise.resolve(1);
	}
	log(`waiting for the lab lock ${LOCK_FILE} (at most ${LOCK_WAIT_S} s)…`);
	const child = spawn(
		'flock',
		['-w', String(LOCK_WAIT_S), '-E', '75', LOCK_FILE, process.execPath, fileURLToPath(import.meta.url), '--record'],
		{stdio: 'inherit', cwd: REPO_DIR, env: {...process.env, AEGIR_MEDIA_LAB_LOCKED: LOCK_FILE}},
	);
	return new Promise(resolve =>
		child.on('close', (code, signal) => {
			if (code === 75) log(`the lab lock stayed busy for ${LOCK_WAIT_S} s`);
			resolve(code ?? (signal ? 1 : 1));
		}),
	);
}

async function record() {
	const lab = await import(path.join(REPO_DIR, 'test', 'lab', 'lab.mjs'));
	const support = lab.labSupport();
	if (!support.ok) {
		log(`cannot run the lab here: ${support.reason}`);
		return 1;
	}
	const Screen = await loadScreenModel();
	log('lock held; recording `npm run demo` in an 80x24 pty (the demo builds and brings the lab up first)…');
	let code = 1;
	try {
		// Both casts or neither: they are written beside the old ones and renamed together at the end.
		const demo = await recordDemo(Screen);
		writeCast(`${CASTS.demo}.new`, demo, {title: 'aegir-pack: npm run demo (a pack of master, web1, web2 on the lab)'});
		const status = await recordStatus(Screen);
		writeCast(`${CASTS.status}.new`, status, {title: `aegir-pack status ${PACK} (on the lab)`});
		for (const file of Object.values(CASTS)) {
			fs.renameSync(`${file}.new`, file);
			log(`wrote ${rel(file)} (${size(file)})`);
		}
		code = 0;
	} catch (error) {
		log(error instanceof Error ? error.message : String(error));
		for (const file of Object.values(CASTS)) fs.rmSync(`${file}.new`, {force: true});
	}
	log('taking the lab down…');
	try {
		await lab.down({log: message => log(`lab: ${message}`)});
	} catch (error) {
		log(`lab down failed: ${error instanceof Error ? error.message : String(error)}`);
		code = 1;
	}
	return code;
}

/**
 * The e2e tests' terminal model (test/e2e/helpers/screen.ts): what a person
 * sees on the 80x24 screen, as text. It is TypeScript with no imports: strip
 * the types with the project's own compiler and load it.
 */
async function loadScreenModel() {
	const {default: ts} = await import('typescript');
	const source = fs.readFileSync(path.join(REPO_DIR, 'test', 'e2e', 'helpers', 'screen.ts'), 'utf8');
	const {outputText} = ts.transpileModule(source, {
		compilerOptions: {module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022},
	});
	const module = await import(`data:text/javascript;base64,${Buffer.from(outputText).toString('base64')}`);
	return module.Screen;
}

/** A pseudo-terminal session whose output is kept, with times, for the cast. */
class Recording {
	constructor(Screen) {
		this.screen = new Screen(COLS, ROWS);
		this.events = [];
		this.started = performance.now();
		this.exited = false;
		this.exitCode = undefined;
	}

	now() {
		return (performance.now() - this.started) / 1000;
	}

	/** Text shown on the terminal that no program wrote: the prompt and the command typed at it. */
	show(text) {
		this.events.push([this.now(), text]);
		this.screen.write(text);
	}

	async typeCommand(command) {
		this.show('\u001B[1;32m$\u001B[0m ');
		await pause(500);
		for (const char of command) {
			this.show(char);
			await pause(55 + Math.random() * 70);
		}
		await pause(350);
		this.show('\r\n');
	}

	async start(command, args) {
		const pty = await import('node-pty');
		const env = {};
		// An interactive terminal, as a person has: no CI flag (Ink would print only its last frame).
		for (const [key, value] of Object.entries({...process.env, TERM: 'xterm-256color', COLORTERM: undefined, CI: undefined, npm_config_update_notifier: 'false'})) {
			if (value !== undefined) env[key] = value;
		}
		this.term = pty.spawn(command, args, {name: 'xterm-256color', cols: COLS, rows: ROWS, cwd: REPO_DIR, env});
		this.term.onData(data => {
			this.events.push([this.now(), data]);
			this.screen.write(data);
		});
		this.exit = new Promise(resolve =>
			this.term.onExit(({exitCode}) => {
				this.exited = true;
				this.exitCode = exitCode;
				resolve(exitCode);
			}),
		);
	}

	text() {
		return this.screen.text();
	}

	/** Waits until the screen shows `expected` (text, RegExp or predicate); throws with the screen after `timeoutMs`. */
	async waitFor(expected, what, timeoutMs = 20_000) {
		const seen = () => {
			const text = this.text();
			if (typeof expected === 'string') return text.includes(expected);
			if (expected instanceof RegExp) return expected.test(text);
			return expected(text);
		};
		const deadline = Date.now() + timeoutMs;
		while (!seen()) {
			if (this.exited) {
				await pause(100);
				if (seen()) return;
				throw new Error(`the program exited (code ${this.exitCode}) before ${what} appeared; screen:\n${this.text()}`);
			}
			if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; screen:\n${this.text()}`);
			await pause(25);
		}
	}

	/** A key, after a pause a person would take. */
	async press(key, before = 600) {
		await pause(before + Math.random() * 250);
		this.term.write(key);
	}

	async waitExit(what, timeoutMs) {
		const timer = pause(timeoutMs).then(() => 'timeout');
		const result = await Promise.race([this.exit, timer]);
		if (result === 'timeout') throw new Error(`${what} did not exit within ${timeoutMs / 1000} s; screen:\n${this.text()}`);
		return result;
	}

	kill() {
		if (this.term && !this.exited) {
			try {
				process.kill(-this.term.pid, 'SIGTERM');
			} catch {
				this.term.kill();
			}
		}
	}
}

const KEY = {enter: '\r', down: '\u001B[B', space: ' '};
const POINTER = '❯';

/** The highlighted row of a pick list or a tick list: the line with the pointer. */
function pointedLine(text) {
	return text.split('\n').find(line => line.trimStart().startsWith(POINTER)) ?? '';
}

/** Moves the pointer down until its row names `host` (as a whole word), at most `max` moves. */
async function pointAt(session, host, max = 8) {
	const named = line => new RegExp(`(^|\\s)${host}(\\s|$)`).test(line.replace(POINTER, ' '));
	for (let moves = 0; !named(pointedLine(session.text())); moves++) {
		if (moves >= max) throw new Error(`could not move the pointer to ${host}; screen:\n${session.text()}`);
		const before = pointedLine(session.text());
		await session.press(KEY.down, 350);
		await session.waitFor(text => pointedLine(text) !== before, `the pointer to move off "${before.trim()}"`);
	}
}

async function recordDemo(Screen) {
	const session = new Recording(Screen);
	try {
		await session.typeCommand('npm run demo');
		await session.start('npm', ['run', 'demo']);
		// The demo builds the tool and brings a fresh lab up first (a first-ever base image takes minutes).
		await session.waitFor('aegir-pack: Name the pack', 'the wizard\'s first screen, "Name the pack"', 12 * 60_000);
		await pause(1500);

		let typed = '';
		for (const char of PACK) {
			typed += char;
			await session.press(char, 60);
			await session.waitFor(`Pack name: ${typed}`, `"${typed}" in the name field`);
		}
		await session.waitFor(`Aegir context: server_${PACK.replaceAll('.', '')}`, 'the Aegir context under the name').catch(() => {});
		await session.press(KEY.enter, 900);

		await session.waitFor('aegir-pack: Pick the master', 'the "Pick the master" screen');
		await pause(900);
		await pointAt(session, 'master');
		await session.press(KEY.enter, 700);

		await session.waitFor('aegir-pack: Tick the slaves', 'the "Tick the slaves" screen');
		await pause(900);
		const wanted = HOSTS.filter(host => host !== 'master');
		for (const [index, host] of wanted.entries()) {
			await pointAt(session, host);
			await session.press(KEY.space, 500);
			const ticked = wanted.slice(0, index + 1);
			await session.waitFor(`${ticked.length} ticked: ${ticked.join(', ')}`, `"${ticked.length} ticked: ${ticked.join(', ')}"`);
		}
		await session.press(KEY.enter, 800);

		await session.waitFor('aegir-pack: Pick the NFS server', 'the "Pick the NFS server" screen');
		await session.waitFor(text => pointedLine(text).includes('The master, master (recommended)'), 'the master proposed as NFS server');
		await session.press(KEY.enter, 1300);

		await session.waitFor('aegir-pack: Export path and subnets', 'the "Export path and subnets" screen');
		await session.waitFor(/NFS subnets\s+\S/, 'the proposed subnets');
		// Enter keeps the path and moves to the subnets; Enter again keeps the proposal.
		await session.waitFor('> Export path', 'the export path field, focused');
		await session.press(KEY.enter, 1500);
		await session.waitFor('> NFS subnets', 'the subnets field, focused');
		await session.press(KEY.enter, 1200);

		await session.waitFor(`aegir-pack: Review pack ${PACK}`, 'the review');
		await session.waitFor('[Confirm]', 'the Confirm choice, highlighted');
		// Time to read the review: who does what, the exports and fstab lines.
		await session.press(KEY.enter, 2700);

		await session.waitFor(/^aegir-pack · 3 hosts/m, 'the run screen (one pane per host)', 60_000);
		await session.waitFor(/RECAP\s+ok\s+changed\s+failed\s+skipped/, 'the recap', 8 * 60_000);
		const code = await session.waitExit('the demo', 60_000);
		if (code !== 0) throw new Error(`npm run demo exited ${code}; screen:\n${session.text()}`);
		if (!/^Exit 0: /m.test(session.text())) throw new Error(`the recap does not say "Exit 0"; screen:\n${session.text()}`);
		log(`the demo ran to its recap; the last screen:\n${session.text()}`);
		return session.events;
	} finally {
		session.kill();
	}
}

async function recordStatus(Screen) {
	const session = new Recording(Screen);
	const flags = ['--store-dir', '.lab/store', '--ssh-config', '.lab/ssh_config', '--known-hosts', '.lab/known_hosts'];
	try {
		// The command as it runs, wrapped for 80 columns as a person would type it.
		await session.typeCommand(`node dist/cli.js status ${PACK} ${flags.slice(0, 2).join(' ')} \\\r\n>   ${flags.slice(2).join(' ')}`);
		await session.start(process.execPath, [path.join('dist', 'cli.js'), 'status', PACK, ...flags]);
		const code = await session.waitExit('aegir-pack status', 90_000);
		for (const host of HOSTS) await session.waitFor(new RegExp(`\\b${host}\\b`), `a row for ${host}`, 1000);
		if (code !== 0) throw new Error(`status exited ${code} right after a good apply; screen:\n${session.text()}`);
		session.show('\u001B[1;32m$\u001B[0m ');
		log(`status: exit ${code}; the screen:\n${session.text()}`);
		return session.events;
	} finally {
		session.kill();
	}
}

/**
 * Asciinema v2: a header line, then [seconds, "o", data] per frame. Gaps
 * longer than IDLE_LIMIT_S are shortened, output within FRAME_S is one frame,
 * and the last screen is held HOLD_S seconds.
 */
function writeCast(file, events, {title}) {
	const frames = [];
	let clock = 0;
	let previous = 0;
	for (const [time, data] of events) {
		clock += Math.min(time - previous, IDLE_LIMIT_S);
		previous = time;
		const last = frames.at(-1);
		if (last && clock - last.start < FRAME_S) {
			last.data += data;
			last.time = clock;
		} else frames.push({start: clock, time: clock, data});
	}
	const end = (frames.at(-1)?.time ?? 0) + HOLD_S;
	if (end > MAX_CAST_S) throw new Error(`${rel(file)} would last ${end.toFixed(0)} s, more than ${MAX_CAST_S} s`);
	// A last event that changes nothing keeps the final screen up.
	frames.push({time: end, data: '\u001B[0m'});
	// No idle_time_limit: the gaps are already trimmed, and a player applying it again would cut the hold.
	const header = {version: 2, width: COLS, height: ROWS, title, env: {TERM: 'xterm-256color', SHELL: '/bin/bash'}};
	const lines = [JSON.stringify(header), ...frames.map(frame => JSON.stringify([Number(frame.time.toFixed(3)), 'o', frame.data]))];
	fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

// ---------------------------------------------------------------------------
// Rendering (no lab, no lock)
// ---------------------------------------------------------------------------

async function render() {
	for (const file of Object.values(CASTS)) {
		if (!fs.existsSync(file)) {
			log(`${rel(file)} is missing: run npm run media (it records first)`);
			return 1;
		}
	}
	const Screen = await loadScreenModel();
	const demo = readCast(CASTS.demo);
	// The still of the run: a moment when every host has its pane and is at work.
	const panesAt = pickRunFrame(Screen, demo);
	const status = readCast(CASTS.status);
	const statusAt = status.events.at(-1)[0];
	const statusRows = usedRows(Screen, status) + 1;

	const jobs = [
		{what: 'the animated demo', out: SVGS.demo, cast: CASTS.demo, args: []},
		{what: `the run panes (at ${panesAt.toFixed(2)} s)`, out: SVGS.runPanes, cast: CASTS.demo, args: ['--at', String(Math.round(panesAt * 1000)), '--no-cursor']},
		{what: 'the status table', out: SVGS.status, cast: CASTS.status, args: ['--at', String(Math.round(statusAt * 1000)), '--no-cursor'], rows: statusRows},
	];
	for (const job of jobs) {
		log(`rendering ${job.what} with npx ${SVG_TERM} → ${rel(job.out)}`);
		const result = spawnSync(
			'npx',
			['--yes', SVG_TERM, '--in', job.cast, '--out', job.out, '--window', '--width', String(COLS), '--height', String(job.rows ?? ROWS), '--padding', '6', ...job.args],
			{cwd: REPO_DIR, stdio: ['ignore', 'inherit', 'inherit'], timeout: 10 * 60_000},
		);
		if (result.status !== 0 || !fs.existsSync(job.out)) {
			log(`svg-term failed (exit ${result.status ?? result.signal}) on ${rel(job.cast)}`);
			return 1;
		}
		clipFrames(job.out);
	}
	for (const file of [...Object.values(CASTS), ...Object.values(SVGS)]) log(`${rel(file).padEnd(20)} ${size(file)}`);
	return 0;
}

/**
 * svg-term lays the frames side by side, COLS units apart, without clipping
 * them: a glyph in the last column that is a little wider than its cell (an
 * ellipsis) shows at the left edge of the next frame. Each frame gets its
 * width, so it shows only its own text.
 */
function clipFrames(file) {
	const svg = fs.readFileSync(file, 'utf8');
	let frames = 0;
	const clipped = svg.replaceAll(/<svg( x="\d+")?><use xlink:href="#a"\/>/g, (_match, x = '') => {
		frames++;
		return `<svg${x} width="${COLS}"><use xlink:href="#a"/>`;
	});
	if (frames === 0) throw new Error(`${rel(file)}: no frame found to clip (has svg-term's output changed?)`);
	fs.writeFileSync(file, clipped);
}

function readCast(file) {
	const [header, ...rest] = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
	return {header: JSON.parse(header), events: rest.map(line => JSON.parse(line))};
}

/**
 * The frame time for the still of the run: all three panes on screen, each
 * past its package installs and showing its step's output (the code and config
 * syncs, the mount), halfway through such screens; any screen with the three
 * panes if there is none.
 */
function pickRunFrame(Screen, cast) {
	const screen = new Screen(cast.header.width, cast.header.height);
	const header = host => `^\\S\\s${host}\\s+(master\\+NFS|slave)\\s+\\S+.*\\n`;
	const pane = host => new RegExp(`${header(host)}\\s+\\d+/\\d+ \\S`, 'm');
	const lively = host => new RegExp(`${header(host)}\\s+\\d+/\\d+ (?!packages)\\S.*\\n {4}\\S`, 'm');
	const panes = [];
	const busy = [];
	for (const [time, , data] of cast.events) {
		screen.write(data);
		const text = screen.text();
		if (!/^aegir-pack · 3 hosts: 3 running/m.test(text)) continue;
		if (HOSTS.every(host => pane(host).test(text))) panes.push(time);
		if (HOSTS.every(host => lively(host).test(text))) busy.push(time);
	}
	const pool = busy.length > 0 ? busy : panes;
	if (pool.length === 0) throw new Error(`no screen in ${rel(CASTS.demo)} shows the three run panes`);
	return pool[Math.floor(pool.length / 2)];
}

/** Rows the last screen of a cast uses: the still of a short output needs no empty rows below it. */
function usedRows(Screen, cast) {
	const screen = new Screen(cast.header.width, cast.header.height);
	for (const [, , data] of cast.events) screen.write(data);
	return screen.text().split('\n').length;
}

// ---------------------------------------------------------------------------

function pause(ms) {
	return new Promise(resolve => setTimeout(resolve, ms));
}

function rel(file) {
	return path.relative(REPO_DIR, file);
}

function size(file) {
	return `${(fs.statSync(file).size / 1024).toFixed(0)} KiB`;
}

main(process.argv.slice(2)).then(
	code => process.exit(code),
	error => {
		log(error instanceof Error ? error.stack ?? error.message : String(error));
		process.exit(1);
	},
);
