// Every host key accepted during a run is said where the run is watched and
// written to that host's log, as ssh's "Permanently added" is: which key, of
// which address, why (the flag, or a person's yes), and which file it went to.
import type {HostKeyQuestion, Prompter} from '../contracts/prompter.js';

/** "accepting new ssh-ed25519 key SHA256:… of 192.0.2.10 port 22 (--accept-new-host-keys), adding it to ~/.ssh/known_hosts". */
export function acceptedKeyLine(question: HostKeyQuestion, reason: string): string {
	return `accepting new ${question.keyType} key ${question.fingerprint} of ${question.address} port ${question.port} (${reason}), adding it to ${question.knownHostsFile}`;
}

/** The prompter as the SSH layer sees it for one host: each key it accepts is passed to `say`. */
export function announcingHostKeys(prompter: Prompter, say: (line: string) => void): Prompter {
	return {
		...(prompter.acceptsNewHostKeys === undefined ? {} : {acceptsNewHostKeys: prompter.acceptsNewHostKeys}),
		async acceptHostKey(question) {
			const accepted = await prompter.acceptHostKey(question);
			if (accepted) say(acceptedKeyLine(question, prompter.acceptsNewHostKeys ?? 'you said yes'));
			return accepted;
		},
		sudoPassword: (host, user) => prompter.sudoPassword(host, user),
		confirm: (...question: Parameters<Prompter['confirm']>) => prompter.confirm(...question),
	};
}
