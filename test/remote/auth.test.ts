import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {AnyAuthMethod} from 'ssh2';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {authHandlerFor, defaultIdentityFiles, planAuth, rsyncCredential} from '../../source/remote/auth.js';
import type {ResolvedHost} from '../../source/remote/resolve-host.js';
import {generateTestKeyPair} from './test-keys.js';

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'aegir-pack-auth-'));
});
afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

const resolved = (overrides: Partial<ResolvedHost> = {}): ResolvedHost => ({
	name: 'web1',
	address: '127.0.0.1',
	port: 22,
	user: 'root',
	identityFiles: [],
	identitiesOnly: false,
	...overrides,
});

async function keyFile(name: string, passphrase?: string): Promise<string> {
	const file = join(dir, name);
	await writeFile(file, generateTestKeyPair('ed25519', passphrase).private, {mode: 0o600});
	return file;
}

describe('planAuth', () => {
	it('offers the agent, then the host\'s keys, then the default keys, skipping missing defaults silently', async () => {
		const own = await keyFile('own');
		const fallback = await keyFile('id_ed25519');
		const plan = await planAuth(resolved({identityFiles: [own]}), '/run/agent.sock', [join(dir, 'id_missing'), fallback]);
		expect(plan.candidates.map(candidate => candidate.label)).toEqual(['ssh-agent', own, fallback]);
		expect(plan.candidates[0]!.method).toEqual({type: 'agent', username: 'root', agent: '/run/agent.sock'});
		expect(plan.notes).toEqual([]);
	});

	it('under IdentitiesOnly offers no default keys and a filtered agent', async () => {
		const own = await keyFile('own');
		const plan = await planAuth(resolved({identityFiles: [own], identitiesOnly: true, user: 'admin'}), '/run/agent.sock', [await keyFile('id_rsa')]);
		expect(plan.candidates.map(candidate => candidate.label)).toEqual(['ssh-agent', own]);
		const agent = (plan.candidates[0]!.method as Extract<AnyAuthMethod, {type: 'agent'}>).agent;
		expect(typeof agent).toBe('object');
		expect(plan.candidates[1]!.method.username).toBe('admin');
	});

	it('says why a named key is not offered: missing, passphrase-protected, not a key', async () => {
		const missing = join(dir, 'gone');
		const locked = await keyFile('locked', 'pass');
		const junk = join(dir, 'junk');
		await writeFile(junk, 'hello');
		const plan = await planAuth(resolved({identityFiles: [missing, locked, junk]}), undefined, []);
		expect(plan.candidates).toEqual([]);
		expect(plan.notes).toEqual([
			`${missing} does not exist`,
			`${locked} is passphrase-protected: load it into ssh-agent (ssh-add ${locked})`,
			expect.stringContaining(`${junk} is not a usable private key`),
		]);
	});

	it('knows the usual default key files', () => {
		expect(defaultIdentityFiles('/home/me')).toEqual(['/home/me/.ssh/id_ed25519', '/home/me/.ssh/id_ecdsa', '/home/me/.ssh/id_rsa']);
	});
});

describe('authHandlerFor', () => {
	it('hands ssh2 the candidates in order, records them, then says no more', async () => {
		const own = await keyFile('own');
		const plan = await planAuth(resolved({identityFiles: [own]}), '/run/agent.sock', []);
		const attempted: string[] = [];
		const handler = authHandlerFor(plan, attempted);
		const answers: unknown[] = [];
		for (let call = 0; call < 3; call++) handler([], false, answer => answers.push(answer));
		expect((answers[0] as AnyAuthMethod).type).toBe('agent');
		expect((answers[1] as AnyAuthMethod).type).toBe('publickey');
		expect(answers[2]).toBe(false);
		expect(attempted).toEqual(['ssh-agent', own]);
	});
});

describe('rsyncCredential', () => {
	it('gives rsync\'s ssh exactly the key file that logged in, and no agent, whatever the host listed', async () => {
		const own = await keyFile('own');
		// A default key in $HOME: OpenSSH would look in the passwd home instead and not find it.
		const home = await keyFile('id_ed25519');
		const plan = await planAuth(resolved({identityFiles: [own]}), '/run/agent.sock', [home]);
		expect(rsyncCredential(plan, home, resolved({identityFiles: [own]}), '/run/agent.sock')).toEqual({identityFiles: [home], identitiesOnly: true, agentSocket: false});
	});

	it('keeps the agent (and the keys named for the host) when the agent logged in', async () => {
		const own = await keyFile('own');
		const host = resolved({identityFiles: [own], identitiesOnly: true});
		const plan = await planAuth(host, '/run/agent.sock', []);
		expect(rsyncCredential(plan, 'ssh-agent', host, '/run/agent.sock')).toEqual({identityFiles: [own], identitiesOnly: true, agentSocket: '/run/agent.sock'});
		expect(rsyncCredential(plan, undefined, host, undefined)).toEqual({identityFiles: [own], identitiesOnly: true, agentSocket: false});
	});
});
