// Steps run their commands through this: as root, and a non-zero exit becomes a
// StepFailedError carrying the command, its exit code and the tail of stderr.

import {type StepContext} from '../step.js';
import {StepFailedError, tail} from '../../contracts/command-error.js';
import type {ExecOptions, ExecResult} from '../../contracts/transport.js';

export async function runAsRoot(
	context: StepContext,
	command: string,
	what: string,
	options: Omit<ExecOptions, 'sudo' | 'signal'> = {},
): Promise<ExecResult> {
	const result = await context.transport.exec(command, {...options, sudo: true, signal: context.signal});
	if (result.code !== 0) {
		const lines = result.stderr.split('\n').map(line => line.trim()).filter(Boolean).reverse();
		// The script's own last "aegir-pack: …" line says best what went wrong.
		const own = lines.find(line => line.startsWith('aegir-pack: '));
		let message = `${what} failed (exit code ${result.code})`;
		if (own) message = `${what} failed: ${own.slice('aegir-pack: '.length)}`;
		else if (result.code === -1) message = `${what} did not finish: ${lines[0] ?? 'connection lost or timed out'}`;
		throw new StepFailedError(message, {command: result.command, code: result.code, stderrTail: tail(result.stderr || result.stdout)});
	}

	return result;
}
