// The bench's printout: the machine, one row per run, and what each figure means.
import os from 'node:os';

const NO_OP_TARGET_SECONDS = 1;
/** Issue 13: the tool's CPU per host at 24 hosts within 20 % of that at 3. */
const PER_HOST_SPREAD = 0.2;
/** Issue 13: with 8 hosts streaming, the TUI process's CPU ≤ 15 % of the run's wall time. */
const TUI_CPU_SHARE = 0.15;

/** fresh-N and noop-N rows (and their -tui twins): the rows whose CPU per host compares across pack sizes. */
const isApplyRow = row => /^(fresh|noop)-\d+/.test(row.label);
/** Tool CPU (node + its local children) per host of the pack. */
export const perHost = row => (isApplyRow(row) && row.total !== undefined && row.hosts > 0 ? row.total / row.hosts : undefined);
/** The TUI process's (node's own) CPU as a share of the run's wall time: pty rows only. */
export const tuiShare = row => (row.terminal && row.self !== undefined && row.wall > 0 ? row.self / row.wall : undefined);

export function machineLines({snat, gnuTime}) {
	const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
	return [
		`machine: ${os.availableParallelism()} CPU (nproc) ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Linux ${os.release()}`,
		`node ${process.version}; lab hosts on loopback ${snat ? 'with per-host cgroups (hosts CPU measured)' : 'without cgroups (no hosts CPU)'}`,
		`tool CPU from ${gnuTime ? `GNU time (${gnuTime} -f "%e %U %S")` : 'the preload only (no /usr/bin/time)'}; node's own share from process.resourceUsage() at exit`,
	];
}

const seconds = value => (value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(2));

export function formatTable(rows) {
	const header = ['run', 'hosts', 'output', 'exit', 'wall s', 'ready s', 'tool CPU s', 'CPU/host s', 'node CPU s', 'TUI %wall', 'hosts CPU s', 'out KiB', 'max RSS MiB', 'frames'];
	const body = rows.map(row => [
		row.label,
		String(row.hosts),
		row.terminal ? 'pty 80x24' : 'pipe',
		String(row.code),
		seconds(row.wall),
		seconds(row.ready),
		seconds(row.total),
		perHost(row) === undefined ? '-' : (perHost(row) ?? 0).toFixed(3),
		seconds(row.self),
		tuiShare(row) === undefined ? '-' : `${((tuiShare(row) ?? 0) * 100).toFixed(1)}%`,
		seconds(row.hostsCpu),
		(row.outputBytes / 1024).toFixed(1),
		row.maxRssKb === undefined ? 'n/a' : (row.maxRssKb / 1024).toFixed(0),
		row.frames === undefined ? '-' : String(row.frames),
	]);
	const widths = header.map((title, column) => Math.max(title.length, ...body.map(cells => cells[column]?.length ?? 0)));
	const line = cells => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
	return [line(header), line(widths.map(width => '-'.repeat(width))), ...body.map(line)].join('\n');
}

