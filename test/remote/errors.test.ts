import {describe, expect, it} from 'vitest';
import {ConnectError, describeEndpoint, HostKeyError, HostKeyMismatchError, HostKeyRejectedError, HostKeyRevokedError} from '../../source/remote/errors.js';

describe('host key errors', () => {
	it('say HOST KEY MISMATCH with file, line, the fix, and that nothing ran', () => {
		const error = new HostKeyMismatchError({host: 'web1', address: '127.0.1.3', port: 22}, 'ssh-ed25519', 'SHA256:abc', '/root/.ssh/known_hosts', 4);
		expect(error.message).toBe(
			'HOST KEY MISMATCH for web1 (127.0.1.3:22): the key offered does not match /root/.ssh/known_hosts line 4. ' +
				'Nothing was run on this host. If the host was reinstalled, remove that line ' +
				'(ssh-keygen -f /root/.ssh/known_hosts -R 127.0.1.3) and run again. The host offered ssh-ed25519 SHA256:abc.',
		);
		expect(error).toBeInstanceOf(HostKeyError);
		expect(error).toBeInstanceOf(ConnectError);
		expect(error.reason).toBe('host-key');
	});

	it('quote the known_hosts name and path for the shell', () => {
		const error = new HostKeyMismatchError({host: 'web2', address: '2001:db8::5', port: 2222}, 'ssh-ed25519', 'SHA256:x', '/home/my admin/kh', 1);
		expect(error.message).toContain(`(ssh-keygen -f '/home/my admin/kh' -R '[2001:db8::5]:2222')`);
		expect(error.message).toContain('web2 ([2001:db8::5]:2222)');
	});

	it('explain a refused unknown key and a revoked key', () => {
		const endpoint = {host: 'web3', address: '127.0.0.9', port: 22};
		expect(new HostKeyRejectedError(endpoint, 'ssh-ed25519', 'SHA256:y', '/root/.ssh/known_hosts').message).toContain(
			'UNKNOWN HOST KEY for web3 (127.0.0.9:22) (ssh-ed25519 SHA256:y) was not accepted. Nothing was run on this host.',
		);
		expect(new HostKeyRevokedError(endpoint, 'ssh-ed25519', 'SHA256:y', '/etc/ssh/ssh_known_hosts', 2).message).toContain('@revoked in /etc/ssh/ssh_known_hosts line 2');
	});

	it('describe endpoints as name (address:port)', () => {
		expect(describeEndpoint({host: 'a', address: 'a.example.org', port: 22})).toBe('a (a.example.org:22)');
	});
});
