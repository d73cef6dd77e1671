// A command on a host failed: the runner reports the command, its exit code
// and the tail of its error output. Steps, fact readers and Aegir's scripts throw it.

/** A command failed: the runner reports the command, its exit code and the tail of its stderr. */
export class StepFailedError extends Error {
	override name = 'StepFailedError';
	readonly command?: string;
	readonly code?: number;
	readonly stderrTail?: string;

	constructor(message: string, details: {command?: string; code?: number; stderrTail?: string} = {}) {
		super(message);
		this.command = details.command;
		this.code = details.code;
		this.stderrTail = details.stderrTail;
	}
}

/** The last lines of a command's error output, enough to act on without opening the log. */
export function tail(text: string, lines = 8, maxChars = 2000): string {
	const trimmed = text.replace(/\s+$/, '');
	const kept = trimmed.split('\n').slice(-lines).join('\n');
	return kept.length > maxChars ? kept.slice(-maxChars) : kept;
}
