// Is the NFS service answering? A stopped server keeps its exports in etab, so
// `exportfs -v` alone cannot tell. On the server: something listens on 2049.
// On a client: the server accepts a TCP connection on 2049. One bounded exec.

import {isIP} from 'node:net';
import {commandLine} from '../shell/quote.js';
import type {ExecResult, Transport} from '../contracts/transport.js';
import type {NfsServiceFact} from './types.js';

export const NFS_PORT = 2049;
/** Seconds `ss` or the TCP connect may take before the service counts as not answering. */
export const SERVICE_PROBE_SECONDS = 3;

export type ServiceProbeRole = 'server' | 'client';

// The address reaches the inner bash as $1, never inside the script text.
const SCRIPT = `
role=$1 addr=$2
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
exit 0
`;

export function serviceProbeCommand(role: ServiceProbeRole, address: string): string {
	return `sh -c ${commandLine([SCRIPT, 'aegir-pack-health', role, address])}`;
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
	const wanted = isIP(address) === 0 ? undefined : address.toLowerCase();
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

/** Run the probe on one host; never throws for what the host says. */
export async function probeNfsService(
	transport: Transport,
	role: ServiceProbeRole,
	address: string,
	signal?: AbortSignal,
): Promise<NfsServiceFact> {
	const result = await transport.exec(serviceProbeCommand(role, address), {timeoutMs: (SERVICE_PROBE_SECONDS + 7) * 1000, signal});
	return parseServiceProbe(result, role, address);
}
