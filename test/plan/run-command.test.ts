import {describe, expect, it} from 'vitest';
import {StepFailedError} from '../../source/contracts/command-error.js';
import {runAsRoot} from '../../source/plan/steps/run-command.js';
import {FakeTransport} from '../run/fake-transport.js';
import {makeContext, makeFacts} from './fixtures.js';

const failWith = async (answer: {code: number; stderr: string}) => {
	const transport = new FakeTransport('web1', () => answer);
	const error: unknown = await runAsRoot(makeContext(transport, makeFacts()), 'mount -- /x', 'mounting /x').then(
		() => undefined,
		(error_: unknown) => error_,
	);
	if (!(error instanceof StepFailedError)) throw new Error('expected a StepFailedError');
	return error;
};

describe('running a step command as root', () => {
	it('asks for root and returns the result when it succeeds', async () => {
		let sudo: boolean | undefined;
		const transport = new FakeTransport('web1', (_command, options) => {
			sudo = options.sudo;
			return {output: 'done\n'};
		});
		const result = await runAsRoot(makeContext(transport, makeFacts()), 'true', 'nothing');
		expect(sudo).toBe(true);
		expect(result.stdout).toBe('done\n');
	});

	it('says what failed with the exit code, and keeps the command and stderr tail', async () => {
		const error = await failWith({code: 32, stderr: 'mount.nfs: access denied by server while mounting 192.0.2.10:/x\n'});
		expect(error).toBeInstanceOf(StepFailedError);
		expect(error).toMatchObject({message: 'mounting /x failed (exit code 32)', command: 'mount -- /x', code: 32});
		expect(error.stderrTail).toBe('mount.nfs: access denied by server while mounting 192.0.2.10:/x');
	});

	it('prefers the script’s own explanation', async () => {
		const error = await failWith({code: 1, stderr: 'mv: cannot move\naegir-pack: cannot replace /etc/fstab (read-only or immutable?); /etc/fstab was not changed\n'});
		expect(error.message).toBe('mounting /x failed: cannot replace /etc/fstab (read-only or immutable?); /etc/fstab was not changed');
	});

	it('names a lost connection', async () => {
		const error = await failWith({code: -1, stderr: 'connection to web1 (192.0.2.11:22) lost: read ECONNRESET\n'});
		expect(error.message).toBe('mounting /x did not finish: connection to web1 (192.0.2.11:22) lost: read ECONNRESET');
	});
});
