import {describe, expect, test} from 'vitest';
import {aegirFirst, aegirHostName, aegirPickerHosts, sameAddressKey} from '../../../source/ui/wizard/aegir-hosts.js';
import {aegirCluster, aegirDb, aegirMaster, aegirOldPack, aegirServer, aegirWeb5, aegirWeb6} from './aegir-fixtures.js';
import {HOSTS, host, storage, web1, web2, web3} from './fixtures.js';

describe("Aegir's web servers as picker hosts", () => {
	test('web servers come first, in Aegir order, then the known hosts; packs, clusters and db-only servers are left out', () => {
		const result = aegirPickerHosts(HOSTS, [aegirMaster, aegirWeb5, aegirDb, aegirCluster, aegirOldPack]);
		expect(result.hosts.map(h => h.name)).toEqual(['master', 'web5.example.com', 'web1', 'web2', 'web3', 'storage']);
		expect(result.aegir).toEqual(['master', 'web5.example.com']);
		expect(result.problems).toEqual([]);
	});

	test('a server no known host stands for becomes a new host: its remote_host as address, root on port 22', () => {
		const result = aegirPickerHosts(HOSTS, [aegirWeb5]);
		const made = {name: 'web5.example.com', address: 'web5.example.com', port: 22, user: 'root'};
		expect(result.hosts[0]).toEqual(made);
		expect(result.created).toEqual([made]);
	});

	test('a known host with the same name is used instead, with its own address, user and port, and still marked', () => {
		const saved = host('web5.example.com', '198.51.100.5', {user: 'admin', port: 2222});
		const result = aegirPickerHosts([web1, saved], [aegirWeb5]);
		expect(result.hosts).toEqual([saved, web1]);
		expect(result.aegir).toEqual(['web5.example.com']);
		expect(result.created).toEqual([]);
	});

	test('a known host with the same address (any case, trailing dot) is used under its own name, and marked', () => {
		const known = host('w5', 'WEB5.example.com.', {port: 2200});
		const result = aegirPickerHosts([web1, known], [aegirWeb5]);
		expect(result.hosts).toEqual([known, web1]);
		expect(result.aegir).toEqual(['w5']);
		expect(result.created).toEqual([]);
	});

	test('IPv6 addresses match however they are written', () => {
		const known = host('v6', '2001:db8:0:0::10');
		const result = aegirPickerHosts([known], [aegirServer('2001:DB8::10')]);
		expect(result.hosts).toEqual([known]);
		expect(result.aegir).toEqual(['v6']);
		expect(sameAddressKey('2001:DB8:0::10')).toBe('2001:db8::10');
	});

	test('a name match wins over an address match', () => {
		const byAddress = host('other', 'web5.example.com');
		const byName = host('web5.example.com', '198.51.100.5');
		const result = aegirPickerHosts([byAddress, byName], [aegirWeb5]);
		expect(result.aegir).toEqual(['web5.example.com']);
		expect(result.hosts[0]).toBe(byName);
	});

	test('a server named by its IP address gets a host name made from its context (an IP is not a host name)', () => {
		expect(aegirHostName(aegirWeb6)).toBe('aegir-1920216');
		const result = aegirPickerHosts([], [aegirWeb6]);
		expect(result.hosts).toEqual([{name: 'aegir-1920216', address: '192.0.2.16', port: 22, user: 'root'}]);
	});

	test('a remote_host that is no usable address is left out and reported with its file', () => {
		const bad = aegirServer('web 7', {context: 'server_web7'});
		const result = aegirPickerHosts([web1], [bad]);
		expect(result.hosts).toEqual([web1]);
		expect(result.problems).toEqual(['/var/aegir/.drush/server_web7.alias.drushrc.php: remote_host "web 7" cannot be used as a host here']);
	});

	test('two servers one known host stands for: offered once', () => {
		const twin = aegirServer('web5.example.com', {context: 'server_web5'});
		const result = aegirPickerHosts([host('w5', 'web5.example.com')], [aegirWeb5, twin]);
		expect(result.hosts.map(h => h.name)).toEqual(['w5']);
		expect(result.aegir).toEqual(['w5']);
	});

	test('no servers: the known hosts unchanged', () => {
		expect(aegirPickerHosts(HOSTS, [])).toEqual({hosts: HOSTS, aegir: [], created: [], problems: []});
	});

	test('aegirFirst puts marked hosts first and keeps each group in order', () => {
		expect(aegirFirst([web1, web2, storage, web3], ['web3', 'web2']).map(h => h.name)).toEqual(['web2', 'web3', 'web1', 'storage']);
	});
});
