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

/** The mark of Aegir's web servers in the pickers (shown dim). */
export const AEGIR_MARK = 'Aegir';

/** A picker row: its host, the plain label, and the dim mark after it ('' when unmarked). */
export type HostRow = {host: Host; label: string; mark: string};

/**
 * Rows for a host picker within `width`: name, user@address:port, the host's
 * note if any (`noteOf`, e.g. "(slave)"), then "Aegir" in one column for the
 * hosts in `aegir`. The mark is never cut: the label gives way first.
 */
export function hostRows(
	hosts: readonly Host[],
	width: number,
	aegir: readonly string[] = [],
	noteOf?: (host: Host) => string,
): HostRow[] {
	const nameWidth = nameColumn(hosts);
	const targetWidth = noteOf ? Math.min(40, Math.max(0, ...hosts.map(host => sshTarget(host).length))) : 0;
	const marked = new Set(aegir);
	const mark = hosts.some(host => marked.has(host.name)) ? `  ${AEGIR_MARK}` : '';
	const labels = hosts.map(host => hostLabel(host, nameWidth, width - mark.length, noteOf?.(host) ?? '', targetWidth));
	const column = Math.max(0, ...labels.map(label => label.length));
	return hosts.map((host, index) => {
		const label = labels[index] ?? host.name;
		return marked.has(host.name) ? {host, label: label.padEnd(column), mark} : {host, label, mark: ''};
	});
}
