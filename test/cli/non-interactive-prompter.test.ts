import {describe, expect, it} from 'vitest';
import {NonInteractivePrompter} from '../../source/cli/non-interactive-prompter.js';
import type {HostKeyQuestion} from '../../source/contracts/prompter.js';

const question: HostKeyQuestion = {
	host: 'web2',
	address: '192.0.2.11',
	port: 22,
	keyType: 'ssh-ed25519',
	fingerprint: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
	knownHostsFile: '/root/.ssh/known_hosts',
};

function prompter(options: Partial<ConstructorParameters<typeof NonInteractivePrompter>[0]> = {}) {
	const said: Array<[string, string]> = [];
	return {said, prompter: new NonInteractivePrompter({say: (host, message) => said.push([host, message]), ...options})};
}

describe('NonInteractivePrompter', () => {
	it('refuses an unknown host key by default, naming the key, the file and the flag', async () => {
		const {said, prompter: p} = prompter();
		expect(await p.acceptHostKey(question)).toBe(false);
		expect(said).toHaveLength(1);
		expect(said[0]![0]).toBe('web2');
		expect(said[0]![1]).toContain(question.fingerprint);
		expect(said[0]![1]).toContain('/root/.ssh/known_hosts');
		expect(said[0]![1]).toContain('--accept-new-host-keys');
	});

	it('never asks for a sudo password and says to use root or NOPASSWD sudo', async () => {
		const {said, prompter: p} = prompter({confirm: true});
		expect(await p.sudoPassword('web3', 'deploy')).toBeUndefined();
		expect(said[0]).toEqual(['web3', expect.stringMatching(/root.*NOPASSWD/)]);
	});

	it('answers no to a confirmation unless the flag says yes', async () => {
		const no = prompter();
		expect(await no.prompter.confirm('web2', 'Move the files in /var/aegir/platforms aside?', 'index.php')).toBe(false);
		expect(no.said[0]![1]).toContain('--move-aside');
		expect(no.said[0]![1]).toContain('index.php');

		const yes = prompter({confirm: true});
		expect(await yes.prompter.confirm('web2', 'Move the files aside?')).toBe(true);
	});

	it('can answer per host and question', async () => {
		const {prompter: p} = prompter({confirm: host => host === 'web2', confirmFlag: '--yes'});
		expect(await p.confirm('web2', 'Move?')).toBe(true);
		expect(await p.confirm('web3', 'Move?')).toBe(false);
	});
});
