// --accept-new-host-keys as a prompter: an unknown host key is accepted without
// asking, whatever the screen or the flags would say, and the prompter carries
// the reason so that each acceptance is said and logged (run/host-key-notice.ts).
// A changed key is refused by the SSH layer before any prompter is asked.
import type {Prompter} from '../contracts/prompter.js';

export function withNewKeyPolicy(inner: Prompter, policy: {accept: boolean}): Prompter {
	if (!policy.accept) return inner;
	return {
		acceptsNewHostKeys: '--accept-new-host-keys',
		acceptHostKey: async () => true,
		sudoPassword: (host, user) => inner.sudoPassword(host, user),
		confirm: (...question: Parameters<Prompter['confirm']>) => inner.confirm(...question),
	};
}
