// The NFS server's service, and a client's wait for it. The server: nfs-server
// enabled for boot (else it does not come back after a reboot) and something
// listening on 2049 for the server's address (a server that died after a good
// run still lists its exports). A client mounts only once the server answers
// on 2049: mount.nfs would otherwise wait about two minutes, then fail.

import type {Host, Pack} from '../../pack/types.js';
import {commandLine} from '../../shell/quote.js';
import {
	NFS_PORT,
	NFS_UNIT,
	parseServerState,
	parseServiceProbe,
	serverStateCommand,
	SERVICE_PROBE_SECONDS,
	type NfsServerState,
} from '../nfs-service-state.js';
import type {CheckContext, CheckResult, Step, StepRef} from '../step.js';
import {runAsRoot} from './run-command.js';

export const SERVICE_STEP = 'nfs-server/service';
export const SERVER_ANSWERS_STEP = 'nfs-client/server-answers';

export function serviceStepRef(pack: Pack): StepRef {
	return {host: pack.nfsServer.name, id: SERVICE_STEP};
}

/** Seconds the apply waits for the listener after a restart, and a client for the server. */
export const START_WAIT_SECONDS = 15;

const ENABLE = commandLine(['systemctl', 'enable', NFS_UNIT]);
const RESTART = commandLine(['systemctl', 'restart', NFS_UNIT]);

/** Enable and/or restart, then wait (bounded) for a listener on 2049; the journal's tail when none comes. */
const SERVICE_SCRIPT = `
enable=$1 restart=$2
if [ "$enable" = yes ]; then
	systemctl enable ${NFS_UNIT} || exit $?
	echo "aegir-pack: enabled ${NFS_UNIT} at boot"
fi
if [ "$restart" = yes ]; then
	systemctl restart ${NFS_UNIT} || exit $?
	echo "aegir-pack: restarted ${NFS_UNIT}"
fi
i=0
while [ $i -lt ${START_WAIT_SECONDS * 2} ]; do
	if [ -n "$(timeout -k 1 ${SERVICE_PROBE_SECONDS} ss -Hltn 'sport = :${NFS_PORT}' 2>/dev/null)" ]; then exit 0; fi
	sleep 0.5
	i=$((i + 1))
done
if [ -d /run/systemd/system ]; then journalctl -u ${NFS_UNIT} -n 20 --no-pager >&2 2>/dev/null; fi
echo "aegir-pack: nothing listens on port ${NFS_PORT} ${START_WAIT_SECONDS} s after starting ${NFS_UNIT}" >&2
exit 1
`;

function serviceCommand(enable: boolean, restart: boolean): string {
	return `sh -c ${commandLine([SERVICE_SCRIPT, 'aegir-pack-nfs-service', enable ? 'yes' : 'no', restart ? 'yes' : 'no'])}`;
}

/** The state the host's facts read (the same command), when it says nothing needs doing; else undefined. */
function settledState(context: CheckContext, pack: Pack): NfsServerState | undefined {
	const read = context.facts.reads?.nfsServer;
	if (!read) return undefined;
	const state = parseServerState({command: 'facts', code: read.code, stdout: read.stdout, stderr: '', durationMs: 0}, pack.nfsServer.address);
	const {enable, restart} = needed(state);
	return enable || restart ? undefined : state;
}

async function readState(context: CheckContext, pack: Pack): Promise<NfsServerState> {
	const result = await context.transport.exec(serverStateCommand(pack.nfsServer.address), {
		quiet: true,
		timeoutMs: (SERVICE_PROBE_SECONDS * 3 + 7) * 1000,
		signal: context.signal,
	});
	return parseServerState(result, pack.nfsServer.address);
}

type Needed = {enable: boolean; restart: boolean};

function needed(state: NfsServerState): Needed {
	return {enable: !state.unit.enabledAtBoot, restart: state.service.state !== 'answering'};
}

function assess(state: NfsServerState, installed: boolean): CheckResult {
	const {enable, restart} = needed(state);
	if (!enable && !restart) return {state: 'ok', message: `enabled at boot; ${state.service.detail} (systemd: ${state.unit.active})`};
	if (state.service.state === 'unknown' && installed) return {state: 'fail', message: state.service.detail};
	const what = [enable ? `enable ${NFS_UNIT} at boot (it is ${state.unit.enabled})` : '', restart ? `start it (${state.service.detail})` : ''].filter(Boolean);
	const later = installed ? '' : ' once nfs-kernel-server is installed';
	return {
		state: 'change',
		message: `${what.join('; ')}${later}`,
		commands: [...(enable ? [ENABLE] : []), ...(restart ? [RESTART] : []), `wait up to ${START_WAIT_SECONDS} s for a listener on port ${NFS_PORT}`],
	};
}

