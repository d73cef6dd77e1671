// Whole-pack validation: every field, plus the rules that need more than one
// field (roles, duplicates, Aegir names, who may mount the export).

import {addressInSubnets, isIpLiteral, parseSubnet, proposeSubnets} from './subnets.js';
import {showValue} from './text.js';
import {nfsClients, type Host, type PackFields, type Problem} from './types.js';
import {
	aegirContextName,
	validateExportPath,
	validateHost,
	validateOptions,
	validatePackName,
} from './validate-fields.js';

type Placed = {host: Host; field: string};

/** Each host with the field it came from, in pack order: master, slaves, separate NFS server. */
function placedHosts(pack: PackFields): Placed[] {
	const placed: Placed[] = [
		{host: pack.master, field: 'master'},
		...pack.slaves.map((host, index) => ({host, field: `slaves[${index}]`})),
	];
	if (!placed.some(({host}) => host.name === pack.nfsServer.name)) placed.push({host: pack.nfsServer, field: 'nfsServer'});
	return placed;
}

const sameHost = (a: Host, b: Host) =>
	a.address === b.address && a.port === b.port && a.user === b.user && a.identityFile === b.identityFile;

function roleProblems(pack: PackFields): Problem[] {
	const problems: Problem[] = [];
	const master = pack.master.name;
	if (pack.slaves.some(slave => slave.name === master)) {
		problems.push({field: 'slaves', message: `${showValue(master)} is the master; it cannot also be a slave`});
	}
	const counts = new Map<string, number>();
	for (const slave of pack.slaves) if (slave.name !== master) counts.set(slave.name, (counts.get(slave.name) ?? 0) + 1);
	for (const [name, count] of counts) {
		if (count > 1) problems.push({field: 'slaves', message: `${showValue(name)} is listed ${count} times; list each slave once`});
	}
	const webHead = [pack.master, ...pack.slaves].find(host => host.name === pack.nfsServer.name);
	if (webHead && !sameHost(webHead, pack.nfsServer)) {
		problems.push({
			field: 'nfsServer',
			message: `${showValue(webHead.name)} is a web head of this pack but is given different connection details as the NFS server; pick the same host`,
		});
	}
	return problems;
}

/** Two names for one machine would mount the share over its own exported code. */
function sameMachineProblems(pack: PackFields): Problem[] {
	const problems: Problem[] = [];
	const seen = new Map<string, Host>();
	const byName = new Set<string>();
	for (const {host, field} of placedHosts(pack)) {
		if (byName.has(host.name)) continue;
		byName.add(host.name);
		const key = `${host.address.toLowerCase()} port ${host.port}`;
		const earlier = seen.get(key);
		if (earlier) {
			problems.push({
				field: `${field}.address`,
				message: `${showValue(host.name)} has the same address and port as ${showValue(earlier.name)} (${showValue(key)}); every pack host must be its own machine`,
			});
		} else {
			seen.set(key, host);
		}
	}
	return problems;
}

/** The pack and each web head are Aegir server nodes; their context names must not collide (registration relies on it). */
function aegirNameProblems(pack: PackFields): Problem[] {
	const problems: Problem[] = [];
	const owners = new Map<string, string>([[aegirContextName(pack.name), pack.name]]);
	for (const host of [pack.master, ...pack.slaves]) {
		const context = aegirContextName(host.name);
		const owner = owners.get(context);
		if (owner === undefined) {
			owners.set(context, host.name);
		} else if (owner === pack.name && host.name === pack.name) {
			problems.push({field: 'name', message: `is the same as host ${showValue(host.name)}; the pack is its own server node in Aegir and needs its own name`});
		} else if (owner !== host.name) {
			problems.push({
				field: owner === pack.name ? 'name' : 'slaves',
				message: `${showValue(owner)} and ${showValue(host.name)} both become Aegir context ${showValue(context)}; rename one`,
			});
		}
	}
	return problems;
}

function subnetProblems(pack: PackFields): Problem[] {
	const problems: Problem[] = [];
	const valid: string[] = [];
	for (const subnet of pack.subnets) {
		const parsed = parseSubnet(subnet);
		if ('problem' in parsed) {
			problems.push({field: 'subnets', message: parsed.problem});
			continue;
		}
		if (parsed.cidr !== subnet) problems.push({field: 'subnets', message: `write ${showValue(subnet)} as ${parsed.cidr}`});
		if (valid.includes(parsed.cidr)) problems.push({field: 'subnets', message: `lists ${parsed.cidr} twice`});
		else valid.push(parsed.cidr);
	}

	const clients = nfsClients(pack);
	if (clients.length > 0 && pack.subnets.length === 0) {
		const proposal = proposeSubnets(clients.map(client => client.address));
		const example = proposal.length > 0 ? `, e.g. ${proposal.join(', ')}` : '';
		problems.push({
			field: 'subnets',
			message: `is empty, but ${clients.map(client => showValue(client.name)).join(', ')} mount the share; add their addresses (or a network they share)${example}`,
		});
		return problems;
	}
	if (valid.length === 0) return problems;
	for (const client of clients) {
		if (!isIpLiteral(client.address) || addressInSubnets(client.address, valid) !== false) continue;
		problems.push({
			field: 'subnets',
			message: `NFS client ${showValue(client.name)} (${client.address}) is outside every subnet (${valid.join(', ')}); add one that contains it, e.g. ${proposeSubnets([client.address]).join('')}`,
		});
	}
	return problems;
}

function recordProblems(pack: PackFields): Problem[] {
	const problems: Problem[] = [];
	const record = pack.record;
	if (!record) return problems;
	for (const key of ['aegirUid', 'aegirGid'] as const) {
		const id = record[key];
		if (id !== undefined && !(Number.isInteger(id) && id >= 0 && id < 2 ** 32 - 1)) {
			problems.push({field: `record.${key}`, message: `must be a whole number from 0 to 4294967294 (got ${showValue(String(id))})`});
		}
	}
	if (record.lastAppliedAt !== undefined && Number.isNaN(Date.parse(record.lastAppliedAt))) {
		problems.push({field: 'record.lastAppliedAt', message: `${showValue(record.lastAppliedAt)} is not a date and time`});
	}
	return problems;
}

/** Every problem with a pack, all at once, in the order of the fields. */
export function validatePack(pack: PackFields): Problem[] {
	return [
		...validatePackName(pack.name),
		...placedHosts(pack).flatMap(({host, field}) => validateHost(host, field)),
		...roleProblems(pack),
		...sameMachineProblems(pack),
		...aegirNameProblems(pack),
		...validateExportPath(pack.exportPath),
		...validateOptions(pack.exportOptions, 'exportOptions'),
		...validateOptions(pack.mountOptions, 'mountOptions'),
		...subnetProblems(pack),
		...recordProblems(pack),
	];
}
