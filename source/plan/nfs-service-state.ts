// Is the NFS service answering, and will it come back after a reboot? A
// stopped server keeps its exports in etab, so `exportfs -v` alone cannot
// tell. On the server: something listens on 2049, and `systemctl is-enabled
// nfs-server`. On a client: the server accepts a TCP connection on 2049. One
// bounded command each; the parsing is pure, so the apply's step and status
// read the same answer. (`systemctl is-active` is shown, never trusted: a
// daemonless systemctl answers `unknown` for what it did not start.)

import {isIpLiteral} from '../pack/subnets.js';
import type {ExecResult} from '../contracts/transport.js';
import {commandLine} from '../shell/quote.js';

export const NFS_PORT = 2049;
/** Seconds `ss`, systemctl or the TCP connect may take before counting as no answer. */
export const SERVICE_PROBE_SECONDS = 3;
/** Debian's unit (nfs-kernel-server.service is an alias of it). */
export const NFS_UNIT = 'nfs-server';

export type ServiceProbeRole = 'server' | 'client';

/** Whether the NFS service answers: on the server its listener, on a client the server's port. */
export type NfsServiceFact = {state: 'answering' | 'not-answering' | 'unknown'; detail: string};

/** The server's service as systemd sees it: enabled for boot, and what is-active says (shown only). */
export type NfsUnitState = {
	/** `systemctl is-enabled` first word (`enabled`, `disabled`, `masked`…), or `unknown` when it printed nothing. */
	enabled: string;
	/** Enabled for boot: nfs-server starts again after a reboot. */
	enabledAtBoot: boolean;
	/** `systemctl is-active` where systemd runs (`active`, `inactive`, `failed`), else `not running systemd` or `no systemctl`. */
	active: string;
};

export type NfsServerState = {service: NfsServiceFact; unit: NfsUnitState};

// The address reaches the inner bash as $1, never inside the script text.
const LISTEN_SCRIPT = `
if [ "$role" = server ] && command -v ss >/dev/null 2>&1; then
	out=$(timeout -k 1 ${SERVICE_PROBE_SECONDS} ss -Hltn 'sport = :${NFS_PORT}' 2>&1)
	echo "ss $?"
elif command -v bash >/dev/null 2>&1; then
	out=$(timeout -k 1 ${SERVICE_PROBE_SECONDS} bash -c ': <"/dev/tcp/$1/${NFS_PORT}"' aegir-pack-probe "$addr" 2>&1)
	echo "tcp $?"
else
	out='neither ss nor bash is installed'
	echo "none 0"
fi
printf '%s\\n' "$out"
`;

const PROBE_SCRIPT = `
role=$1 addr=$2
${LISTEN_SCRIPT}
exit 0
`;

/** One line first: `unit <is-enabled rc> <is-enabled word> <is-active word>`, then the listener probe. */
const SERVER_SCRIPT = `
role=server addr=$1
w() { sed -n '1{s/[^A-Za-z0-9_.-]/-/g;p;}'; }
if command -v systemctl >/dev/null 2>&1; then
	en=$(timeout -k 1 ${SERVICE_PROBE_SECONDS} systemctl is-enabled ${NFS_UNIT} 2>/dev/null); rc=$?
	en=$(printf '%s\\n' "$en" | w)
	if [ -d /run/systemd/system ]; then act=$(timeout -k 1 ${SERVICE_PROBE_SECONDS} systemctl is-active ${NFS_UNIT} 2>/dev/null | w); else act=not-running-systemd; fi
else
	rc=127 en=no-systemctl act=no-systemctl
fi
echo "unit $rc \${en:-unknown} \${act:-unknown}"
${LISTEN_SCRIPT}
exit 0
`;

export function serviceProbeCommand(role: ServiceProbeRole, address: string): string {
	return `sh -c ${commandLine([PROBE_SCRIPT, 'aegir-pack-health', role, address])}`;
}

/** The server's own view: unit state and its listener, in one command. */
export function serverStateCommand(address: string): string {
	return `sh -c ${commandLine([SERVER_SCRIPT, 'aegir-pack-nfs-server', address])}`;
}

/** `127.0.1.1:2049`, `[::]:2049`, `*:2049` → the address part, brackets and zone removed. */
function listenAddress(local: string): string {
	const withoutPort = local.replace(/:\d+$/, '');
	return withoutPort.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
}

const WILDCARDS = new Set(['*', '0.0.0.0', '::']);

