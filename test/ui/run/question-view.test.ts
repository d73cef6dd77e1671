import {describe, expect, it} from 'vitest';
import {describeQuestion, questionHeight} from '../../../source/ui/run/question-view.js';
import {hostKey} from './fixtures.js';

describe('describeQuestion', () => {
	it('shows the host key type, SHA256 fingerprint and the known_hosts file, default no', () => {
		const view = describeQuestion({id: 1, kind: 'host-key', question: hostKey}, 8, '/home/admin');
		expect(view.title).toBe('web2: unknown host key');
		expect(view.lines.join('\n')).toContain('ssh-ed25519 SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU');
		expect(view.lines.join('\n')).toContain('192.0.2.11 port 2222');
		expect(view.lines.join('\n')).toContain('~/.ssh/known_hosts');
		expect(view.prompt).toBe('Trust this key? [y/N]');
	});

	it('asks a sudo password saying it is never stored', () => {
		const view = describeQuestion({id: 2, kind: 'sudo-password', host: 'web3', user: 'deploy'});
		expect(view.title).toBe('web3: sudo password for deploy');
		expect(view.lines.join(' ')).toMatch(/never written/);
	});

	it('bounds a long confirmation detail and cleans remote text', () => {
		const detail = Array.from({length: 30}, (_, index) => `file${index}\u001B[31m`).join('\n');
		const view = describeQuestion({id: 3, kind: 'confirm', host: 'web2', question: 'Move 30 files aside?', detail}, 5);
		expect(view.lines).toHaveLength(5);
		expect(view.lines.at(-1)).toBe('… 26 more lines (in the host log)');
		expect(view.lines.join('')).not.toContain('\u001B');
		expect(questionHeight(view)).toBe(9);
	});
});
