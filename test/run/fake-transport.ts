// An in-memory host for runner tests: records every command, answers through
// an optional handler, and can hold a command open until the test lets it go.

import type {ExecOptions, ExecResult, PushTreeOptions, PushTreeResult, Transport} from '../../source/contracts/transport.js';

export type FakeAnswer = Partial<Omit<ExecResult, 'command'>> & {output?: string};

export class FakeTransport implements Transport {
	readonly execs: string[] = [];
	readonly pushes: PushTreeOptions[] = [];
	closed = false;
	running = 0;

	constructor(
		readonly hostName: string,
		readonly handler: (command: string, options: ExecOptions) => FakeAnswer | Promise<FakeAnswer> = () => ({}),
		readonly pushHandler: (options: PushTreeOptions) => string[] = () => [],
	) {}

	async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
		this.execs.push(command);
		this.running++;
		try {
			const answer = await this.handler(command, options);
			if (answer.output) options.onOutput?.(answer.output, 'stdout');
			return {command, code: 0, stdout: answer.output ?? '', stderr: '', durationMs: 1, ...answer};
		} finally {
			this.running--;
		}
	}

	async pushTree(options: PushTreeOptions): Promise<PushTreeResult> {
		this.pushes.push(options);
		const changed = this.pushHandler(options);
		const deleted = changed.filter(path => path.startsWith('deleting ')).map(path => path.slice('deleting '.length));
		const command = `rsync ${options.dryRun ? '--dry-run ' : ''}${options.paths.map(path => `${options.source}/./${path}`).join(' ')} ${this.hostName}:${options.destination}`;
		return {command, code: 0, stdout: '', stderr: '', durationMs: 1, changed: changed.map(path => path.replace(/^deleting /, '')), deleted};
	}

	async close(): Promise<void> {
		this.closed = true;
	}
}

/** A promise the test resolves by hand. */
export function gate<T = void>(): {promise: Promise<T>; open(value: T): void} {
	let open!: (value: T) => void;
	const promise = new Promise<T>(resolve => {
		open = resolve;
	});
	return {promise, open};
}
