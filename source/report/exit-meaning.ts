// What each exit code of a run means, said the same way on the screen and in plain output.
import {EXIT} from '../contracts/exit-codes.js';

export function exitCodeMeaning(code: number): string {
	switch (code) {
		case EXIT.ok: {
			return 'every host is done';
		}
		case EXIT.failed: {
			return 'at least one host failed; the others finished';
		}
		case EXIT.badInput: {
			return 'bad input; nothing was changed';
		}
		case EXIT.interrupted: {
			return 'interrupted; each host stopped after its current command';
		}
		case EXIT.terminated: {
			return 'terminated (SIGTERM); each host stopped after its current command';
		}
		case EXIT.hangup: {
			return 'the terminal hung up (SIGHUP); each host stopped after its current command';
		}
		default: {
			return 'unexpected error';
		}
	}
}
