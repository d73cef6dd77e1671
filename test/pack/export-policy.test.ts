import {describe, expect, test} from 'vitest';
import {describeWidth, subnetWidth, wideSubnets, wideSubnetReason} from '../../source/pack/export-policy.js';

describe('subnetWidth: which subnets need consent', () => {
	test.each([
		['10.0.0.0/16', true, 65_536n],
		['10.0.5.0/24', false, 256n],
		['127.0.0.0/16', true, 65_536n],
		['127.0.1.0/24', false, 256n],
		['8.8.8.0/30', true, 4n],
		['8.8.8.8/32', false, 1n],
		['192.0.2.0/24', true, 256n],
		['fd00::/64', false, 2n ** 64n],
		['fd00::/48', true, 2n ** 80n],
		['2001:db8::/64', true, 2n ** 64n],
		['2001:db8::1/128', false, 1n],
		['10.0.0.0/7', true, 2n ** 25n],
		['::1/128', false, 1n],
	])('%s: wide %s, %s addresses', (cidr, wide, addresses) => {
		const width = subnetWidth(cidr);
		expect(width.wide).toBe(wide);
		expect(width.addresses).toBe(addresses);
	});

	test('10.0.0.0/7 is not private: it is wider than 10.0.0.0/8', () => {
		expect(subnetWidth('10.0.0.0/7').private).toBe(false);
		expect(subnetWidth('172.16.0.0/12').private).toBe(true);
		expect(subnetWidth('172.16.0.0/11').private).toBe(false);
	});

	test('the reason says wider than /24 (/64) or not private', () => {
		expect(wideSubnetReason(subnetWidth('10.0.0.0/16'))).toBe('wider than /24');
		expect(wideSubnetReason(subnetWidth('fd00::/48'))).toBe('wider than /64');
		expect(wideSubnetReason(subnetWidth('8.8.8.0/30'))).toBe('not a private network');
	});

	test('describeWidth counts the addresses with thousands separators', () => {
		expect(describeWidth(subnetWidth('10.0.0.0/16'))).toBe('10.0.0.0/16: 65,536 addresses');
		expect(describeWidth(subnetWidth('8.8.8.8/32'))).toBe('8.8.8.8/32: 1 address');
	});

	test('wideSubnets keeps the wide ones, in order, and ignores what does not parse', () => {
		expect(wideSubnets(['10.0.5.0/24', '10.0.0.0/16', 'junk', '8.8.8.0/30']).map(width => width.cidr)).toEqual(['10.0.0.0/16', '8.8.8.0/30']);
	});
});