/** The NFS server: nfs-server enabled for boot and listening for the pack's server address. */
export function nfsServiceStep(host: Host, pack: Pack): Step {
	return {
		id: SERVICE_STEP,
		title: `${NFS_UNIT} enabled at boot and listening on ${NFS_PORT}`,
		host: host.name,
		reads: {nfsServer: {address: pack.nfsServer.address}},
		async check(context) {
			const installed = context.facts.packages['nfs-kernel-server']?.installed ?? false;
			// Enabled and listening when the facts were read: ok. Anything else is read again, live, before acting on it.
			return assess(settledState(context, pack) ?? (await readState(context, pack)), installed);
		},
		async apply(context) {
			const state = await readState(context, pack);
			const {enable, restart} = needed(state);
			if (!enable && !restart) return {status: 'ok', message: 'enabled and listening'};
			await runAsRoot(context, serviceCommand(enable, restart), `${enable ? 'enabling' : ''}${enable && restart ? ' and ' : ''}${restart ? 'starting' : ''} ${NFS_UNIT}`, {
				timeoutMs: (START_WAIT_SECONDS + 60) * 1000,
			});
			return {message: [enable ? 'enabled at boot' : '', restart ? 'started; it listens again' : ''].filter(Boolean).join('; ')};
		},
		async verify(context) {
			const after = await readState(context, pack);
			const result = assess(after, true);
			if (result.state !== 'ok') throw new Error(`applied, but the check still says: ${result.message}`);
		},
	};
}

/** Probe the server's port from the client, retrying (bounded) while the server is starting up. */
const WAIT_SCRIPT = `
addr=$1 tries=$2
i=1
while :; do
	out=$(timeout -k 1 ${SERVICE_PROBE_SECONDS} bash -c ': <"/dev/tcp/$1/${NFS_PORT}"' aegir-pack-probe "$addr" 2>&1)
	code=$?
	[ $code -eq 0 ] || [ $i -ge "$tries" ] && break
	i=$((i + 1))
	sleep 1
done
echo "tcp $code"
printf '%s\\n' "$out"
exit 0
`;

export function serverAnswersCommand(address: string, tries: number): string {
	return `sh -c ${commandLine([WAIT_SCRIPT, 'aegir-pack-nfs-wait', address, String(tries)])}`;
}

/**
 * A client's read-only wait for the NFS server before its mount. `serverStep`:
 * the server's service step when it is in this plan (a dry run then trusts
 * that step to start a server that does not answer yet).
 */
export function serverAnswersStep(host: Host, pack: Pack, serverStep?: StepRef): Step {
	const server = pack.nfsServer;
	return {
		id: SERVER_ANSWERS_STEP,
		title: `NFS server ${server.name} answers on port ${NFS_PORT}`,
		host: host.name,
		...(serverStep ? {dependsOn: [serverStep]} : {}),
		reads: {serverAnswers: {address: server.address}},
		async check(context) {
			// Answering when this host's facts were read (its share mounted), and the server's own step found
			// its service as it was (or is not in this plan): still answering, no second probe.
			const read = context.facts.reads?.serverAnswers;
			const settled = serverStep === undefined || context.stepStatus?.(serverStep) === 'ok';
			if (read && settled) {
				const earlier = parseServiceProbe({command: 'facts', code: read.code, stdout: read.stdout, stderr: '', durationMs: 0}, 'client', server.address);
				if (earlier.state === 'answering') return {state: 'ok', message: earlier.detail};
			}
			// A dry run does not wait: nothing was started for it to wait for.
			const tries = context.dryRun ? 1 : Math.ceil(START_WAIT_SECONDS / (SERVICE_PROBE_SECONDS + 1));
			const result = await context.transport.exec(serverAnswersCommand(server.address, tries), {
				quiet: true,
				timeoutMs: (tries * (SERVICE_PROBE_SECONDS + 2) + 10) * 1000,
				signal: context.signal,
			});
			// A server answering is a fact about the server: its probe reads as the status check reads it.
			const probed = parseServiceProbe(result, 'client', server.address);
			if (probed.state === 'answering') return {state: 'ok', message: probed.detail};
			if (context.dryRun && serverStep && context.stepStatus?.(serverStep) === 'changed') {
				return {state: 'ok', message: `does not answer yet (${probed.detail}); ${server.name}'s ${SERVICE_STEP} starts it first`};
			}

			return {
				state: 'fail',
				message: `NFS server ${server.name} (${server.address}) does not answer on port ${NFS_PORT} (${probed.detail}): not mounting (mount.nfs would wait about 2 minutes). Run the apply again, or on ${server.name}: systemctl restart ${NFS_UNIT}`,
			};
		},
		async apply() {
			throw new Error(`${SERVER_ANSWERS_STEP} only reads`);
		},
	};
}
