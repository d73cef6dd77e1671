// The lab's nftables table: tags each host's traffic by cgroup and SNATs it to
// the host's own address (so sshd and NFS export checks see the real client),
// keeps hosts off every address outside 127.0.0.0/8, and holds the
// "unreachable" fault sets. Only this table is ever touched.
import {run} from './run.mjs';
import {hostCgroupNftPath} from './cgroup.mjs';

export const MARK_BASE = 0x4c410000; // "LA"; low 16 bits: host index

export function tableName(id) {
	return id.replace(/[^a-z0-9]/g, '_');
}

export const hostMark = index => `0x${(MARK_BASE + index).toString(16)}`;

/**
 * @param {{id: string, hosts: {name: string, address: string, index: number}[], cgroup?: {mount: string, nftBase: string}}} lab
 */
export function tableScript(lab) {
	const table = tableName(lab.id);
	const tag = [];
	const source = [];
	if (lab.cgroup) {
		for (const host of lab.hosts) {
			tag.push(`\t\tsocket cgroupv2 level 2 "${hostCgroupNftPath(lab.cgroup, lab.id, host.name)}" meta mark set ${hostMark(host.index)}`);
			source.push(`\t\tmeta mark ${hostMark(host.index)} ip daddr 127.0.0.0/8 snat to ${host.address}`);
		}
	}
	return `table ip ${table}
delete table ip ${table}
table ip ${table} {
	set drop_addrs { type ipv4_addr; }
	set reject_addrs { type ipv4_addr; }
	set drop_marks { type mark; }
	set reject_marks { type mark; }
	chain tag_hosts {
		type filter hook output priority mangle; policy accept;
${tag.join('\n')}
	}
	chain host_source {
		type nat hook postrouting priority srcnat; policy accept;
${source.join('\n')}
	}
	chain host_egress {
		type filter hook output priority filter; policy accept;
		meta mark & 0xffff0000 == ${`0x${MARK_BASE.toString(16)}`} ip daddr != 127.0.0.0/8 reject with icmp type admin-prohibited
		meta mark @drop_marks drop
		ip saddr @drop_addrs drop
		meta mark @reject_marks reject with icmp type host-unreachable
		# (not icmp: the rejects below answer from the host's address and must get out)
		ip saddr @reject_addrs ip protocol != icmp reject with icmp type host-unreachable
	}
	chain host_ingress {
		type filter hook input priority filter; policy accept;
		ip daddr @drop_addrs drop
		ip daddr @reject_addrs reject with icmp type host-unreachable
	}
}
`;
}

export async function createTable(lab) {
	await run('nft', ['-f', '-'], {input: tableScript(lab)});
}

export async function tableExists(id) {
	return (await run('nft', ['list', 'table', 'ip', tableName(id)], {allowFail: true})).code === 0;
}

export async function deleteTable(id) {
	if (await tableExists(id)) await run('nft', ['delete', 'table', 'ip', tableName(id)]);
}

/**
 * Cut a host off (`drop`: packets vanish, connections time out; `reject`:
 * "No route to host" at once), or put it back (`mode` undefined).
 */
export async function setUnreachable(id, host, mode, withMarks) {
	const table = tableName(id);
	const lines = [];
	for (const kind of ['drop', 'reject']) {
		const addr = `{ ${host.address} }`;
		const mark = `{ ${hostMark(host.index)} }`;
		// add-then-delete makes "remove if present" one atomic batch.
		lines.push(`add element ip ${table} ${kind}_addrs ${addr}`);
		if (withMarks) lines.push(`add element ip ${table} ${kind}_marks ${mark}`);
		if (kind !== mode) {
			lines.push(`delete element ip ${table} ${kind}_addrs ${addr}`);
			if (withMarks) lines.push(`delete element ip ${table} ${kind}_marks ${mark}`);
		}
	}
	await run('nft', ['-f', '-'], {input: `${lines.join('\n')}\n`});
}
