import {describe, expect, test} from 'vitest';
import {addressInSubnets, isIpLiteral, parseSubnet, parseSubnetList, proposeSubnets, sharedPrivateNetwork} from '../../source/pack/subnets.js';

describe('isIpLiteral', () => {
	test.each(['192.0.2.7', '0.0.0.0', '2001:db8::1', '::1', '::', '2001:0db8:0000:0000:0000:0000:0000:0001', '::ffff:192.0.2.1'])(
		'%s is an IP literal',
		address => {
			expect(isIpLiteral(address)).toBe(true);
		},
	);

	test.each(['10.1', '10.0.1', '167772161', '0x0a.0.0.1', '010.0.0.1', '300.1.1.1', '1.2.3.4.5', '[::1]', 'fe80::1%eth0', 'db.example.com', '', ' 192.0.2.7'])(
		'%j is not (historic IPv4 forms included)',
		address => {
			expect(isIpLiteral(address)).toBe(false);
		},
	);
});

describe('parseSubnet', () => {
	test.each([
		['192.0.2.0/24', '192.0.2.0/24'],
		[' 192.0.2.0/24 ', '192.0.2.0/24'],
		['192.0.2.7', '192.0.2.7/32'],
		['192.0.2.7/32', '192.0.2.7/32'],
		['10.0.0.0/8', '10.0.0.0/8'],
		['2001:db8::/64', '2001:db8::/64'],
		['2001:DB8:0:0::/64', '2001:db8::/64'],
		['::1', '::1/128'],
		['2001:db8::7', '2001:db8::7/128'],
	])('%j gives %s', (text, cidr) => {
		expect(parseSubnet(text)).toEqual({cidr});
	});

	test.each([
		['192.0.2.5/24', '192.0.2.5/24 has host bits set; did you mean 192.0.2.0/24?'],
		['10.0.0.0/33', '10.0.0.0/33: /33 is too long for IPv4 (at most /32)'],
		['300.1.1.1/24', '300.1.1.1 is not an IPv4 address: 300 is above 255'],
		['10.1/16', '10.1 is not a full IPv4 address; write four numbers like 192.0.2.10'],
		['0.0.0.0/0', "0.0.0.0/0 would let any machine mount the share; enter your cluster's network instead"],
		['::/0', "::/0 would let any machine mount the share; enter your cluster's network instead"],
		['192.0.2.0/', "192.0.2.0/: the prefix after '/' must be a number from 1 to 32"],
		['192.0.2.0/-1', "192.0.2.0/-1: the prefix after '/' must be a number from 1 to 32"],
		['web.example.com/24', 'web.example.com is not an IP address'],
		['', 'is empty; enter a network like 192.0.2.0/24 or an address like 192.0.2.7'],
	])('%j is refused: %s', (text, problem) => {
		expect(parseSubnet(text)).toEqual({problem});
	});
});

describe('addressInSubnets', () => {
	const subnets = ['192.0.2.0/24', '2001:db8::/64'];

	test('inside and outside an IPv4 network', () => {
		expect(addressInSubnets('192.0.2.200', subnets)).toBe(true);
		expect(addressInSubnets('198.51.100.1', subnets)).toBe(false);
	});

	test('inside and outside an IPv6 network', () => {
		expect(addressInSubnets('2001:db8::99', subnets)).toBe(true);
		expect(addressInSubnets('2001:db8:1::99', subnets)).toBe(false);
	});

	test('/32 and /128 match exactly one address', () => {
		expect(addressInSubnets('192.0.2.7', ['192.0.2.7/32'])).toBe(true);
		expect(addressInSubnets('192.0.2.8', ['192.0.2.7/32'])).toBe(false);
		expect(addressInSubnets('2001:db8::7', ['2001:db8::7/128'])).toBe(true);
	});

	test('families never match each other', () => {
		expect(addressInSubnets('192.0.2.1', ['2001:db8::/32'])).toBe(false);
		expect(addressInSubnets('2001:db8::1', ['192.0.2.0/24'])).toBe(false);
	});

	test('DNS names are undecided (checked at apply time)', () => {
		expect(addressInSubnets('web2.example.com', subnets)).toBeUndefined();
	});

	test('invalid subnets in the list match nothing', () => {
		expect(addressInSubnets('192.0.2.1', ['192.0.2.1/24', 'junk'])).toBe(false);
		expect(addressInSubnets('192.0.2.1', [])).toBe(false);
	});
});

