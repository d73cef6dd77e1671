import {access, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {Host} from '../../source/pack/types.js';
import {expandPath, resolveHost, resolveHostFromConfig} from '../../source/remote/resolve-host.js';

const host = (overrides: Partial<Host> = {}): Host => ({name: 'web1', address: 'web1.example.org', port: 22, user: 'root', ...overrides});

describe('resolveHostFromConfig', () => {
	it('without a config, uses the host as given', () => {
		expect(resolveHostFromConfig(host({identityFile: '/keys/web1'}), undefined, '/home/me')).toEqual({
			name: 'web1',
			address: 'web1.example.org',
			port: 22,
			user: 'root',
			identityFiles: ['/keys/web1'],
			identitiesOnly: true,
		});
	});

	it('takes HostName, User, Port and IdentityFile from the block matching the address', () => {
		const config = [
			'Host web1.example.org',
			'  HostName 192.0.2.10',
			'  User deploy',
			'  Port 2200',
			'  IdentityFile ~/.ssh/pack_%h_%r',
			'Host *',
			'  IdentityFile ~/.ssh/fallback',
			'  User nobody',
		].join('\n');
		expect(resolveHostFromConfig(host(), config, '/home/me')).toEqual({
			name: 'web1',
			address: '192.0.2.10',
			port: 2200,
			user: 'deploy',
			identityFiles: ['/home/me/.ssh/pack_192.0.2.10_deploy', '/home/me/.ssh/fallback'],
			identitiesOnly: false,
		});
	});

	it('keeps a port and user chosen in the pack over the config', () => {
		const config = 'Host web1.example.org\n  Port 2200\n  User deploy\n';
		expect(resolveHostFromConfig(host({port: 2222, user: 'admin'}), config, '/home/me')).toMatchObject({port: 2222, user: 'admin'});
	});

	it('falls back to the pack name for User, Port and IdentityFile, but not HostName', () => {
		const config = 'Host web1\n  HostName 198.51.100.7\n  User ops\n  Port 2201\n  IdentityFile /keys/ops\n';
		expect(resolveHostFromConfig(host(), config, '/home/me')).toMatchObject({address: 'web1.example.org', user: 'ops', port: 2201, identityFiles: ['/keys/ops']});
	});

	it('puts the host\'s own key first, skips "IdentityFile none", and honours IdentitiesOnly', () => {
		const config = 'Host web1.example.org\n  IdentityFile none\n  IdentityFile /keys/b\n  IdentitiesOnly yes\n';
		expect(resolveHostFromConfig(host({identityFile: '/keys/a'}), config, '/home/me')).toMatchObject({identityFiles: ['/keys/a', '/keys/b'], identitiesOnly: true});
		expect(resolveHostFromConfig(host(), config, '/home/me')).toMatchObject({identityFiles: ['/keys/b'], identitiesOnly: true});
	});

	it('ignores an out-of-range Port', () => {
		expect(resolveHostFromConfig(host(), 'Host *\n  Port 99999\n', '/home/me').port).toBe(22);
	});
});

describe('expandPath', () => {
	it('expands ~ and the %d %h %r %p %% tokens', () => {
		const tokens = {home: '/home/me', host: 'h', user: 'u', port: 2222};
		expect(expandPath('~', tokens)).toBe('/home/me');
		expect(expandPath('~/.ssh/id_%h_%r_%p', tokens)).toBe('/home/me/.ssh/id_h_u_2222');
		expect(expandPath('%d/k%%', tokens)).toBe('/home/me/k%');
	});
});

describe('resolveHost', () => {
	let dir: string;
	beforeEach(async () => {
		dir = await mkdtemp(join(tmpdir(), 'aegir-pack-sshconfig-'));
	});
	afterEach(async () => {
		await rm(dir, {recursive: true, force: true});
	});

	it('reads the file, and treats a missing one as empty', async () => {
		const file = join(dir, 'config');
		await writeFile(file, 'Host web1.example.org\n  HostName 192.0.2.11\n');
		expect((await resolveHost(host(), file)).address).toBe('192.0.2.11');
		expect((await resolveHost(host(), join(dir, 'missing'))).address).toBe('web1.example.org');
		expect((await resolveHost(host(), false)).address).toBe('web1.example.org');
	});

	it('never runs `Match exec` commands', async () => {
		const file = join(dir, 'config');
		const marker = join(dir, 'pwned');
		await writeFile(file, `Match exec "touch ${marker}"\n  User evil\n`);
		const resolved = await resolveHost(host(), file);
		await expect(access(marker)).rejects.toThrow();
		expect(resolved.user).toBe('root');
	});
});
