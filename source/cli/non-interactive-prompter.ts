// Answers the run's questions when nobody is at the keyboard (no TTY, CI):
// only from flags, never by guessing, and always saying why on the output.
import type {HostKeyQuestion, Prompter} from '../contracts/prompter.js';

export type NonInteractivePrompterOptions = {
	/**
	 * The answer to mid-run yes/no questions, e.g. `--move-aside` for "move the
	 * files already in the mount point aside?". Default: no. A function can
	 * answer per host and question.
	 */
	confirm?: boolean | ((host: string, question: string) => boolean);
	/** The flag to name when a question is refused (default `--move-aside`). */
	confirmFlag?: string;
	/** Where explanations go, e.g. the plain reporter's `say`. */
	say: (host: string, message: string) => void;
};

export class NonInteractivePrompter implements Prompter {
	readonly #options: NonInteractivePrompterOptions;

	constructor(options: NonInteractivePrompterOptions) {
		this.#options = options;
	}

	async acceptHostKey(question: HostKeyQuestion): Promise<boolean> {
		// --accept-new-host-keys is a policy around this prompter (host-key-policy.ts); the run says each key it accepts.
		const key = `${question.keyType} key ${question.fingerprint} of ${question.address} port ${question.port}`;
		this.#options.say(
			question.host,
			`refusing unknown ${key}: it is not in ${question.knownHostsFile}. Check the fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then run again interactively or with --accept-new-host-keys`,
		);
		return false;
	}

	async sudoPassword(host: string, user: string): Promise<string | undefined> {
		this.#options.say(
			host,
			`sudo for ${user} wants a password, and a non-interactive run never asks for one: log in as root, or give ${user} passwordless sudo (NOPASSWD), or run interactively`,
		);
		return undefined;
	}

	async confirm(host: string, question: string, detail?: string): Promise<boolean> {
		const {confirm = false} = this.#options;
		const yes = typeof confirm === 'function' ? confirm(host, question) : confirm;
		const flag = this.#options.confirmFlag ?? '--move-aside';
		if (yes) {
			this.#options.say(host, `${question} yes (${flag})`);
			return true;
		}

		const more = detail ? `\n${detail}` : '';
		this.#options.say(host, `${question} no: a non-interactive run does not say yes on its own; run interactively or pass ${flag}${more}`);
		return false;
	}
}
