// The bridge between the run (which asks through the Prompter interface) and
// the run screen (which shows one question at a time as a modal). Questions
// from several hosts queue up; each resolves with the user's answer.
import type {HostKeyQuestion, Prompter} from '../../contracts/prompter.js';

export type PendingQuestion =
	| {id: number; kind: 'host-key'; question: HostKeyQuestion}
	| {id: number; kind: 'sudo-password'; host: string; user: string}
	| {id: number; kind: 'confirm'; host: string; question: string; detail?: string};

type Entry = {question: PendingQuestion; settle: (answer: boolean | string | undefined) => void};

/** What the screen shows: the current question and how many wait behind it (a new object on each change). */
export type PrompterSnapshot = {current?: PendingQuestion; waiting: number};

/** Distributes a question without its id, so callers can describe one before it is queued. */
type NewQuestion = PendingQuestion extends infer Q ? (Q extends PendingQuestion ? Omit<Q, 'id'> : never) : never;

export class InkPrompter implements Prompter {
	readonly #queue: Entry[] = [];
	readonly #listeners = new Set<() => void>();
	#nextId = 1;
	#closed = false;
	#snapshot: PrompterSnapshot = {waiting: 0};

	acceptHostKey(question: HostKeyQuestion): Promise<boolean> {
		return this.#ask({kind: 'host-key', question}, answer => answer === true);
	}

	sudoPassword(host: string, user: string): Promise<string | undefined> {
		// The password lives only in this promise's value: the prompter keeps no copy.
		return this.#ask({kind: 'sudo-password', host, user}, answer => (typeof answer === 'string' ? answer : undefined));
	}

	confirm(host: string, question: string, detail?: string): Promise<boolean> {
		return this.#ask({kind: 'confirm', host, question, detail}, answer => answer === true);
	}

	/** The question on screen now (oldest first). */
	readonly current = (): PendingQuestion | undefined => this.#queue[0]?.question;

	/** Questions waiting behind the current one. */
	waiting(): number {
		return Math.max(0, this.#queue.length - 1);
	}

	/** Stable between changes, for useSyncExternalStore. */
	readonly getSnapshot = (): PrompterSnapshot => this.#snapshot;

	readonly subscribe = (listener: () => void): (() => void) => {
		this.#listeners.add(listener);
		return () => {
			this.#listeners.delete(listener);
		};
	};

	/**
	 * The user's answer to question `id`: true/false for a host key or a
	 * confirmation, the password (or undefined to give up) for sudo.
	 */
	answer(id: number, answer: boolean | string | undefined): void {
		const index = this.#queue.findIndex(entry => entry.question.id === id);
		if (index === -1) return;
		const [entry] = this.#queue.splice(index, 1);
		entry?.settle(answer);
		this.#changed();
	}

	/**
	 * Say no to every open question and to any asked later: the run is being
	 * stopped or the screen is gone, and nobody is left to answer.
	 */
	close(): void {
		this.#closed = true;
		const entries = this.#queue.splice(0);
		for (const entry of entries) entry.settle(undefined);
		if (entries.length > 0) this.#changed();
	}

	get closed(): boolean {
		return this.#closed;
	}

	#ask<T>(question: NewQuestion, convert: (answer: boolean | string | undefined) => T): Promise<T> {
		if (this.#closed) return Promise.resolve(convert(undefined));
		return new Promise<T>(resolve => {
			const entry: Entry = {
				question: {...question, id: this.#nextId++} as PendingQuestion,
				settle: answer => {
					resolve(convert(answer));
				},
			};
			this.#queue.push(entry);
			this.#changed();
		});
	}

	#changed(): void {
		this.#snapshot = {current: this.current(), waiting: this.waiting()};
		for (const listener of this.#listeners) listener();
	}
}
