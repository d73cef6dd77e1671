import {describe, expect, it} from 'vitest';
import {localHostNames} from '../../source/plan/this-machine.js';
import {thisMachine} from '../../source/run/local-host.js';
import {host} from '../plan/fixtures.js';

const machine = {names: ['aegir.example.com', 'aegir', 'localhost'], addresses: ['127.0.0.1', '::1', '192.0.2.5']};

describe('which pack hosts are this machine', () => {
	it('matches our own addresses and names exactly', () => {
		const hosts = [
			host('self-ip', '192.0.2.5'),
			host('self-name', 'AEGIR.example.com'),
			host('loopback', '127.0.0.1'),
			host('v6', '[::1]'),
			host('lab-host', '127.0.1.3'),
			host('other', '192.0.2.6'),
			host('other-name', 'web1.example.com'),
		];
		expect(localHostNames(hosts, machine)).toEqual(['self-ip', 'self-name', 'loopback', 'v6']);
	});

	it('knows this machine by localhost and its loopback address', () => {
		const identity = thisMachine();
		expect(identity.names).toContain('localhost');
		expect(identity.addresses).toContain('127.0.0.1');
	});
});
