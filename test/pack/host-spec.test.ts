import {describe, expect, test} from 'vitest';
import {parseHostSpec} from '../../source/pack/validate.js';

describe('parseHostSpec reads --host name=user@address:port', () => {
	test.each([
		['web1=root@192.0.2.10:22', {name: 'web1', address: '192.0.2.10', port: 22, user: 'root'}],
		['web1=192.0.2.10', {name: 'web1', address: '192.0.2.10', port: 22, user: 'root'}],
		['web2=deploy@web2.example.com', {name: 'web2', address: 'web2.example.com', port: 22, user: 'deploy'}],
		['web2=web2.example.com:2222', {name: 'web2', address: 'web2.example.com', port: 2222, user: 'root'}],
		['web3=admin@[2001:db8::3]:2222', {name: 'web3', address: '2001:db8::3', port: 2222, user: 'admin'}],
		['web3=[2001:db8::3]', {name: 'web3', address: '2001:db8::3', port: 22, user: 'root'}],
		['web3=2001:db8::3', {name: 'web3', address: '2001:db8::3', port: 22, user: 'root'}],
		['lab=root@127.0.0.1:2201', {name: 'lab', address: '127.0.0.1', port: 2201, user: 'root'}],
	])('%s', (spec, host) => {
		expect(parseHostSpec(spec)).toEqual({host});
	});

	test.each([
		['web1', 'host', 'expected name=user@address:port'],
		['', 'host', 'expected name=user@address:port'],
		['=root@192.0.2.10', 'host.name', 'is empty'],
		['web1=', 'host.address', 'is empty'],
		['web1=root@', 'host.address', 'is empty'],
		['web1=@192.0.2.10', 'host.user', 'is empty'],
		['web1=root@192.0.2.10:', 'host.port', 'is not a port number'],
		['web1=root@192.0.2.10:ssh', 'host.port', 'ssh is not a port number'],
		['web1=root@192.0.2.10:0', 'host.port', 'got 0'],
		['web1=root@192.0.2.10:65536', 'host.port', 'got 65536'],
		['web1=root@10.1:22', 'host.address', 'not a full IPv4 address'],
		['web1=root@[2001:db8::1:22', 'host.address', "'[' without ']'"],
		['web1=root@[2001:db8::1]22', 'host.address', 'should be :port'],
		['web1=root@[web1.example.com]:22', 'host.address', 'brackets are for IPv6 addresses only'],
		['web1=root@[2001:db8:::1]:22', 'host.address', 'is not a valid IPv6 address'],
		['web;1=root@192.0.2.10', 'host.name', "';'"],
		['web1=ro$ot@192.0.2.10', 'host.user', "'$'"],
		['web1=a@b@192.0.2.10', 'host.user', "'@'"],
		['web1=root@192.0.2.10;reboot', 'host.address', "';'"],
	])('%j is refused on %s', (spec, field, fragment) => {
		const result = parseHostSpec(spec);
		expect(result).toEqual({problems: expect.arrayContaining([{field, message: expect.stringContaining(fragment)}])});
	});

	test('all problems at once', () => {
		const result = parseHostSpec('Web1=-x@10.1:0');
		expect('problems' in result && result.problems.map(problem => problem.field)).toEqual(['host.name', 'host.address', 'host.port', 'host.user']);
	});
});
