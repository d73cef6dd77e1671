// One host on one line of a picker: name, then user@address:port, cut to fit.
import type {Host} from '../../pack/types.js';

export const ADD_HOST_LABEL = '+ Add a host…';

export function hostLabel(host: Host, nameWidth: number, width: number, note = '', targetWidth = 0): string {
	const target = sshTarget(host);
	return fit(`${host.name.padEnd(nameWidth)}  ${note ? `${target.padEnd(targetWidth)}  ${note}` : target}`, width);
}

/** user@address:port, an IPv6 address in brackets. */
export function sshTarget(host: Host): string {
	return `${host.user}@${host.address.includes(':') ? `[${host.address}]` : host.address}:${host.port}`;
}

/** Width of the name column for these hosts (bounded so the address stays visible). */
export function nameColumn(hosts: readonly Host[], max = 20): number {
	return Math.min(max, Math.max(4, ...hosts.map(host => host.name.length)));
}

/** Cut a line to `width` characters, marking the cut with an ellipsis. */
export function fit(text: string, width: number): string {
	if (width <= 1) return text.slice(0, Math.max(0, width));
	return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}