/** Does one of the `ss -Hltn` lines listen where clients connect to `address`? */
export function listensFor(ssOutput: string, address: string): string | undefined {
	const locals = ssOutput
		.split('\n')
		.map(line => line.trim().split(/\s+/)[3])
		.filter((local): local is string => local !== undefined && local.endsWith(`:${NFS_PORT}`));
	// A name (not an IP literal) may resolve to any of the host's addresses: any listener will do.
	const wanted = isIpLiteral(address) ? address.toLowerCase().replace(/^\[|\]$/g, '') : undefined;
	return locals.find(local => {
		const listening = listenAddress(local).toLowerCase();
		return wanted === undefined || WILDCARDS.has(listening) || listening === wanted || listening === `::ffff:${wanted}`;
	});
}

function lastReason(text: string): string {
	const line = text.split('\n').map(part => part.trim()).filter(Boolean).at(-1) ?? '';
	// bash says `bash: line 1: /dev/tcp/ADDR/2049: Connection refused`: the reason is the last part.
	return line.slice(line.lastIndexOf(': ') + 1).trim();
}

/** Read what the probe printed; anything unexpected is `unknown`, never a guess. */
export function parseServiceProbe(result: ExecResult, role: ServiceProbeRole, address: string): NfsServiceFact {
	if (result.code !== 0) {
		const why = result.stderr.split('\n').map(line => line.trim()).filter(Boolean).at(-1) ?? `exit code ${result.code}`;
		return {state: 'unknown', detail: `could not check the NFS service: ${why}`};
	}

	const newline = result.stdout.indexOf('\n');
	const [method = '', codeText = ''] = (newline === -1 ? result.stdout : result.stdout.slice(0, newline)).trim().split(' ');
	const body = newline === -1 ? '' : result.stdout.slice(newline + 1);
	const code = Number(codeText);
	const timedOut = code === 124 || code === 137;
	switch (method) {
		case 'ss': {
			if (timedOut) return {state: 'unknown', detail: `ss gave no answer within ${SERVICE_PROBE_SECONDS} s`};
			if (code !== 0) return {state: 'unknown', detail: `ss failed: ${lastReason(body) || `exit code ${code}`}`};
			const listener = listensFor(body, address);
			if (listener) return {state: 'answering', detail: `listening on ${listener}`};
			const other = body.trim() === '' ? 'nothing listens on' : `nothing listens for ${address} on`;
			return {state: 'not-answering', detail: `${other} port ${NFS_PORT}`};
		}

		case 'tcp': {
			const target = `${role === 'server' ? 'this host' : address} port ${NFS_PORT}`;
			if (code === 0) return {state: 'answering', detail: `${target} accepts connections`};
			if (timedOut) return {state: 'not-answering', detail: `${target}: no answer within ${SERVICE_PROBE_SECONDS} s`};
			return {state: 'not-answering', detail: `${target}: ${lastReason(body) || 'connection failed'}`};
		}

		default: {
			return {state: 'unknown', detail: `could not check the NFS service: ${lastReason(body) || 'unexpected output'}`};
		}
	}
}

/** is-enabled words that mean "starts at boot". */
const STARTS_AT_BOOT = new Set(['enabled', 'enabled-runtime', 'static', 'alias', 'indirect', 'generated']);

const ACTIVE_WORDS: Record<string, string> = {'not-running-systemd': 'not running systemd', 'no-systemctl': 'no systemctl'};

/** Read the server command's output: the unit line, then the listener probe. */
export function parseServerState(result: ExecResult, address: string): NfsServerState {
	const newline = result.stdout.indexOf('\n');
	const first = newline === -1 ? result.stdout : result.stdout.slice(0, newline);
	const match = /^unit (\d+) (\S+) (\S+)$/.exec(first.trim());
	if (result.code !== 0 || !match) {
		const service = parseServiceProbe(result.code === 0 ? {...result, stdout: ''} : result, 'server', address);
		return {service, unit: {enabled: 'unknown', enabledAtBoot: false, active: 'unknown'}};
	}

	const [, rc = '', word = '', active = ''] = match;
	const service = parseServiceProbe({...result, stdout: result.stdout.slice(newline + 1)}, 'server', address);
	return {service, unit: {enabled: word, enabledAtBoot: rc === '0' && STARTS_AT_BOOT.has(word), active: ACTIVE_WORDS[active] ?? active}};
}