export function explanations(rows) {
	const lines = [
		'run          fresh-N: first apply on a fresh lab of N hosts (master + N-1 slaves); noop-N: the same command again right after fresh-N;',
		'             *-tui: the same in an 80x24 pty (node-pty, TERM=xterm-256color, no CI), so the Ink run screen draws every update.',
		'             add-N: `add-slave <pack> <new> --yes` on a pack of N hosts applied just before (not timed); hosts = N, the pack before the add.',
		'wall s       spawn to exit of the CLI, as measured by the bench (the lab is already up; bringing it up is not counted).',
		'ready s      spawn until "Pack … saved to" is printed: node start-up, module loading, flag review and saving, before any SSH;',
		'             add-N: until "aegir-pack: applying to" (the review printed and the plan made, before any SSH).',
		'tool CPU s   user+sys of the CLI and every local child it waited for (rsync, ssh), from GNU time.',
		'CPU/host s   tool CPU s / hosts, for fresh-N and noop-N rows: what each host of the pack costs this machine (start-up included).',
		'node CPU s   user+sys of the node process alone (process.resourceUsage() at exit): what rendering and planning cost.',
		'TUI %wall    pty rows: node CPU s / wall s, the share of one core the TUI process kept busy over the run.',
		'hosts CPU s  CPU the lab hosts spent during the run: sum of usage_usec deltas of their cgroup cpu.stat (sshd, apt, rsync, exportfs, …).',
		'out KiB      bytes the CLI wrote to its pipe (stdout+stderr) or to the terminal (escape sequences included).',
		'max RSS MiB  peak resident memory of the node process.',
		'frames       run-screen frames Ink drew (synchronized-update blocks in the pty output); "-" when piped.',
	];
	const find = label => rows.find(row => row.label === label);
	const noop = find('noop-8');
	if (noop) {
		lines.push(
			`no-op re-run on 8 hosts: ${seconds(noop.wall)} s wall (target ≈ ${NO_OP_TARGET_SECONDS} s): ` +
				`${seconds(noop.ready)} s before any SSH, ${seconds(noop.ready === undefined ? undefined : noop.wall - noop.ready)} s connecting and checking.`,
		);
	}
	const add2 = find('add-2');
	const add8 = find('add-8');
	if (add2 && add8) {
		lines.push(
			`adding one slave: ${seconds(add2.wall)} s wall to a 2-host pack vs ${seconds(add8.wall)} s to an 8-host pack ` +
				`(hosts CPU ${seconds(add2.hostsCpu)} s vs ${seconds(add8.hostsCpu)} s): only the new slave is connected to, so the cost should not grow with the pack.`,
		);
	}
	for (const kind of ['fresh', 'noop']) {
		const small = find(`${kind}-3`);
		const large = find(`${kind}-24`);
		const [a, b] = [small && perHost(small), large && perHost(large)];
		if (small && large && a !== undefined && b !== undefined && a > 0) {
			const ratio = b / a;
			// Marginal: what each host beyond the 3rd cost, start-up and other fixed costs left out.
			const marginal = (/** @type {number} */ (large.total) - /** @type {number} */ (small.total)) / (large.hosts - small.hosts);
			lines.push(
				`${kind} CPU per host: ${a.toFixed(3)} s at 3 hosts, ${b.toFixed(3)} s at 24 (×${ratio.toFixed(2)}; target within ±${PER_HOST_SPREAD * 100}%` +
					`${ratio > 1 + PER_HOST_SPREAD ? ': OVER' : ''}); each host past the 3rd: ${marginal.toFixed(3)} s.`,
			);
		}
	}
	for (const row of rows.filter(entry => tuiShare(entry) !== undefined)) {
		const share = /** @type {number} */ (tuiShare(row));
		lines.push(
			`${row.label}: TUI process CPU ${seconds(row.self)} s over ${seconds(row.wall)} s wall = ${(share * 100).toFixed(1)}% ` +
				`(target ≤ ${TUI_CPU_SHARE * 100}%${share > TUI_CPU_SHARE ? ': OVER' : ''}), ${row.frames ?? 'n/a'} frames.`,
		);
	}
	const plain = find('fresh-8');
	const tui = find('fresh-8-tui');
	if (plain?.self !== undefined && tui?.self !== undefined && plain.self > 0) {
		lines.push(
			`TUI vs piped, fresh 8 hosts: node CPU ${seconds(tui.self)} s vs ${seconds(plain.self)} s (×${(tui.self / plain.self).toFixed(1)}), ` +
				`${((tui.self / tui.wall) * 100).toFixed(0)}% vs ${((plain.self / plain.wall) * 100).toFixed(0)}% of one core over the run.`,
		);
	}
	return lines;
}

const median = values => {
	const sorted = values.filter(value => typeof value === 'number' && !Number.isNaN(value)).sort((a, b) => a - b);
	if (sorted.length === 0) return undefined;
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

const NUMERIC = ['wall', 'ready', 'total', 'self', 'hostsCpu', 'outputBytes', 'maxRssKb', 'frames'];

/** One row per label: each figure's median over the rounds; exit is 0 only when every round exited 0. */
export function medianRows(rows) {
	const labels = [...new Set(rows.map(row => row.label))];
	return labels.map(label => {
		const group = rows.filter(row => row.label === label);
		const first = /** @type {any} */ (group[0]);
		const failed = group.find(row => row.code !== 0);
		const merged = {label, hosts: first.hosts, terminal: first.terminal, code: failed ? failed.code : 0};
		for (const key of NUMERIC) merged[key] = median(group.map(row => row[key]));
		if (merged.outputBytes === undefined) merged.outputBytes = 0;
		return merged;
	});
}

/** Per label, every round's wall, tool CPU and node CPU, so the spread behind each median shows. */
export function spreadLines(rows) {
	const labels = [...new Set(rows.map(row => row.label))];
	return labels.map(label => {
		const group = rows.filter(row => row.label === label);
		const list = key => group.map(row => seconds(row[key])).join(' ');
		return `  ${label.padEnd(12)} wall ${list('wall')} | tool CPU ${list('total')} | node CPU ${list('self')}`;
	});
}
