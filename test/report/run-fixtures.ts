// Synthetic run events for the reporter and screen tests: what a runner
// would emit for a pack of n hosts (web1 = master and NFS server, the rest slaves).
import type {HostSummary, RecapRow, RunEvent, StepStatus} from '../../source/contracts/events.js';

export const T0 = 1_700_000_000_000;

export const STEP_TITLES = [
	'Preflight',
	'Same aegir uid/gid',
	'Install nfs-kernel-server',
	'Write export drop-in',
	'Reload exports',
	'Verify export',
	'Sync web server config',
	'Sync platforms',
	'Check marker',
];

export function summaries(count: number): HostSummary[] {
	return Array.from({length: count}, (_, index) => ({
		name: `web${index + 1}`,
		address: `192.0.2.${10 + index}`,
		roles: index === 0 ? ['master', 'nfs-server'] : ['slave'],
		stepCount: STEP_TITLES.length,
	}));
}

export function runStarted(hosts: HostSummary[], options: {dryRun?: boolean; logDir?: string} = {}): RunEvent {
	return {type: 'run-started', at: T0, hosts, dryRun: options.dryRun ?? false, logDir: options.logDir ?? '/var/log/aegir-pack/run-1'};
}

export function stepStarted(host: string, index: number, at = T0 + index * 1000): RunEvent {
	return {type: 'step-started', at, host, stepId: `step-${index}`, title: STEP_TITLES[index - 1] ?? `Step ${index}`, index, count: STEP_TITLES.length};
}

export function stepFinished(host: string, index: number, status: StepStatus, extra: Partial<Extract<RunEvent, {type: 'step-finished'}>> = {}): RunEvent {
	return {
		type: 'step-finished',
		at: T0 + index * 1000 + 500,
		host,
		stepId: `step-${index}`,
		title: STEP_TITLES[index - 1] ?? `Step ${index}`,
		status,
		durationMs: 500,
		...extra,
	};
}

export function output(host: string, chunk: string, index = 1): RunEvent {
	return {type: 'output', at: T0 + index * 1000 + 100, host, stepId: `step-${index}`, chunk};
}

export function recapRow(host: string, counts: Partial<RecapRow> = {}): RecapRow {
	return {host, ok: 7, changed: 2, failed: 0, skipped: 0, durationMs: 12_300, logPath: `/var/log/aegir-pack/run-1/${host}.log`, ...counts};
}

/** A whole run where `failing` hosts fail at step 3 and every other host finishes ok. */
export function wholeRun(count: number, failing: string[] = []): RunEvent[] {
	const hosts = summaries(count);
	const events: RunEvent[] = [runStarted(hosts)];
	for (const host of hosts) {
		events.push({type: 'host-started', at: T0, host: host.name});
		const fails = failing.includes(host.name);
		for (let index = 1; index <= STEP_TITLES.length; index++) {
			events.push(stepStarted(host.name, index));
			if (fails && index === 3) {
				events.push(
					stepFinished(host.name, index, 'failed', {
						failure: {command: 'apt-get install -y nfs-kernel-server', code: 100, stderrTail: 'E: Unable to locate package\n', message: 'apt-get failed'},
					}),
				);
				break;
			}

			events.push(stepFinished(host.name, index, index % 3 === 0 ? 'changed' : 'ok'));
		}

		events.push({
			type: 'host-finished',
			at: T0 + 20_000,
			host: host.name,
			status: fails ? 'failed' : 'ok',
			failedStep: fails ? STEP_TITLES[2] : undefined,
			durationMs: 12_300,
			logPath: `/var/log/aegir-pack/run-1/${host.name}.log`,
		});
	}

	events.push({
		type: 'run-finished',
		at: T0 + 21_000,
		recap: hosts.map(host => (failing.includes(host.name) ? recapRow(host.name, {ok: 2, changed: 0, failed: 1, skipped: 0}) : recapRow(host.name))),
		exitCode: failing.length > 0 ? 1 : 0,
		logDir: '/var/log/aegir-pack/run-1',
		interrupted: false,
	});
	return events;
}
