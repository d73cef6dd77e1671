// The long pole of a run: which host ended last, and which of its steps took
// longest, read from the CLI's plain output (one line per finished step with
// its duration, one `done` line per host). Only piped runs print those lines;
// a pty run's screen is not parsed.

// `web7    11/13 web server config /var/aegir/config/server_web7  ok  0.5s  (…)`
const STEP = /^(\S+)\s+(\d+)\/(\d+) (.+?)\s{2}(ok|changed|failed|skipped)\s{2}(\d+(?:\.\d+)?)s\b/;
// `master  done  1.2s  log: …` (or `failed  …`)
const HOST_DONE = /^(\S+)\s+(done|failed|stopped)\s{2}(\d+(?:\.\d+)?)s\b/;

/**
 * @param {string} output the CLI's piped output
 * @returns {{host: string, seconds: number, lastToEnd: string, step?: {index: string, title: string, seconds: number}, hosts: number} | undefined}
 */
export function longPole(output) {
	const steps = new Map();
	const done = [];
	for (const line of output.split(/\r?\n/)) {
		const step = STEP.exec(line);
		if (step) {
			const [, host, index, count, title, , seconds] = step;
			if (!steps.has(host)) steps.set(host, []);
			steps.get(host).push({index: `${index}/${count}`, title, seconds: Number(seconds)});
			continue;
		}
		const finished = HOST_DONE.exec(line);
		if (finished) done.push({host: finished[1], seconds: Number(finished[3])});
	}
	if (done.length === 0) return undefined;
	// The longest host; on a tie, the one whose `done` came last.
	const longest = done.reduce((best, entry) => (entry.seconds >= best.seconds ? entry : best));
	const slowest = (steps.get(longest.host) ?? []).reduce((best, step) => (best === undefined || step.seconds > best.seconds ? step : best), undefined);
	return {host: longest.host, seconds: longest.seconds, lastToEnd: done.at(-1).host, ...(slowest ? {step: slowest} : {}), hosts: done.length};
}

/** One line for the printout. */
export function longPoleLine(label, output) {
	const pole = longPole(output);
	if (!pole) return `${label}: long pole n/a (no per-host lines in the output: a pty run, or the run failed early)`;
	const step = pole.step ? `; its slowest step ${pole.step.index} ${pole.step.title} ${pole.step.seconds.toFixed(1)} s` : '';
	const last = pole.lastToEnd === pole.host ? '' : ` (last to print done: ${pole.lastToEnd})`;
	return `${label}: long pole ${pole.host}, ${pole.seconds.toFixed(1)} s of ${pole.hosts} hosts${last}${step}`;
}
