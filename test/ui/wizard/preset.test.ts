import {describe, expect, test} from 'vitest';
import {presetFromFlags} from '../../../source/ui/wizard/preset.js';
import {HOSTS, noFlags} from './fixtures.js';

const preset = (flags: Record<string, unknown>) => presetFromFlags({...noFlags, ...flags}, HOSTS);

describe('flags as wizard answers', () => {
	test('no flags: nothing answered, nothing skipped', () => {
		expect(preset({})).toEqual({hosts: [], answers: {}, skip: [], errors: [], autoConfirm: false});
	});

	test('each valid flag answers and skips its step', () => {
		const result = preset({
			name: 'pack.example.com',
			master: 'web1',
			slave: ['web2', 'web3', 'web2'],
			nfsServer: 'storage',
			exportPath: '/srv/aegir/platforms',
			subnet: ['192.0.2.0/24'],
			yes: true,
		});
		expect(result.errors).toEqual([]);
		expect(result.skip).toEqual(['name', 'master', 'slaves', 'nfsServer', 'export']);
		expect(result.answers).toEqual({
			name: 'pack.example.com',
			master: 'web1',
			slaves: ['web2', 'web3'],
			nfsServer: {kind: 'host', name: 'storage'},
			exportPath: '/srv/aegir/platforms',
			subnetsText: '192.0.2.0/24',
			subnetsEdited: true,
		});
		expect(result.autoConfirm).toBe(true);
	});

	test('--nfs-server master (or the master\'s name) means "the master"', () => {
		expect(preset({master: 'web1', nfsServer: 'master'}).answers.nfsServer).toEqual({kind: 'master'});
		expect(preset({master: 'web1', nfsServer: 'web1'}).answers.nfsServer).toEqual({kind: 'master'});
	});

	test('--host defines hosts, replacing a known one of the same name', () => {
		const result = preset({host: ['web1=deploy@[2001:db8::11]:2222', 'web9=192.0.2.19'], master: 'web9'});
		expect(result.errors).toEqual([]);
		expect(result.hosts).toEqual([
			{name: 'web1', address: '2001:db8::11', user: 'deploy', port: 2222},
			{name: 'web9', address: '192.0.2.19', user: 'root', port: 22},
		]);
		expect(result.answers.master).toBe('web9');
	});

	test.each([
		[{name: 'pack;reboot'}, '--name', 'name', /^--name "?pack;reboot"?: /],
		[{master: 'web7'}, '--master', 'master', /^--master web7: no host named web7; define it with --host web7=user@address:port$/],
		[{master: 'web1', slave: ['web1']}, '--slave', 'slaves', /^--slave web1: it is the master/],
		[{slave: ['nope']}, '--slave', 'slaves', /^--slave nope: no host named nope/],
		[{nfsServer: 'nas'}, '--nfs-server', 'nfsServer', /^--nfs-server nas: no host named nas/],
		[{exportPath: 'relative/path'}, '--export-path', 'export', /^--export-path relative\/path: .*relative/],
		[{subnet: ['10.1']}, '--subnet', 'export', /^--subnet 10\.1: /],
		[{subnet: ['192.0.2.0/24', '10.0.0.0/33']}, '--subnet', 'export', /^--subnet 10\.0\.0\.0\/33: /],
	])('a bad value (%o) is an error naming %s, tied to the %s step, and the step is not skipped', (flags, flag, step, message) => {
		const result = preset(flags);
		expect(result.errors).toHaveLength(1);
		expect(result.errors[0]).toMatchObject({flag, step});
		expect(result.errors[0]?.message).toMatch(message);
		expect(result.skip).not.toContain(step);
	});

	test('a bad --host is an error not tied to a step, and control characters are shown escaped', () => {
		const result = preset({host: ['web\u001b[2J=192.0.2.1']});
		expect(result.errors).toHaveLength(1);
		expect(result.errors[0]?.step).toBeUndefined();
		expect(result.errors[0]?.message).toMatch(/^--host /);
		expect(result.errors[0]?.message).not.toContain('\u001b');
	});
});
