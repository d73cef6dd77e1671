// The lab's addresses and nftables rules: everything on 127.0.0.0/8, each
// host's traffic tagged by its cgroup and sent from its own address.
import {describe, expect, test} from 'vitest';
import {checkHostName, defaultNames, labConfig} from './lib/config.mjs';
import {hostMark, tableScript} from './lib/nft.mjs';

const cgroup = {mount: '/sys/fs/cgroup/unified', nftBase: 'unified'};
const hosts = [
	{name: 'master', index: 1, address: '127.0.1.1'},
	{name: 'web1', index: 2, address: '127.0.1.2'},
];

describe('lab addresses', () => {
	test('the prefix must stay inside 127.0.0.0/8', () => {
		expect(labConfig({prefix: '127.0.9'}).prefix).toBe('127.0.9');
		for (const prefix of ['10.0.0', '192.168.1', '127.0.300', '127.0']) {
			expect(() => labConfig({prefix})).toThrow(/127\.0\.0\.0\/8/);
		}
	});

	test('default host names are master, web1, web2…', () => {
		expect(defaultNames(3)).toEqual(['master', 'web1', 'web2']);
		expect(() => defaultNames(0)).toThrow();
	});

	test('host names are safe as hostnames, directories and ssh_config patterns', () => {
		expect(checkHostName('web-2')).toBe('web-2');
		for (const bad of ['', 'Web', '2web', 'a b', 'a/b', '*']) expect(() => checkHostName(bad)).toThrow();
	});
});

describe('nftables table', () => {
	const script = tableScript({id: 'aegir-lab', hosts, cgroup});

	test('tags each host by its cgroup and SNATs it to its own address', () => {
		expect(script).toContain(`socket cgroupv2 level 2 "unified/aegir-lab/web1" meta mark set ${hostMark(2)}`);
		expect(script).toContain(`meta mark ${hostMark(2)} ip daddr 127.0.0.0/8 snat to 127.0.1.2`);
	});

	test('rejects lab traffic to anything outside 127.0.0.0/8', () => {
		expect(script).toMatch(/meta mark & 0xffff0000 == 0x4c410000 ip daddr != 127\.0\.0\.0\/8 reject/);
	});

	test('replaces only its own table, atomically', () => {
		expect(script.startsWith('table ip aegir_lab\ndelete table ip aegir_lab\n')).toBe(true);
		const addresses = script.match(/\b\d+\.\d+\.\d+\.\d+\b/g) ?? [];
		expect(addresses.every(address => address.startsWith('127.'))).toBe(true);
	});

	test('without cgroup v2 there are no tags, the rest still holds', () => {
		const plain = tableScript({id: 'aegir-lab', hosts});
		expect(plain).not.toContain('cgroupv2');
		expect(plain).toContain('set drop_addrs');
	});
});
