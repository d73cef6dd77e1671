// The bench's printout: the machine, one row per run, and what each figure means.
import os from 'node:os';

const NO_OP_TARGET_SECONDS = 1;

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
	const header = ['run', 'hosts', 'output', 'exit', 'wall s', 'ready s', 'tool CPU s', 'node CPU s', 'hosts CPU s', 'out KiB', 'max RSS MiB', 'frames'];
	const body = rows.map(row => [
		row.label,
		String(row.hosts),
		row.terminal ? 'pty 80x24' : 'pipe',
		String(row.code),
		seconds(row.wall),
		seconds(row.ready),
		seconds(row.total),
		seconds(row.self),
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
		'run          fresh-N: first apply on a fresh lab of N hosts (master + N-1 slaves); noop-8: the same command again right after fresh-8;',
		'             *-tui: the same in an 80x24 pty (node-pty, TERM=xterm-256color, no CI), so the Ink run screen draws every update.',
		'             add-N: `add-slave <pack> <new> --yes` on a pack of N hosts applied just before (not timed); hosts = N, the pack before the add.',
		'wall s       spawn to exit of the CLI, as measured by the bench (the lab is already up; bringing it up is not counted).',
		'ready s      spawn until "Pack … saved to" is printed: node start-up, module loading, flag review and saving, before any SSH;',
		'             add-N: until "aegir-pack: applying to" (the review printed and the plan made, before any SSH).',
		'tool CPU s   user+sys of the CLI and every local child it waited for (rsync, ssh), from GNU time.',
		'node CPU s   user+sys of the node process alone (process.resourceUsage() at exit): what rendering and planning cost.',
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
