import {describe, expect, test} from 'vitest';
import {resolveHostNames} from '../../../source/cli/commands/rerun-hosts.js';
import {findSavedPack} from '../../../source/cli/commands/saved-pack.js';
import type {Host, Pack} from '../../../source/pack/types.js';
import {trustedPackForTests} from '../../pack/trusted-pack.js';

const host = (name: string, address: string): Host => ({name, address, port: 22, user: 'root'});
const web3 = host('web3', '127.0.1.3');
const pack: Pack = trustedPackForTests({
	name: 'pack.example.com',
	master: host('master', '127.0.1.1'),
	slaves: [host('web1', '127.0.1.2')],
	nfsServer: host('master', '127.0.1.1'),
	exportPath: '/var/aegir/platforms',
	subnets: ['127.0.1.0/30'],
	exportOptions: 'rw,sync,no_subtree_check',
	mountOptions: 'rw,hard,_netdev,nofail',
});

describe('resolveHostNames', () => {
	test('a saved host resolves and is not new', () => {
		expect(resolveHostNames(['web3'], [], [web3], [web3])).toEqual({hosts: [web3], newHosts: [], problems: []});
	});

	test('an ~/.ssh/config host resolves and is new (saved only when the run succeeds)', () => {
		expect(resolveHostNames(['web3'], [], [web3], [])).toEqual({hosts: [web3], newHosts: [web3], problems: []});
	});

	test('--host defines a host, and wins over a known one of the same name', () => {
		const result = resolveHostNames(['web3'], ['web3=admin@127.0.1.9:2222'], [web3], [web3]);
		expect(result.hosts).toEqual([{name: 'web3', address: '127.0.1.9', port: 2222, user: 'admin'}]);
		expect(result.newHosts).toEqual(result.hosts);
	});

	test('an unknown name and a bad --host are both reported, each saying how to fix it', () => {
		const result = resolveHostNames(['ghost'], ['bad spec'], [], []);
		expect(result.hosts).toEqual([]);
		expect(result.problems).toEqual([
			expect.stringMatching(/^--host bad spec: /),
			'no host named ghost: define it with --host ghost=user@address:port',
		]);
	});
});

describe('findSavedPack', () => {
	test('finds the pack by name', () => {
		expect(findSavedPack([pack], 'pack.example.com')).toEqual({pack});
	});

	test('an unknown name lists the saved packs', () => {
		expect(findSavedPack([pack], 'pack.exmaple.com')).toEqual({message: 'No saved pack named pack.exmaple.com (saved packs: pack.example.com).'});
	});

	test('no pack saved at all says how to make one', () => {
		expect(findSavedPack([], undefined)).toEqual({message: 'Name the pack (no pack is saved yet: create one with aegir-pack).'});
	});
});
