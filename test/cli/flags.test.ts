import {describe, expect, test} from 'vitest';
import {isInteractive, parseCliFlags, sshConfigFile} from '../../source/cli/flags.js';

describe('command-line flags', () => {
	test('every answer has a flag; repeatable ones collect every value', () => {
		const flags = parseCliFlags([
			'--name', 'pack.example.com',
			'--master', 'web1',
			'--slave', 'web2', '--slave', 'web3',
			'--nfs-server', 'storage',
			'--export-path', '/srv/platforms',
			'--subnet', '192.0.2.0/24', '--subnet', '2001:db8::/64',
			'--host', 'web1=root@192.0.2.11', '--host', 'web2=192.0.2.12:2222',
			'--yes',
			'--allow-wide-export',
			'--store-dir', '/tmp/store',
			'--ssh-config', '/tmp/ssh_config',
			'--known-hosts', '/tmp/known_hosts',
			'--dry-run',
			'--save-only',
			'--accept-new-host-keys',
			'--move-aside',
			'--config-dir', '/srv/aegir/config',
			'--platforms-dir', '/srv/aegir/platforms',
		]);
		expect(flags).toEqual({
			name: 'pack.example.com',
			master: 'web1',
			slave: ['web2', 'web3'],
			nfsServer: 'storage',
			exportPath: '/srv/platforms',
			subnet: ['192.0.2.0/24', '2001:db8::/64'],
			host: ['web1=root@192.0.2.11', 'web2=192.0.2.12:2222'],
			yes: true,
			allowWideExport: true,
			storeDir: '/tmp/store',
			sshConfig: '/tmp/ssh_config',
			knownHosts: '/tmp/known_hosts',
			dryRun: true,
			saveOnly: true,
			acceptNewHostKeys: true,
			moveAside: true,
			configDir: '/srv/aegir/config',
			platformsDir: '/srv/aegir/platforms',
			widenExport: false,
			json: false,
			watch: false,
			force: false,
			aegirHome: undefined,
			aegirRegister: false,
			aegirPrerequisites: false,
			aegirVerify: false,
			args: [],
		});
	});

	test('no flags: nothing answered, repeatables empty, booleans false', () => {
		expect(parseCliFlags([])).toMatchObject({name: undefined, slave: [], subnet: [], host: [], yes: false, dryRun: false, saveOnly: false, acceptNewHostKeys: false, moveAside: false});
	});

	test('positional arguments are kept apart from the answers (the command and its operands)', () => {
		expect(parseCliFlags(['add-slave', 'pack.example.com', 'web3', '--widen-export', '--yes'])).toMatchObject({
			args: ['add-slave', 'pack.example.com', 'web3'],
			widenExport: true,
			yes: true,
			name: undefined,
		});
		expect(parseCliFlags(['status', 'p', '--json', '--watch'])).toMatchObject({args: ['status', 'p'], json: true, watch: true});
	});

	test('--ssh-config wins over $AEGIR_PACK_SSH_CONFIG; neither means ~/.ssh/config (undefined)', () => {
		expect(sshConfigFile({sshConfig: '/a'}, {AEGIR_PACK_SSH_CONFIG: '/b'})).toBe('/a');
		expect(sshConfigFile({}, {AEGIR_PACK_SSH_CONFIG: '/b'})).toBe('/b');
		expect(sshConfigFile({}, {})).toBeUndefined();
	});

	test('interactive only with a terminal on stdin and stdout and no CI', () => {
		const tty = {stdin: {isTTY: true}, stdout: {isTTY: true}};
		expect(isInteractive(tty, {})).toBe(true);
		expect(isInteractive(tty, {CI: 'true'})).toBe(false);
		expect(isInteractive(tty, {CI: ''})).toBe(false);
		expect(isInteractive(tty, {CI: 'false'})).toBe(true);
		expect(isInteractive({stdin: {isTTY: false}, stdout: {isTTY: true}}, {})).toBe(false);
		expect(isInteractive({stdin: {isTTY: true}, stdout: {}}, {})).toBe(false);
	});
});
