// Preloaded into the CLI under test (NODE_OPTIONS=--import) to split its CPU
// time: GNU time sees the node process *and* every child it reaped (local
// rsync and ssh), so at exit this writes what the node process used itself
// and what its reaped children used, to the file named by $AEGIR_BENCH_CPU_FILE.
import fs from 'node:fs';
import process from 'node:process';

const file = process.env['AEGIR_BENCH_CPU_FILE'];
// Only the CLI itself reports: the programs it spawns must not inherit the preload.
delete process.env['AEGIR_BENCH_CPU_FILE'];
delete process.env['NODE_OPTIONS'];

// /proc/<pid>/stat counts in clock ticks (getconf CLK_TCK: 100 on Linux).
const TICKS_PER_SECOND = 100;

if (file) {
	process.on('exit', () => {
		const usage = process.resourceUsage();
		let children = null;
		try {
			// Fields after the ")" of comm: index 13/14 are cutime/cstime (fields 16/17 of proc(5)).
			const stat = fs.readFileSync('/proc/self/stat', 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			children = {
				user: Number(fields[13]) / TICKS_PER_SECOND,
				system: Number(fields[14]) / TICKS_PER_SECOND,
			};
		} catch {}
		const self = {user: usage.userCPUTime / 1e6, system: usage.systemCPUTime / 1e6, maxRssKb: usage.maxRSS};
		fs.writeFileSync(file, JSON.stringify({self, children}));
	});
}
