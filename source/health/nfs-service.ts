// Is the NFS service answering (and, on the server, enabled for boot)? The
// probe scripts and their parsing live with the plan (the NFS server's service
// step reads the same answer); status runs them here, one bounded exec a host.

import {
	parseServerState,
	parseServiceProbe,
	SERVICE_PROBE_SECONDS,
	serverStateCommand,
	serviceProbeCommand,
	type NfsServerState,
	type NfsServiceFact,
	type ServiceProbeRole,
} from '../plan/nfs-service-state.js';
import type {Transport} from '../contracts/transport.js';

export {listensFor, NFS_PORT, parseServerState, parseServiceProbe, SERVICE_PROBE_SECONDS, serverStateCommand, serviceProbeCommand} from '../plan/nfs-service-state.js';
export type {NfsServerState, NfsUnitState, ServiceProbeRole} from '../plan/nfs-service-state.js';

const PROBE_TIMEOUT_MS = (SERVICE_PROBE_SECONDS * 3 + 7) * 1000;

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

/** The NFS server's unit state and listener, in one exec. */
export async function probeNfsServer(transport: Transport, address: string, signal?: AbortSignal): Promise<NfsServerState> {
	const result = await transport.exec(serverStateCommand(address), {timeoutMs: PROBE_TIMEOUT_MS, signal});
	return parseServerState(result, address);
}
