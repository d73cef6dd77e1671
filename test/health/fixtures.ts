// A pack on three hosts (master is the NFS server, web1 and web2 mount it),
// the facts each host has when everything is healthy, and a fake host that
// answers the real facts command and the NFS service probe.
import {fstabEntry} from '../../source/plan/fstab.js';
import type {Facts} from '../../source/plan/facts.js';
import {markerContent} from '../../source/plan/steps/nfs-server.js';
import type {HostObservation} from '../../source/health/evaluate.js';
import type {NfsServiceFact, NfsUnitState} from '../../source/health/types.js';
import type {Host, Pack} from '../../source/pack/types.js';
import {makeFacts, makePack} from '../plan/fixtures.js';
import {FakeTransport, type FakeAnswer} from '../run/fake-transport.js';

export {makePack};

export const pack: Pack = makePack();

export const ANSWERING: NfsServiceFact = {state: 'answering', detail: 'listening on 0.0.0.0:2049'};
/** The server's unit as a daemonless host (the lab) shows it: enabled, no systemd to say it is active. */
export const ENABLED: NfsUnitState = {enabled: 'enabled', enabledAtBoot: true, active: 'not running systemd'};

export function serverFacts(overrides: Partial<Facts> = {}): Facts {
	return makeFacts({
		hostname: 'master',
		exports: [{path: pack.exportPath, client: '192.0.2.0/24', options: ['rw', 'sync', 'no_subtree_check', 'root_squash']}],
		sharedDir: {state: 'directory', entryCount: 1, sample: ['.aegir-pack-marker']},
		marker: {present: true, readable: true, content: markerContent(pack)},
		...overrides,
	});
}

export function clientFacts(overrides: Partial<Facts> = {}): Facts {
	return makeFacts({
		fstab: {present: true, readable: true, content: `# /etc/fstab\nUUID=1 / ext4 defaults 0 1\n${fstabEntry(pack)}\n`},
		mount: {target: pack.exportPath, source: `192.0.2.10:${pack.exportPath}`, fstype: 'nfs4', options: 'rw,relatime'},
		sharedDir: {state: 'directory', entryCount: 1, sample: ['.aegir-pack-marker']},
		marker: {present: true, readable: true, content: markerContent(pack)},
		...overrides,
	});
}

export function observed(host: Host, facts: Facts, service: NfsServiceFact = ANSWERING, unit?: NfsUnitState): HostObservation {
	const isServer = host.name === pack.nfsServer.name;
	const seen = unit ?? (isServer ? ENABLED : undefined);
	return {host, state: 'observed', facts, service, ...(seen ? {unit: seen} : {})};
}

/** Healthy observations of every host of `pack`, with per-host replacements. */
export function healthyObservations(replace: Record<string, HostObservation> = {}): HostObservation[] {
	return [
		replace['master'] ?? observed(pack.master, serverFacts()),
		replace['web1'] ?? observed(pack.slaves[0]!, clientFacts({hostname: 'web1'})),
		replace['web2'] ?? observed(pack.slaves[1]!, clientFacts({hostname: 'web2'})),
	];
}

/** What the real facts script prints for a healthy host of `pack` (sections delimited by the nonce). */
export function factsScriptOutput(nonce: string, role: 'server' | 'client', hostname: string): string {
	const sections: Array<[string, string]> = [
		['hostname', `${hostname}\n`],
		['uid', '0\n'],
		['os-release', 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'],
		['commands', 'apt-get\ndpkg\ndpkg-query\nfindmnt\nmount\numount\ninstall\nmktemp\nsha256sum\ntimeout\n'],
		['packages', ''],
		['passwd', 'aegir:x:1500:1500::/var/aegir:/bin/sh\n'],
		['group', 'aegir:x:1500:\n'],
		['df', 'Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/a 100 0 9000000 1% /\n/dev/a 100 0 9000000 1% /var\n'],
		['fstab.b64', Buffer.from(role === 'client' ? `${fstabEntry(pack)}\n` : '# empty\n').toString('base64')],
		['fstab.rc', '0'],
		['dropin.missing', ''],
	];
	if (role === 'server') sections.push(['exportfs', `${pack.exportPath}\n\t\t192.0.2.0/24(rw,sync,no_subtree_check)\n`]);
	const mount = JSON.stringify({filesystems: [{target: pack.exportPath, source: `192.0.2.10:${pack.exportPath}`, fstype: 'nfs4', options: 'rw'}]});
	sections.push(
		['mount', role === 'client' ? mount : ''],
		['mount.rc', role === 'client' ? '0' : '1'],
		['dir', 'directory\n1\n.aegir-pack-marker\n'],
		['dir.rc', '0'],
		['marker', `file\n${Buffer.from(markerContent(pack)).toString('base64')}`],
		['marker.rc', '0'],
		['end', ''],
	);
	return sections.map(([name, content]) => `\n@@${nonce}@@ ${name}\n${content}`).join('');
}

export const isFactsCommand = (command: string) => command.startsWith('sh -s -- ');
export const isServiceProbe = (command: string) => command.includes('aegir-pack-health') || command.includes('aegir-pack-nfs-server');

/** Answers a healthy host would give to the two commands status runs. */
export function healthyAnswer(host: Host, command: string): FakeAnswer {
	const role = host.name === pack.nfsServer.name ? 'server' : 'client';
	if (isFactsCommand(command)) return {output: factsScriptOutput(command.split(' ')[3]!, role, host.name)};
	if (isServiceProbe(command)) return {output: role === 'server' ? 'unit 0 enabled not-running-systemd\nss 0\nLISTEN 0 64 0.0.0.0:2049 0.0.0.0:*\n' : 'tcp 0\n\n'};
	return {code: 127, stderr: `unexpected command: ${command}`};
}

export function healthyHost(host: Host): FakeTransport {
	return new FakeTransport(host.name, command => healthyAnswer(host, command));
}
