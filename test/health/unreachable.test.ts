import {describe, expect, it} from 'vitest';
import {CheckStoppedError, explainUnreachable, HostDeadlineError} from '../../source/health/unreachable.js';
import {ConnectError, HostKeyMismatchError} from '../../source/remote/errors.js';
import {host} from '../plan/fixtures.js';

const web1 = {...host('web1', '192.0.2.11'), user: 'admin'};
const endpoint = {host: 'web1', address: '192.0.2.11', port: 22};

describe('explainUnreachable: what is wrong, and what to do, for each way a host gives no answer', () => {
	it('a connect timeout: the reason without the repeated host name, and to check the host is up', () => {
		const error = new ConnectError(endpoint, 'timeout', 'Cannot connect to web1 (192.0.2.11:22): no SSH login within 10 s (host down, firewalled, or not answering SSH).');
		expect(explainUnreachable(error, web1)).toEqual({
			reason: 'cannot connect: no SSH login within 10 s (host down, firewalled, or not answering SSH)',
			fix: 'check that web1 is up and answers SSH, then check again',
		});
	});

	it('refused, login failed, a changed host key', () => {
		expect(explainUnreachable(new ConnectError(endpoint, 'refused', 'x'), web1).fix).toBe('start sshd on web1, or fix its SSH port');
		expect(explainUnreachable(new ConnectError(endpoint, 'auth', 'x'), web1)).toEqual({
			reason: 'SSH login as admin failed',
			fix: "put your public key in admin's ~/.ssh/authorized_keys on web1",
		});
		const mismatch = new HostKeyMismatchError(endpoint, 'ssh-ed25519', 'SHA256:x', '/root/.ssh/known_hosts', 3);
		expect(explainUnreachable(mismatch, web1).reason).toBe('SSH host key changed since it was recorded');
	});

	it('the deadline, and a check stopped by the user', () => {
		expect(explainUnreachable(new HostDeadlineError('no answer within 15 s'), web1).reason).toBe('no answer within 15 s');
		expect(explainUnreachable(new CheckStoppedError('stopped'), web1)).toEqual({reason: 'check stopped before this host answered', fix: 'check again'});
	});
});
