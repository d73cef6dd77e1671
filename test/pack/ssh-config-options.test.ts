// The one evaluator of a host's ssh options: what it adds around the library.
import {describe, expect, test} from 'vitest';
import {parseSshConfig, sshHostOptions} from '../../source/pack/ssh-config-options.js';

const optionsFor = (text: string, name: string) => sshHostOptions(parseSshConfig(text), name);

describe('sshHostOptions', () => {
	test('first value wins; every IdentityFile is kept in order, without `none`', () => {
		const text = 'Host web1\n  User deploy\n  IdentityFile none\n  IdentityFile /keys/a\nHost *\n  User other\n  Port 2200\n  IdentityFile /keys/b\n  IdentitiesOnly yes\n';
		expect(optionsFor(text, 'web1')).toEqual({user: 'deploy', port: '2200', identityFiles: ['/keys/a', '/keys/b'], identitiesOnly: true});
	});

	test('wildcards and negation', () => {
		const text = 'Host web* !web9\n  User web\nHost db?\n  User db\n';
		expect(optionsFor(text, 'web1').user).toBe('web');
		expect(optionsFor(text, 'web9').user).toBeUndefined();
		expect(optionsFor(text, 'db1').user).toBe('db');
	});

	test('Match host and Match user see HostName and User whatever their spelling', () => {
		const text = 'Host web1\n  hostname 192.0.2.11\n  USER deploy\nMatch host 192.0.2.*\n  Port 2200\nMatch user deploy\n  IdentityFile /keys/deploy\n';
		expect(optionsFor(text, 'web1')).toMatchObject({hostName: '192.0.2.11', user: 'deploy', port: '2200', identityFiles: ['/keys/deploy']});
	});

	test('Match originalhost and Match all', () => {
		const text = 'Host web1\n  HostName 192.0.2.11\nMatch originalhost web1\n  User original\nMatch all\n  Port 2201\n';
		expect(optionsFor(text, 'web1')).toMatchObject({user: 'original', port: '2201'});
	});

	test('HostName: %h and %% expanded; other tokens flagged and left as written', () => {
		expect(optionsFor('Host web1\n  HostName %h.example.com\n', 'web1')).toEqual({hostName: 'web1.example.com', identityFiles: []});
		expect(optionsFor('Host web1\n  HostName %n.example.com\n', 'web1')).toEqual({hostName: '%n.example.com', hostNameHasUnknownTokens: true, identityFiles: []});
	});

	test('CanonicalizeHostName is never evaluated (the library would run nslookup)', () => {
		const config = parseSshConfig('Host web1\n  CanonicalizeHostName yes\n  CanonicalDomains example.com\n  Port 2200\n');
		expect(config.toString()).not.toMatch(/canonical/i);
		expect(sshHostOptions(config, 'web1')).toEqual({port: '2200', identityFiles: []});
	});

	test('proxies are reported', () => {
		expect(optionsFor('Host web1\n  ProxyJump bastion\n  ProxyCommand ssh -W %h:%p gw\n', 'web1')).toMatchObject({proxyJump: 'bastion', proxyCommand: 'ssh -W %h:%p gw'});
	});
});
