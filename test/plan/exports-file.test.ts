import {describe, expect, it} from 'vitest';
import {dropInContent, dropInName, dropInPath, exportProblems, parseExportfs} from '../../source/plan/exports-file.js';
import type {PackFields} from '../../source/pack/types.js';

const host = (name: string, address: string) => ({name, address, port: 22, user: 'root'});
const master = host('master', '192.0.2.10');
const pack: PackFields = {
	name: 'pack.example.com',
	master,
	slaves: [],
	nfsServer: master,
	exportPath: '/var/aegir/platforms',
	subnets: ['192.0.2.0/24', '2001:db8::/64'],
	exportOptions: 'rw,sync,no_subtree_check',
	mountOptions: 'rw,hard,_netdev,nofail',
};

// `exportfs -v` as nfs-utils 2.6 prints it (Debian 12): long paths on their own line.
const EXPORTFS_V = [
	'/var/aegir/platforms',
	'\t\t192.0.2.0/24(sync,wdelay,hide,no_subtree_check,sec=sys,rw,secure,root_squash,no_all_squash)',
	'/var/aegir/platforms',
	'\t\t2001:db8::/64(sync,wdelay,hide,no_subtree_check,sec=sys,rw,secure,root_squash,no_all_squash)',
	'/srv          \t192.0.2.7(sync,wdelay,hide,no_subtree_check,sec=sys,ro,secure,root_squash,no_all_squash)',
	'/export       \t<world>(sync,wdelay,hide,no_subtree_check,sec=sys,ro,secure,root_squash,no_all_squash)',
	'',
].join('\n');

describe('exports drop-in', () => {
	it('has one line per subnet with the pack options, in a file exportfs reads (*.exports)', () => {
		expect(dropInPath('/etc/exports.d', pack.name)).toBe('/etc/exports.d/aegir-pack-pack.example.com.exports');
		const lines = dropInContent(pack).split('\n');
		expect(lines[0]).toMatch(/^# Managed by aegir-pack for pack pack\.example\.com/);
		expect(lines.slice(1)).toEqual([
			'/var/aegir/platforms 192.0.2.0/24(rw,sync,no_subtree_check)',
			'/var/aegir/platforms 2001:db8::/64(rw,sync,no_subtree_check)',
			'',
		]);
	});

	it('keeps hostile pack names a single plain file name and out of the export lines', () => {
		expect(dropInName('../../etc/passwd')).toBe('aegir-pack-.._.._etc_passwd.exports');
		expect(dropInName('x y;$(rm -rf /)')).toBe('aegir-pack-x_y___rm_-rf___.exports');
		const content = dropInContent({...pack, name: 'p\n/ *(rw,no_root_squash)'});
		expect(content.split('\n').filter(line => !line.startsWith('#') && line !== '')).toHaveLength(2);
		expect(content).not.toContain('\n/ *(rw');
	});
});

describe('exportfs -v', () => {
	it('parses both layouts (path on its own line, and path + client on one line)', () => {
		expect(parseExportfs(EXPORTFS_V)).toEqual([
			expect.objectContaining({path: '/var/aegir/platforms', client: '192.0.2.0/24'}),
			expect.objectContaining({path: '/var/aegir/platforms', client: '2001:db8::/64'}),
			expect.objectContaining({path: '/srv', client: '192.0.2.7'}),
			expect.objectContaining({path: '/export', client: '<world>'}),
		]);
		expect(parseExportfs(EXPORTFS_V)[0]!.options).toContain('no_subtree_check');
	});

	it('finds nothing missing when every subnet has every option', () => {
		expect(exportProblems(parseExportfs(EXPORTFS_V), pack.exportPath, pack.subnets, pack.exportOptions)).toEqual([]);
	});

	it('names each subnet not exported, and options missing', () => {
		const entries = parseExportfs(EXPORTFS_V);
		expect(exportProblems(entries, pack.exportPath, ['198.51.100.0/24'], 'rw')).toEqual([
			'/var/aegir/platforms is not exported to 198.51.100.0/24',
		]);
		expect(exportProblems(entries, '/srv', ['192.0.2.7/32'], 'rw,sync')).toEqual(['/srv is exported to 192.0.2.7/32 without rw']);
		expect(exportProblems([], pack.exportPath, pack.subnets, 'rw')).toHaveLength(2);
	});
});
