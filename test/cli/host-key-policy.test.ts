import {describe, expect, it} from 'vitest';
import {withNewKeyPolicy} from '../../source/cli/host-key-policy.js';
import type {HostKeyQuestion, Prompter} from '../../source/contracts/prompter.js';

const question: HostKeyQuestion = {
	host: 'web2',
	address: '192.0.2.11',
	port: 22,
	keyType: 'ssh-ed25519',
	fingerprint: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
	knownHostsFile: '/root/.ssh/known_hosts',
};

function recording(answer: boolean) {
	const asked: HostKeyQuestion[] = [];
	const prompter: Prompter = {
		acceptHostKey: async q => (asked.push(q), answer),
		sudoPassword: async () => 'secret',
		confirm: async () => true,
	};
	return {asked, prompter};
}

describe('withNewKeyPolicy', () => {
	it('--accept-new-host-keys: an unknown key is accepted without asking, and the prompter says why', async () => {
		const inner = recording(false);
		const policy = withNewKeyPolicy(inner.prompter, {accept: true});
		expect(await policy.acceptHostKey(question)).toBe(true);
		expect(inner.asked).toEqual([]);
		expect(policy.acceptsNewHostKeys).toBe('--accept-new-host-keys');
		// Every other question still goes to the person (or the flags).
		expect(await policy.sudoPassword('web2', 'deploy')).toBe('secret');
		expect(await policy.confirm('web2', 'Move aside?')).toBe(true);
	});

	it('without the flag the inner prompter decides', async () => {
		const inner = recording(false);
		const policy = withNewKeyPolicy(inner.prompter, {accept: false});
		expect(await policy.acceptHostKey(question)).toBe(false);
		expect(inner.asked).toEqual([question]);
		expect(policy.acceptsNewHostKeys).toBeUndefined();
	});
});
