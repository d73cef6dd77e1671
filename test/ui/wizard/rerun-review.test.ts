import {describe, expect, test} from 'vitest';
import {addSlaveReview, removeSlaveReview, rerunReviewText} from '../../../source/ui/wizard/rerun-review.js';
import {far, host, savedPack, storage, web1, web2, web3} from './fixtures.js';
import {trustedPackForTests} from '../../pack/trusted-pack.js';

const DROP_IN = '/etc/exports.d/aegir-pack-pack.example.com.exports';

describe('add-slave review', () => {
	test('a slave inside the subnets: says what it gets and that the others are untouched, no diff', () => {
		const review = addSlaveReview(savedPack, [web3]);
		expect(review.title).toBe('Add web3 to pack pack.example.com');
		expect(review.problems).toEqual([]);
		expect(review.lines).toContain('web3: new slave: nfs-common, rsync, mount, fstab entry, config sync');
		expect(review.lines).toContain('web1, web2: untouched (not connected to)');
		expect(review.lines).toContain(`${DROP_IN} on web1: /var/aegir/platforms to 192.0.2.0/24`);
		expect(review.widened).toEqual([]);
		expect(review.diff).toBeUndefined();
	});

	test('a slave outside the subnets: the widening is named and shown as the drop-in diff the planner writes', () => {
		const review = addSlaveReview(savedPack, [far]);
		expect(review.widened).toEqual(['198.51.100.7/32']);
		expect(review.lines).toContain('web2: untouched (not connected to)');
		expect(review.lines.some(line => line.startsWith('the export on web1 is widened to 198.51.100.7/32'))).toBe(true);
		expect(review.diff).toContain(`--- ${DROP_IN}\n+++ ${DROP_IN} (aegir-pack)\n`);
		expect(review.diff).toContain('\n /var/aegir/platforms 192.0.2.0/24(rw,sync,no_subtree_check)\n');
		expect(review.diff).toContain('\n+/var/aegir/platforms 198.51.100.7/32(rw,sync,no_subtree_check)\n');
		expect(review.diff?.split('\n').filter(line => line.startsWith('-') && !line.startsWith('---'))).toEqual([]);
	});

	test('hosts already in the pack (or no host) are problems, never a throw', () => {
		expect(addSlaveReview(savedPack, [web2]).problems).toEqual(['web2 is already in pack pack.example.com']);
		expect(addSlaveReview(savedPack, [web1]).problems).toEqual(['web1 is already in pack pack.example.com']);
		expect(addSlaveReview(savedPack, []).problems).toEqual(['no host to add']);
		const twin = host('twin', web2.address);
		expect(addSlaveReview(savedPack, [twin]).problems[0]).toContain('has the address of web2');
		expect(addSlaveReview(savedPack, [web2]).lines).toEqual([]);
	});

	test('more than two hosts are counted in the title, named in the lines', () => {
		const review = addSlaveReview(savedPack, [web3, storage, far]);
		expect(review.title).toBe('Add 3 slaves to pack pack.example.com');
		expect(review.lines.slice(0, 3).map(line => line.split(':')[0])).toEqual(['web3', 'storage', 'far']);
	});

	test('a machine that runs the tool gets no config sync; plan options reach the lines', () => {
		const review = addSlaveReview(savedPack, [web3], {thisMachine: {names: [], addresses: [web3.address]}, exportsDir: '/tmp/exports.d'});
		expect(review.lines).toContain('web3: new slave: nfs-common, mount, fstab entry');
		expect(review.lines.at(-1)).toBe('/tmp/exports.d/aegir-pack-pack.example.com.exports on web1: /var/aegir/platforms to 192.0.2.0/24');
	});
});

describe('remove-slave review', () => {
	test('a slave inside a shared subnet: unmount and fstab only, the export stays', () => {
		const review = removeSlaveReview(savedPack, 'web2');
		expect(review.title).toBe('Remove web2 from pack pack.example.com');
		expect(review.problems).toEqual([]);
		expect(review.lines[0]).toBe('web2: leaves the pack: unmount /var/aegir/platforms, remove its fstab entry');
		expect(review.lines).toContain('web1: untouched (not connected to)');
		expect(review.lines).toContain('the export on web1 stays as it is');
		expect(review.narrowed).toEqual([]);
		expect(review.diff).toBeUndefined();
	});

	test('a slave the export was widened for alone: the narrowing is named and diffed', () => {
		const widened = trustedPackForTests({...savedPack, slaves: [web2, far], subnets: ['192.0.2.0/24', '198.51.100.7/32']});
		const review = removeSlaveReview(widened, 'far');
		expect(review.narrowed).toEqual(['198.51.100.7/32']);
		expect(review.diff).toContain('\n-/var/aegir/platforms 198.51.100.7/32(rw,sync,no_subtree_check)\n');
		expect(review.lines.at(-1)).toBe(`${DROP_IN} on web1: /var/aegir/platforms to 192.0.2.0/24`);
	});

	test('the master, the NFS server and strangers cannot be removed: problems, never a throw', () => {
		expect(removeSlaveReview(savedPack, 'web1').problems[0]).toContain('web1 is the master of pack pack.example.com');
		expect(removeSlaveReview(savedPack, 'web3').problems).toEqual(['web3 is not a slave of pack pack.example.com']);
		const serverSlave = trustedPackForTests({...savedPack, slaves: [web2, storage], nfsServer: storage});
		expect(removeSlaveReview(serverSlave, 'storage').problems[0]).toContain('storage is the NFS server of pack pack.example.com');
	});
});

describe('the review as plain text', () => {
	test('title, lines and diff; problems as "Cannot run:" lines', () => {
		const text = rerunReviewText(addSlaveReview(savedPack, [far]));
		expect(text.startsWith('Add far to pack pack.example.com\n\nfar: new slave:')).toBe(true);
		expect(text).toContain('\n+/var/aegir/platforms 198.51.100.7/32(rw,sync,no_subtree_check)\n');
		expect(text.endsWith('\n')).toBe(true);
		expect(rerunReviewText(addSlaveReview(savedPack, [web2]))).toBe(
			'Add web2 to pack pack.example.com\n\nCannot run: web2 is already in pack pack.example.com\n',
		);
	});
});
