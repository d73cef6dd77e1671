// Shared test data: a pack, healthy facts, and a step context around any transport.

import type {LocalSources} from '../../source/plan/local-sources.js';
import type {MachineIdentity} from '../../source/plan/this-machine.js';
import type {Facts} from '../../source/plan/facts.js';
import type {StepContext} from '../../source/plan/step.js';
import type {Transport} from '../../source/contracts/transport.js';
import type {Prompter} from '../../source/contracts/prompter.js';
import {DEFAULT_EXPORT_OPTIONS, DEFAULT_MOUNT_OPTIONS, type Host, type Pack, type PackFields} from '../../source/pack/types.js';
import {forgedPackForTests, trustedPackForTests} from '../pack/trusted-pack.js';
import {dropInContent} from '../../source/plan/exports-file.js';
import {fstabEntry} from '../../source/plan/fstab.js';
import {markerContent} from '../../source/plan/steps/nfs-server.js';

export const host = (name: string, address: string): Host => ({name, address, port: 22, user: 'root'});

/** A Pack through the real check: overrides must keep it valid. */
export function makePack(overrides: Partial<PackFields> = {}): Pack {
	const master = host('master', '192.0.2.10');
	return trustedPackForTests({
		name: 'pack.example.com',
		master,
		slaves: [host('web1', '192.0.2.11'), host('web2', '192.0.2.12')],
		nfsServer: master,
		exportPath: '/var/aegir/platforms',
		subnets: ['192.0.2.0/24'],
		exportOptions: DEFAULT_EXPORT_OPTIONS,
		mountOptions: DEFAULT_MOUNT_OPTIONS,
		...overrides,
	});
}

/**
 * A valid pack whose share is a test sandbox: the export policy refuses /tmp on
 * a real host, so only the export path skips the check (everything else passes it).
 */
export function makeSandboxPack(exportPath: string, overrides: Partial<PackFields> = {}): Pack {
	return forgedPackForTests({...makePack(overrides), exportPath});
}

/** A healthy Debian 12 host with aegir 1500:1500 and nothing of the pack done yet. */
export function makeFacts(overrides: Partial<Facts> = {}): Facts {
	return {
		hostname: 'host',
		uid: 0,
		os: {id: 'debian', idLike: [], versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)'},
		commands: ['apt-get', 'dpkg', 'dpkg-query', 'findmnt', 'mount', 'umount', 'install', 'mktemp', 'sha256sum', 'timeout', 'runuser', 'stat', 'readlink', 'base64'],
		packages: {},
		aegirUser: {name: 'aegir', uid: 1500, gid: 1500, home: '/var/aegir'},
		aegirGroup: {name: 'aegir', gid: 1500},
		freeKb: {'/': 10_000_000, '/var': 10_000_000},
		fstab: {present: true, readable: true, content: '# /etc/fstab\n'},
		dropIn: {present: false},
		exports: undefined,
		mount: undefined,
		mountProbeAnswered: true,
		sharedDir: {state: 'missing'},
		marker: {present: false},
		...overrides,
	};
}

export const refusingPrompter: Prompter = {
	acceptHostKey: async () => false,
	sudoPassword: async () => undefined,
	confirm: async () => false,
};

export type ContextRecord = {notices: Array<{level: string; message: string}>; output: string[]};

export function makeContext(transport: Transport, facts: Facts, overrides: Partial<StepContext> = {}): StepContext & {record: ContextRecord} {
	const record: ContextRecord = {notices: [], output: []};
	return {
		host: host(transport.hostName, '192.0.2.99'),
		facts,
		factsOf: () => facts,
		transport,
		dryRun: false,
		signal: new AbortController().signal,
		prompter: refusingPrompter,
		notice: (level, message) => record.notices.push({level, message}),
		output: text => record.output.push(text),
		stamp: '20240102-030405',
		refreshFacts: async () => facts,
		...overrides,
		record,
	};
}

/** This machine, known by these addresses: pack hosts at them are "this machine" to the planner. */
export const machineAt = (...addresses: string[]): MachineIdentity => ({names: [], addresses});

/** Sync sources as the probe before planning finds them: these paths are directories (with these entries and sites). */
export const localDirectories = (...paths: string[]): LocalSources =>
	Object.fromEntries(paths.map(path => [path, {state: 'directory' as const, entries: [{path: 'x', type: 'file' as const}], sites: []}]));

/**
 * What a host answers to the NFS service probes (the server's unit and
 * listener, a client's TCP connect): a healthy, enabled server at `address`.
 * Undefined for any other command.
 */
export function nfsProbeAnswer(command: string, address: string, state: {enabled?: boolean; listening?: boolean} = {}): {output: string} | undefined {
	const {enabled = true, listening = true} = state;
	if (command.includes('aegir-pack-nfs-server')) {
		const unit = enabled ? 'unit 0 enabled not-running-systemd' : 'unit 1 disabled not-running-systemd';
		return {output: `${unit}\nss 0\n${listening ? `LISTEN 0 64 ${address}:2049 0.0.0.0:*` : ''}\n`};
	}

	if (command.includes('aegir-pack-nfs-wait')) return {output: listening ? 'tcp 0\n\n' : `tcp 1\nbash: line 1: /dev/tcp/${address}/2049: Connection refused\n`};
	return undefined;
}

/** True for the read-only NFS service probes (they run in checks, also on a re-run with nothing to do). */
export const isNfsProbe = (command: string) => command.includes('aegir-pack-nfs-server') || command.includes('aegir-pack-nfs-wait');

/** Facts of a host where the whole pack is already in place. */
export function configuredFacts(pack: Pack, name: string): Facts {
	const installed = {status: 'ii', version: '1', installed: true};
	const isServer = name === pack.nfsServer.name;
	const base = makeFacts({
		hostname: name,
		// The share holds the marker and a platform.
		sharedDir: {state: 'directory', entryCount: 2, sample: ['.aegir-pack-marker', 'drupal-10']},
		marker: {present: true, readable: true, content: markerContent(pack)},
	});
	if (isServer) {
		return {
			...base,
			packages: {'nfs-kernel-server': installed, 'nfs-common': installed, rsync: installed},
			dropIn: {present: true, readable: true, content: dropInContent(pack)},
			exports: pack.subnets.map(subnet => ({path: pack.exportPath, client: subnet, options: ['sync', 'wdelay', 'no_subtree_check', 'rw']})),
		};
	}

	return {
		...base,
		packages: {'nfs-common': installed, rsync: installed},
		fstab: {present: true, readable: true, content: `# /etc/fstab\n${fstabEntry(pack)}\n`},
		mount: {target: pack.exportPath, source: `${pack.nfsServer.address}:${pack.exportPath}`, fstype: 'nfs4', options: 'rw,nosuid,nodev'},
	};
}
