// What the review shows, as plain data: who does what, and the exact lines that
// will be written. The Ink review and the plain-text review both render this.
// The lines come from the planner's own generators, so the review cannot show
// one thing while the apply writes another.
import {nfsClients, packHosts, type Host, type PackFields} from '../../pack/types.js';
import {dropInContent} from '../../plan/exports-file.js';
import {fstabEntry} from '../../plan/fstab.js';
import {resolvePlanOptions, type PlanOptions} from '../../plan/options.js';
import {reviewWordsFor, situationOf} from '../../plan/role-steps.js';
import {packFiles} from '../../plan/pack-files.js';

export type ReviewRow = {role: string; host: string; address: string; action: string};

/** `master + NFS`, `slave`, `NFS server`: what the host is in the pack. */
function roleText(roles: readonly string[]): string {
	const web = roles.includes('master') ? 'master' : roles.includes('slave') ? 'slave' : undefined;
	if (!roles.includes('nfs-server')) return web ?? 'host';
	return web ? `${web} + NFS` : 'NFS server';
}

/**
 * One row per host: its role and what it gets, in the words of the one list
 * of what each role gets (source/plan/role-steps.ts), with the run's options
 * (Aegir here or not, this machine, prerequisites).
 */
export function reviewRows(pack: PackFields, planOptions?: PlanOptions): ReviewRow[] {
	const options = resolvePlanOptions(planOptions);
	return packHosts(pack).map(host => {
		const at = situationOf(pack, host, options);
		return row(host, roleText(at.roles), reviewWordsFor(at, {options}).join(', '));
	});
}

function row(host: Host, role: string, action: string): ReviewRow {
	return {role, host: host.name, address: host.address, action};
}

/** The export drop-in the NFS server gets (the only exports file this tool writes). */
export function exportsFile(pack: PackFields): string {
	return packFiles(pack, resolvePlanOptions()).dropIn;
}

/** The file every NFS client gets its entry in. */
export function fstabFile(pack: PackFields): string {
	return packFiles(pack, resolvePlanOptions()).fstab;
}

/** The drop-in's entries, one per subnet: `<path> <subnet>(<options>)` (its header comment left out). */
export function exportsLines(pack: PackFields): string[] {
	return dropInContent(pack)
		.split('\n')
		.filter(line => line !== '' && !line.startsWith('#'));
}

/** The /etc/fstab entry every NFS client gets: the tag comment naming the pack, then the line. */
export function fstabLines(pack: PackFields): string[] {
	return fstabEntry(pack).split('\n');
}

/** Names of the hosts that mount the share (and get the fstab line). */
export function clientNames(pack: PackFields): string[] {
	return nfsClients(pack).map(host => host.name);
}

/** What a sysadmin must know before confirming, in plain words. */
export function reviewWarnings(pack: PackFields): string[] {
	const warnings = [
		`${pack.nfsServer.name} is a single point of failure: if it stops, no web head has the code.`,
		'aegir must have the same UID/GID on every host (checked before any change).',
	];
	if (pack.slaves.length === 0) warnings.unshift('No slaves: the pack has one web head until you add one.');
	return warnings;
}
