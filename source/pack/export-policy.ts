// Who may mount the share and how: the export must be no wider than the pack.
// Pure rules used by validation (forbidden options and paths, which make a pack
// invalid) and by the wizard and flags (wide subnets, which need consent).

import ipaddr from 'ipaddr.js';

export type SubnetWidth = {
	cidr: string;
	prefix: number;
	family: 'ipv4' | 'ipv6';
	/** How many addresses the subnet covers. */
	addresses: bigint;
	/** Entirely inside a private, loopback or unique-local range. */
	private: boolean;
	/** Needs consent: wider than NARROWEST_WIDE, or not private and more than one address. */
	wide: boolean;
};

/** Private, loopback and unique-local ranges, each as a whole (10.0.0.0/7 is not inside 10/8). */
const PRIVATE_RANGES: ReadonlyArray<[string, number]> = [
	['10.0.0.0', 8],
	['172.16.0.0', 12],
	['192.168.0.0', 16],
	['127.0.0.0', 8],
	['fc00::', 7],
	['::1', 128],
];

/** The widest subnet exported without asking: a /24 (IPv4), a /64 (IPv6). */
export const NARROWEST_WIDE = {ipv4: 24, ipv6: 64} as const;

/** Width of a normalised CIDR (`10.0.0.0/16`); throws on text that is not one (parse it first). */
export function subnetWidth(cidr: string): SubnetWidth {
	const [base, prefix] = ipaddr.parseCIDR(cidr);
	const family = base.kind();
	const bits = family === 'ipv4' ? 32 : 128;
	const addresses = 2n ** BigInt(bits - prefix);
	const isPrivate = PRIVATE_RANGES.some(([range, length]) => {
		const start = ipaddr.parse(range);
		return start.kind() === family && prefix >= length && base.match(start, length);
	});
	const wide = prefix < NARROWEST_WIDE[family] || (!isPrivate && addresses > 1n);
	return {cidr, prefix, family, addresses, private: isPrivate, wide};
}

/** The subnets that need consent, in order; text that is not a CIDR is left to validation. */
export function wideSubnets(subnets: readonly string[]): SubnetWidth[] {
	return subnets.flatMap(cidr => {
		if (!ipaddr.isValidCIDR(cidr)) return [];
		const width = subnetWidth(cidr);
		return width.wide ? [width] : [];
	});
}

/** "65,536 addresses", "1 address". */
export function addressCount(width: SubnetWidth): string {
	return `${width.addresses.toLocaleString('en-US')} ${width.addresses === 1n ? 'address' : 'addresses'}`;
}

/** "10.0.0.0/16: 65,536 addresses". */
export function describeWidth(width: SubnetWidth): string {
	return `${width.cidr}: ${addressCount(width)}`;
}

/** Why a subnet needs consent: "wider than /24" or "not a private network". */
export function wideSubnetReason(width: SubnetWidth): string {
	return width.prefix < NARROWEST_WIDE[width.family] ? `wider than /${NARROWEST_WIDE[width.family]}` : 'not a private network';
}

/** The question (or refusal) about one wide subnet, said the same way on the screen and without one. */
export function wideExportSentence(width: SubnetWidth, exportPath: string): string {
	return `${width.cidr} lets ${addressCount(width)} mount ${exportPath} read-write (${wideSubnetReason(width)}): the code every web head runs`;
}

/** Export options never written, from any source, with the reason a sysadmin needs. */
const FORBIDDEN_EXPORT_OPTIONS: ReadonlyArray<{matches: (name: string, value: string | undefined) => boolean; reason: string}> = [
	{matches: name => name === 'no_root_squash', reason: 'any root in the subnets would be root on the share'},
	{matches: name => name === 'insecure', reason: 'requests from unprivileged ports would be accepted (any user on a client could forge them)'},
	{matches: name => name === 'all_squash', reason: 'every user would be mapped to one anonymous id, and the web heads need the aegir user'},
	{
		matches: (name, value) => (name === 'anonuid' || name === 'anongid') && value !== undefined && /^[0-9]+$/.test(value) && Number(value) === 0,
		reason: 'squashed users would become root',
	},
	{matches: name => name === 'crossmnt' || name === 'nohide', reason: 'file systems mounted below the export would be shared too'},
];

/** Problems with export options that would widen who controls the share (one per refused option). */
export function forbiddenExportOptionProblems(options: string): string[] {
	const problems: string[] = [];
	for (const item of options.split(',')) {
		const [name = '', value] = item.split('=', 2);
		const rule = FORBIDDEN_EXPORT_OPTIONS.find(candidate => candidate.matches(name, value));
		if (rule) problems.push(`${item} is refused: ${rule.reason}`);
	}
	return problems;
}

/** Trees the share is never mounted over: the system's own, where root reads or runs files. */
const SYSTEM_TREES = ['/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib32', '/lib64', '/libx32', '/proc', '/root', '/run', '/sbin', '/sys', '/tmp', '/usr'];
/** Directories that are only containers: a directory inside them may be shared, not they themselves. */
const CONTAINERS = ['/srv', '/opt', '/var/aegir', '/var/www'];
const ALLOWED_UNDER_VAR = ['/var/aegir/', '/var/www/'];

const within = (path: string, tree: string) => path === tree || path.startsWith(`${tree}/`);

const WHY = 'mounting the share over it on every web head would let the NFS server decide what runs there: share a directory like /var/aegir/platforms';

/** Why an (absolute, plainly written) path must not be shared, or undefined. */
export function systemPathProblem(path: string): string | undefined {
	if (path === '/') return undefined; // said by the caller: "is the root directory"
	if (SYSTEM_TREES.some(tree => within(path, tree))) return `${path} is inside a system directory; ${WHY}`;
	if (path === '/var') return `${path} is a system directory; ${WHY}`;
	if (CONTAINERS.includes(path)) return `${path} itself cannot be shared; share a directory inside it, like ${path}/platforms`;
	if (within(path, '/var') && !ALLOWED_UNDER_VAR.some(prefix => path.startsWith(prefix))) {
		return `${path} is inside /var, outside /var/aegir and /var/www; ${WHY}`;
	}
	return undefined;
}
