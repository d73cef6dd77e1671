// The "what to do" halves of problem lines, in one place so they read alike.

import {commandLine} from '../shell/quote.js';

export const APPLY_AGAIN = 'apply the pack again';

/** `run `mount -- /var/aegir/platforms` on web1` */
export function runOn(host: string, argv: readonly string[]): string {
	return `run \`${commandLine(argv)}\` on ${host}`;
}
