import {describe, expect, test} from 'vitest';
import {clusterSlaveEntry, clusterSlaveLine} from '../../source/aegir/cluster-slave.js';

const wanted = {servers: ['192.0.2.10', 'web0'], exportPath: '/var/aegir/platforms', mountPoint: '/var/aegir/platforms'};

describe("aegir3-cluster-slave's fstab line", () => {
	test('the line its postinst writes, naming the NFS server by address or name, is the one entry', () => {
		expect(clusterSlaveEntry([clusterSlaveLine('web0:/var/aegir/platforms', '/var/aegir/platforms')], wanted)).toBe('web0:/var/aegir/platforms /var/aegir/platforms nfs rw 0 0');
		expect(clusterSlaveEntry(['192.0.2.10:/var/aegir/platforms/  /var/aegir/platforms\tnfs rw 0 0'], wanted)).toBeDefined();
		expect(clusterSlaveEntry(['WEB0:/var/aegir/platforms /var/aegir/platforms nfs rw 0 0'], wanted)).toBeDefined();
	});

	test('another server, another path, other options or a second line: not its entry (the normal edit replaces them)', () => {
		expect(clusterSlaveEntry(['old:/var/aegir/platforms /var/aegir/platforms nfs rw 0 0'], wanted)).toBeUndefined();
		expect(clusterSlaveEntry(['web0:/srv/platforms /var/aegir/platforms nfs rw 0 0'], wanted)).toBeUndefined();
		expect(clusterSlaveEntry(['web0:/var/aegir/platforms /var/aegir/platforms nfs rw,hard 0 0'], wanted)).toBeUndefined();
		expect(clusterSlaveEntry(['web0:/var/aegir/platforms /var/aegir/platforms nfs4 rw 0 0'], wanted)).toBeUndefined();
		const line = clusterSlaveLine('web0:/var/aegir/platforms', '/var/aegir/platforms');
		expect(clusterSlaveEntry([line, line], wanted)).toBeUndefined();
		expect(clusterSlaveEntry([], wanted)).toBeUndefined();
	});
});
