// IP literals and the subnets allowed to mount the export. ipaddr.js accepts
// historic forms ('10.1', '0x0a.0.0.1', '010.0.0.1'); /etc/exports and the
// sysadmin reading it do not, so IPv4 must be four plain decimal numbers.

import ipaddr from 'ipaddr.js';
import type {Problem} from './types.js';
import {subnetWidth} from './export-policy.js';
import {showValue} from './text.js';

type Ip = ipaddr.IPv4 | ipaddr.IPv6;

const isIpv4Like = (text: string) => /^[0-9.]+$/.test(text);

/** What is wrong with a digits-and-dots string as an IPv4 address, or undefined when it is one. */
function ipv4Problem(text: string): string | undefined {
	const parts = text.split('.');
	if (parts.length !== 4 || parts.some(part => part === '')) {
		return `${showValue(text)} is not a full IPv4 address; write four numbers like 192.0.2.10`;
	}
	const big = parts.find(part => Number(part) > 255);
	if (big !== undefined) return `${showValue(text)} is not an IPv4 address: ${showValue(big)} is above 255`;
	const padded = parts.find(part => part.length > 1 && part.startsWith('0'));
	if (padded !== undefined) {
		return `${showValue(text)} has a leading zero in ${padded}; write ${parts.map(part => String(Number(part))).join('.')}`;
	}
	return undefined;
}

/** Parse one IPv4 (four parts) or IPv6 address, or say plainly why it is not one. */
export function parseIpLiteral(text: string): {address: Ip} | {problem: string} {
	if (text.includes(':')) {
		if (text.startsWith('[') || text.endsWith(']')) {
			return {problem: `${showValue(text)}: write IPv6 addresses without brackets, like 2001:db8::10`};
		}
		if (text.includes('%')) {
			return {problem: `${showValue(text)}: zone ids (%eth0) are not supported; use a global or unique-local IPv6 address`};
		}
		if (!ipaddr.IPv6.isValid(text)) return {problem: `${showValue(text)} is not a valid IPv6 address`};
		return {address: ipaddr.IPv6.parse(text)};
	}
	if (isIpv4Like(text)) {
		const problem = ipv4Problem(text);
		if (problem) return {problem};
		return {address: ipaddr.IPv4.parse(text)};
	}
	return {problem: `${showValue(text)} is not an IP address`};
}

/** True for a strict IPv4 (four decimal parts) or IPv6 literal; false for DNS names and junk. */
export function isIpLiteral(address: string): boolean {
	return 'address' in parseIpLiteral(address);
}

function bitsOf(address: Ip): number {
	return address.kind() === 'ipv4' ? 32 : 128;
}

/** The address with every bit after `prefix` cleared. */
function networkOf(address: Ip, prefix: number): Ip {
	const bytes = address.toByteArray().map((byte, index) => {
		const keep = Math.min(8, Math.max(0, prefix - index * 8));
		return byte & (0xff << (8 - keep)) & 0xff;
	});
	return ipaddr.fromByteArray(bytes);
}

/** Canonical text: dotted quad, or RFC 5952 compressed lower-case IPv6. */
export function formatIp(address: Ip): string {
	return address.kind() === 'ipv4' ? address.toString() : (address as ipaddr.IPv6).toRFC5952String();
}

/**
 * Parse a network (`192.0.2.0/24`, `2001:db8::/64`) or a single address
 * (`192.0.2.7` becomes `192.0.2.7/32`). Host bits set are rejected with the
 * network the user probably meant: silently widening or narrowing an export
 * is worse than asking.
 */
