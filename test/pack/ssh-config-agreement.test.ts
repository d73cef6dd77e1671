// One fixture config (Include of a second file, Match, wildcards, negation)
// proves that the wizard's picker and the connect-time resolution agree on
// every host the picker lists: same address, user, port and first key.
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {readSshConfigEntries} from '../../source/pack/ssh-config-hosts.js';
import type {Host} from '../../source/pack/types.js';
import {expandPath, resolveHost} from '../../source/remote/resolve-host.js';

const MAIN_CONFIG = `
# Lines before any block apply to every name; the Include brings in a second file.
Include config.d/*.conf
IdentitiesOnly yes

Host web1 web1-alias
    HostName 192.0.2.11
    User deploy
    Port 2222
    IdentityFile ~/.ssh/pack_ed25519

Host web* !web9
    User webadmin
    IdentityFile %d/.ssh/web_%r

Host web2
    Port 2202

Host web9
    hostname %h.example.com

Match host 198.51.100.*
    User dbadmin
    Port 2200

Match user cacher
    Port 2201

Match exec "false"
    Port 2999

Host *
    User fallback
    IdentityFile none
    IdentityFile ~/.ssh/id_ed25519
`;

const INCLUDED_CONFIG = `
Host db1
    hostname 198.51.100.21
Host cache1
    HostName 203.0.113.31
    User cacher
`;

describe('the picker and the connect-time resolution read ~/.ssh/config alike', () => {
	let home: string;
	let configFile: string;
	beforeAll(() => {
		home = mkdtempSync(join(tmpdir(), 'aegir-pack-agreement-'));
		mkdirSync(join(home, '.ssh', 'config.d'), {recursive: true});
		configFile = join(home, '.ssh', 'config');
		writeFileSync(configFile, MAIN_CONFIG);
		writeFileSync(join(home, '.ssh', 'config.d', '10-db.conf'), INCLUDED_CONFIG);
		writeFileSync(join(home, '.ssh', 'config.d', 'notes.txt'), 'Host not-included\n');
	});
	afterAll(() => {
		rmSync(home, {recursive: true, force: true});
	});

	test('the picker lists the concrete hosts of both files, evaluated as ssh would', () => {
		const entries = readSshConfigEntries(configFile, home);
		expect(entries.skipped).toEqual([]);
		expect(entries.hosts).toEqual([
			// From the included file; `Match host` sees the HostName (written in lower case).
			{name: 'db1', address: '198.51.100.21', port: 2200, user: 'dbadmin', identityFile: '~/.ssh/id_ed25519'},
			// `Match user` sees the User set by the Host block.
			{name: 'cache1', address: '203.0.113.31', port: 2201, user: 'cacher', identityFile: '~/.ssh/id_ed25519'},
			{name: 'web1', address: '192.0.2.11', port: 2222, user: 'deploy', identityFile: '~/.ssh/pack_ed25519'},
			{name: 'web1-alias', address: '192.0.2.11', port: 2222, user: 'deploy', identityFile: '~/.ssh/pack_ed25519'},
			// `Host web*` sets User before `Host web2` is read; %r is that user.
			{name: 'web2', address: 'web2', port: 2202, user: 'webadmin', identityFile: '~/.ssh/web_webadmin'},
			// Negated out of `Host web*`; %h in HostName; `IdentityFile none` skipped.
			{name: 'web9', address: 'web9.example.com', port: 22, user: 'fallback', identityFile: '~/.ssh/id_ed25519'},
		]);
		expect(entries.notes).toEqual(['Match exec commands are never run; those blocks count as not matching']);
	});

	test('every listed host resolves at connect time to what the picker shows', async () => {
		const {hosts} = readSshConfigEntries(configFile, home);
		expect(hosts.length).toBeGreaterThan(0);
		for (const picked of hosts) {
			const shown = {address: picked.address, user: picked.user, port: picked.port, firstKey: keyPath(picked)};
			// The host as the wizard stores it, resolved when connecting.
			const stored = await resolveHost(picked, configFile, home);
			expect({address: stored.address, user: stored.user, port: stored.port, firstKey: stored.identityFiles[0]}, picked.name).toEqual(shown);
			// The bare name, as `ssh <name>` would take it.
			const typed: Host = {name: picked.name, address: picked.name, port: 22, user: 'root'};
			const bare = await resolveHost(typed, configFile, home);
			expect({address: bare.address, user: bare.user, port: bare.port, firstKey: bare.identityFiles[0]}, picked.name).toEqual(shown);
		}
	});

	function keyPath(host: Host): string | undefined {
		return host.identityFile === undefined ? undefined : expandPath(host.identityFile, {home, host: host.address, user: host.user, port: host.port});
	}
});