describe('proposeSubnets', () => {
	test('one /32 per client: the export covers the NFS clients and nothing else', () => {
		expect(proposeSubnets(['192.0.2.10', '192.0.2.20', '192.0.2.30'])).toEqual(['192.0.2.10/32', '192.0.2.20/32', '192.0.2.30/32']);
		expect(proposeSubnets(['10.20.0.1', '10.20.255.1'])).toEqual(['10.20.0.1/32', '10.20.255.1/32']);
		expect(proposeSubnets(['10.0.0.5', '10.1.0.5'])).toEqual(['10.0.0.5/32', '10.1.0.5/32']);
	});

	test('one client: its /32', () => {
		expect(proposeSubnets(['192.0.2.12'])).toEqual(['192.0.2.12/32']);
	});

	test('IPv6: one /128 per client', () => {
		expect(proposeSubnets(['2001:db8::10', '2001:db8::20'])).toEqual(['2001:db8::10/128', '2001:db8::20/128']);
		expect(proposeSubnets(['2001:db8::7'])).toEqual(['2001:db8::7/128']);
	});

	test('both families: each client once, in order of appearance', () => {
		expect(proposeSubnets(['2001:db8::10', '192.0.2.10', '2001:db8::11', '192.0.2.11'])).toEqual([
			'2001:db8::10/128',
			'192.0.2.10/32',
			'2001:db8::11/128',
			'192.0.2.11/32',
		]);
	});

	test('DNS names and junk are ignored; nothing left gives []', () => {
		expect(proposeSubnets(['web2.example.com', '192.0.2.12', '10.1', '192.0.2.13'])).toEqual(['192.0.2.12/32', '192.0.2.13/32']);
		expect(proposeSubnets(['web2.example.com'])).toEqual([]);
		expect(proposeSubnets([])).toEqual([]);
	});

	test('the same client twice counts once', () => {
		expect(proposeSubnets(['192.0.2.12', '192.0.2.12'])).toEqual(['192.0.2.12/32']);
		expect(proposeSubnets(['2001:db8::1', '2001:DB8:0::1'])).toEqual(['2001:db8::1/128']);
	});

	test('every proposal parses back to itself and holds its clients', () => {
		const clients = ['10.0.0.5', '10.0.15.5', '2001:db8::10', '2001:db8::20'];
		const proposal = proposeSubnets(clients);
		for (const cidr of proposal) expect(parseSubnet(cidr)).toEqual({cidr});
		for (const client of clients) expect(addressInSubnets(client, proposal)).toBe(true);
	});
});

describe('sharedPrivateNetwork: offered, never applied', () => {
	test('the smallest private network holding every client', () => {
		expect(sharedPrivateNetwork(['10.0.5.11', '10.0.5.12'])).toBe('10.0.5.8/29');
		expect(sharedPrivateNetwork(['192.168.1.1', '192.168.1.254'])).toBe('192.168.1.0/24');
		expect(sharedPrivateNetwork(['127.0.1.2', '127.0.1.3'])).toBe('127.0.1.2/31');
		expect(sharedPrivateNetwork(['fd00::1', 'fd00::2'])).toBe('fd00::/126');
	});

	test('none when public, wider than /24 (/64), mixed families, fewer than two clients or a DNS name', () => {
		expect(sharedPrivateNetwork(['203.0.113.1', '203.0.113.200'])).toBeUndefined();
		expect(sharedPrivateNetwork(['10.20.0.1', '10.20.255.1'])).toBeUndefined();
		expect(sharedPrivateNetwork(['10.0.0.1', 'fd00::1'])).toBeUndefined();
		expect(sharedPrivateNetwork(['10.0.0.1'])).toBeUndefined();
		expect(sharedPrivateNetwork(['10.0.0.1', 'web2.example.com'])).toBeUndefined();
		expect(sharedPrivateNetwork(['fd00::1', 'fd00:0:0:1::1'])).toBeUndefined();
	});
});

describe('parseSubnetList', () => {
	test('commas and spaces separate; entries are normalised and de-duplicated', () => {
		expect(parseSubnetList('192.0.2.0/24, 198.51.100.7  2001:DB8::/64,192.0.2.0/24\n')).toEqual({
			subnets: ['192.0.2.0/24', '198.51.100.7/32', '2001:db8::/64'],
			problems: [],
		});
	});

	test('every bad entry is reported at once, the good ones kept', () => {
		const {subnets, problems} = parseSubnetList('192.0.2.5/24, 10.0.0.0/8, 10.1');
		expect(subnets).toEqual(['10.0.0.0/8']);
		expect(problems).toEqual([
			{field: 'subnets', message: '192.0.2.5/24 has host bits set; did you mean 192.0.2.0/24?'},
			{field: 'subnets', message: '10.1 is not a full IPv4 address; write four numbers like 192.0.2.10'},
		]);
	});

	test('empty text is an empty list', () => {
		expect(parseSubnetList('  ,  ')).toEqual({subnets: [], problems: []});
	});
});
