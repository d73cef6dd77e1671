// What the review shows, as plain data: who does what, and the exact lines that
// will be written. The Ink review and the plain-text review both render this.
// The lines come from the planner's own generators, so the review cannot show
// one thing while the apply writes another.
import {nfsClients, packHosts, type Host, type PackFields} from '../../pack/types.js';
import {dropInContent} from '../../plan/exports-file.js';
import {fstabLine as plannedFstabLine} from '../../plan/fstab.js';
import {resolvePlanOptions} from '../../plan/options.js';
import {packFiles} from '../../plan/pack-files.js';

export type ReviewRow = {role: string; host: string; address: string; action: string};

export function reviewRows(pack: PackFields): ReviewRow[] {
	return packHosts(pack).map(host => {
		const isServer = host.name === pack.nfsServer.name;
		const isMaster = host.name === pack.master.name;
		if (isMaster && isServer) {
			return row(host, 'master + NFS', 'exports the share; gets code by rsync');
		}
		if (isMaster) return row(host, 'master', 'gets code by rsync; mounts the share');
		if (isServer && pack.slaves.some(slave => slave.name === host.name)) {
			return row(host, 'slave + NFS', 'exports the share; gets web config');
		}
		if (isServer) return row(host, 'NFS server', 'installs NFS server; exports the share');
		return row(host, 'slave', 'gets web config by rsync; mounts share');
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

/** The /etc/fstab line every NFS client gets, tagged with the pack name. */
export function fstabLine(pack: PackFields): string {
	return plannedFstabLine(pack);
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
