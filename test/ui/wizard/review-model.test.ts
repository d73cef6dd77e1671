import {describe, expect, test} from 'vitest';
import {exportsFile, exportsLines, fstabLines, reviewRows, reviewWarnings} from '../../../source/ui/wizard/review-model.js';
import {reviewText} from '../../../source/ui/wizard/review-text.js';
import {host, savedPack, storage, web1, web2, web3} from './fixtures.js';
import {trustedPackForTests} from '../../pack/trusted-pack.js';

describe('what the review shows', () => {
	test('one exports line per subnet and the fstab line pointing at the NFS server', () => {
		const pack = {...savedPack, subnets: ['192.0.2.0/24', '2001:db8::/64']};
		expect(exportsFile(pack)).toBe('/etc/exports.d/aegir-pack-pack.example.com.exports');
		expect(exportsLines(pack)).toEqual([
			'/var/aegir/platforms 192.0.2.0/24(rw,sync,no_subtree_check)',
			'/var/aegir/platforms 2001:db8::/64(rw,sync,no_subtree_check)',
		]);
		expect(fstabLines(pack)).toEqual([
			'# aegir-pack: pack.example.com',
			'192.0.2.11:/var/aegir/platforms /var/aegir/platforms nfs rw,hard,_netdev,nofail,nosuid,nodev 0 0',
		]);
	});

	test('an IPv6 NFS server goes in brackets in fstab; a DNS name does not', () => {
		const v6 = host('nas6', '2001:db8::50');
		expect(fstabLines({...savedPack, nfsServer: v6})[1]).toMatch(/^\[2001:db8::50\]:\/var\/aegir\/platforms /);
		expect(fstabLines({...savedPack, nfsServer: host('nas', 'nas.example.com')})[1]).toMatch(/^nas\.example\.com:\/var/);
	});

	test('rows name each host\'s role and what is done to it, a separate NFS server last', () => {
		const rows = reviewRows({...savedPack, slaves: [web2, web3], nfsServer: storage});
		expect(rows.map(row => [row.role, row.host])).toEqual([
			['master', 'web1'],
			['slave', 'web2'],
			['slave', 'web3'],
			['NFS server', 'storage'],
		]);
		expect(reviewRows(savedPack)[0]).toMatchObject({role: 'master + NFS', host: 'web1', address: '192.0.2.11'});
	});

	test("each row is what the host gets from the one per-role list, with the run's options", () => {
		const pack = {...savedPack, slaves: [web2, web3], nfsServer: storage};
		expect(reviewRows(pack).map(row => row.action)).toEqual([
			'nfs-common, rsync, mount, fstab entry, config sync, code sync',
			'nfs-common, rsync, mount, fstab entry, config sync',
			'nfs-common, rsync, mount, fstab entry, config sync',
			'nfs-kernel-server, exports the share, seeds it first when empty',
		]);
		// With Aegir here, its verify brings config and code; its prerequisites are checked on the web heads.
		expect(reviewRows(pack, {aegirMode: true, aegirPrerequisites: true}).map(row => row.action)).toEqual([
			'nfs-common, rsync, mount, fstab entry, Aegir prerequisites, Aegir verify',
			'nfs-common, rsync, mount, fstab entry, Aegir prerequisites, Aegir verify',
			'nfs-common, rsync, mount, fstab entry, Aegir prerequisites, Aegir verify',
			'nfs-kernel-server, exports the share, seeds it first when empty',
		]);
		// The machine running the tool gets nothing rsynced.
		expect(reviewRows(savedPack, {thisMachine: {names: [], addresses: ['192.0.2.11']}})[0]!.action).toBe('nfs-kernel-server, exports the share');
	});

	test('warnings say the NFS server is a single point of failure and UID/GID must match; zero slaves is warned', () => {
		const warnings = reviewWarnings({...savedPack, slaves: []});
		expect(warnings.join('\n')).toMatch(/web1 is a single point of failure/);
		expect(warnings.join('\n')).toMatch(/same UID\/GID on every host/);
		expect(warnings[0]).toMatch(/^No slaves/);
	});

	test('the plain review holds the table, both files and the warnings', () => {
		const text = reviewText(trustedPackForTests({...savedPack, slaves: [web2], master: web1}));
		expect(text.split('\n').slice(0, 5)).toEqual([
			'Pack pack.example.com (Aegir context server_packexamplecom)',
			'',
			'ROLE          HOST  ADDRESS     WHAT IS DONE',
			'master + NFS  web1  192.0.2.11  nfs-kernel-server, rsync, exports the share, config sync, code sync',
			'slave         web2  192.0.2.12  nfs-common, rsync, mount, fstab entry, config sync',
		]);
		expect(text).toContain('/etc/fstab on web2:');
		expect(text).toContain('Warning: web1 is a single point of failure');
	});
});