export function parseSubnet(text: string): {cidr: string} | {problem: string} {
	const value = text.trim();
	if (value === '') return {problem: 'is empty; enter a network like 192.0.2.0/24 or an address like 192.0.2.7'};
	const slash = value.indexOf('/');
	const parsed = parseIpLiteral(slash === -1 ? value : value.slice(0, slash));
	if ('problem' in parsed) return parsed;
	const {address} = parsed;
	const bits = bitsOf(address);
	const family = address.kind() === 'ipv4' ? 'IPv4' : 'IPv6';

	let prefix = bits;
	if (slash !== -1) {
		const prefixText = value.slice(slash + 1);
		if (!/^[0-9]{1,3}$/.test(prefixText)) {
			return {problem: `${showValue(value)}: the prefix after '/' must be a number from 1 to ${bits}`};
		}
		prefix = Number(prefixText);
		if (prefix > bits) return {problem: `${showValue(value)}: /${prefix} is too long for ${family} (at most /${bits})`};
		if (prefix === 0) {
			return {problem: `${showValue(value)} would let any machine mount the share; enter your cluster's network instead`};
		}
	}
	const network = networkOf(address, prefix);
	if (formatIp(network) !== formatIp(address)) {
		return {problem: `${showValue(value)} has host bits set; did you mean ${formatIp(network)}/${prefix}?`};
	}
	return {cidr: `${formatIp(address)}/${prefix}`};
}

/**
 * Whether an address lies inside one of the subnets (same family only).
 * undefined for a DNS name: it is resolved and checked at apply time.
 */
export function addressInSubnets(address: string, subnets: string[]): boolean | undefined {
	const parsed = parseIpLiteral(address);
	if (!('address' in parsed)) return undefined;
	const ip = parsed.address;
	return subnets.some(subnet => {
		const network = parseSubnet(subnet);
		if (!('cidr' in network)) return false;
		const [base, prefix] = ipaddr.parseCIDR(network.cidr);
		return base.kind() === ip.kind() && ip.match(base, prefix);
	});
}

function commonPrefixLength(addresses: Ip[]): number {
	const arrays = addresses.map(address => address.toByteArray());
	const first = arrays[0] ?? [];
	let length = 0;
	for (let bit = 0; bit < first.length * 8; bit++) {
		const byte = bit >> 3;
		const mask = 0x80 >> (bit & 7);
		const expected = (first[byte] ?? 0) & mask;
		if (arrays.some(bytes => ((bytes[byte] ?? 0) & mask) !== expected)) break;
		length++;
	}
	return length;
}

/** The distinct IP literals among the addresses, parsed, in order of appearance (DNS names and junk left out). */
function distinctIps(addresses: readonly string[]): Ip[] {
	const seen = new Map<string, Ip>();
	for (const address of addresses) {
		const parsed = parseIpLiteral(address);
		if ('address' in parsed) seen.set(formatIp(parsed.address), parsed.address);
	}
	return [...seen.values()];
}

/**
 * The subnets to propose for these NFS client addresses: one /32 (/128) per
 * client, so the export covers the clients and nothing else. DNS names are
 * ignored (they are checked at apply time). No IP clients: [].
 */
export function proposeSubnets(addresses: readonly string[]): string[] {
	return distinctIps(addresses).map(ip => `${formatIp(ip)}/${bitsOf(ip)}`);
}

/**
 * The smallest network holding every client, offered as an alternative to
 * proposeSubnets() only when there are at least two clients, all IP literals
 * of one family, and the network is private (or unique-local) and no wider
 * than /24 (/64). Never applied without the user picking it.
 */
export function sharedPrivateNetwork(addresses: readonly string[]): string | undefined {
	// A DNS name could be anywhere: no network is offered until every client is an address.
	if (addresses.some(address => !isIpLiteral(address))) return undefined;
	const ips = distinctIps(addresses);
	if (ips.length < 2) return undefined;
	const first = ips[0];
	if (!first || ips.some(ip => ip.kind() !== first.kind())) return undefined;
	const prefix = commonPrefixLength(ips);
	const cidr = `${formatIp(networkOf(first, prefix))}/${prefix}`;
	const width = subnetWidth(cidr);
	return width.private && !width.wide ? cidr : undefined;
}

/**
 * A comma- or space-separated list of subnets as typed by the user, normalised
 * and de-duplicated, with every problem at once. Empty text is an empty list
 * (whether one is needed is validatePack's call).
 */
export function parseSubnetList(text: string): {subnets: string[]; problems: Problem[]} {
	const subnets: string[] = [];
	const problems: Problem[] = [];
	for (const item of text.split(/[\s,]+/).filter(item => item !== '')) {
		const parsed = parseSubnet(item);
		if ('problem' in parsed) problems.push({field: 'subnets', message: parsed.problem});
		else if (!subnets.includes(parsed.cidr)) subnets.push(parsed.cidr);
	}
	return {subnets, problems};
}
